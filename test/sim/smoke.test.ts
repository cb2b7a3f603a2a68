import { beforeEach, expect, test } from 'vitest';
import { reset, settle, advance } from './sched.js';
import { BITMAP_OFFSET, SB_START, SimArray } from './md.js';
import { SimDisk } from './disk.js';
import { Box } from './kernel/types.js';
import { log } from './kernel/printk.js';

beforeEach(() => reset());

test('the bitmap TypeScript runs on the simulated kernel', () => {
	const a = SimArray.fresh();
	expect(a.chunks).toBe(48);
	a.write(0n, 8);
	settle();
	expect(a.state(0)).toBe(2);
	expect(a.diskState(0, 0)).toBe(2);
	// raid5 reconstruct-writes a stripe whose parity was never built
	expect(a.ops.blocks_synced(a.mddev, 0n)).toBe(true);
	expect(a.ops.blocks_synced(a.mddev, a.chunkSectors)).toBe(false);
	advance(10000n);
	expect(a.state(0)).toBe(1);
	a.stop();
	console.log(log.map((l) => l.text).join(''));
});

test('an array without a bitmap: md still calls the sync and write hooks, and they sync everything', () => {
	// md_llbitmap_select() gives the array the ops; no bitmap is ever created
	// (mdadm --create without --bitmap, or mdadm --build).
	const a = new SimArray([new SimDisk('d0', 8192n), new SimDisk('d1', 8192n)]);
	const m = a.mddev;
	const blocks = new Box(0n);
	expect(m.bitmap).toBeNull();
	expect(a.ops.start_sync(m, 0n, blocks, false)).toBe(true);
	expect(blocks.get()).toBe(1024n);
	a.ops.end_sync(m, 0n, blocks);
	a.ops.cond_end_sync(m, 2048n, true);
	a.ops.close_sync(m);
	expect(a.ops.skip_sync_blocks(m, 0n)).toBe(0n);
	expect(a.ops.blocks_synced(m, 0n)).toBe(true);
	expect(a.ops.startwrite(m, 0n, 8n)).toBe(0);
	a.ops.endwrite(m, 0n, 8n);
	a.ops.start_discard(m, 0n, 128n);
	a.ops.end_discard(m, 0n, 128n);
	a.ops.unplug(m, true);
});

test('resize: the same chunks while they fit, then doubled chunks that keep the most demanding state', () => {
	const a = SimArray.fresh();
	const S = { Unwritten: 0, Clean: 1, Dirty: 2, NeedSync: 3 };
	const cs = a.chunkSectors;
	a.write(3n * cs, 8);
	a.write(40n * cs, 8);
	settle();
	advance(10000n);
	a.write(5n * cs + 7n, 8);
	settle();
	expect([a.state(3), a.state(40), a.state(5)]).toEqual([S.Clean, S.Clean, S.Dirty]);
	const m = a.mddev;
	const ops = m.bitmap_ops as unknown as { resize(m: unknown, blocks: bigint, chunksize: number, init: boolean): number };

	// twice as large: 96 chunks of the same size, the new ones never written
	expect(ops.resize(m, 96n * cs, 0, false)).toBe(0);
	expect(a.chunks).toBe(96);
	expect(a.chunkSectors).toBe(cs);
	expect([a.state(3), a.state(5), a.state(40), a.state(60)]).toEqual([S.Clean, S.Dirty, S.Clean, S.Unwritten]);

	// more chunks than the 3 KiB of state bytes hold: chunks double
	const room = 4096 - 1024;
	expect(ops.resize(m, BigInt(room) * cs * 2n, 0, false)).toBe(0);
	expect(a.chunkSectors).toBe(cs * 2n);
	expect(a.chunks).toBe(room);
	// old 2 (Unwritten) + 3 (Clean) -> Clean; 4 + 5 (Dirty) -> Dirty; 40 + 41 -> Clean
	expect([a.state(1), a.state(2), a.state(20), a.state(30)]).toEqual([S.Clean, S.Dirty, S.Clean, S.Unwritten]);
	// on disk too, with the new geometry in the superblock
	settle();
	expect(a.diskState(0, 2)).toBe(S.Dirty);
	const sb = a.disks[0].sector(SB_START + BITMAP_OFFSET);
	expect(Buffer.from(sb).readBigUInt64LE(40)).toBe(BigInt(room) * cs * 2n);
	expect(Buffer.from(sb).readUInt32LE(52)).toBe(Number(cs * 2n * 512n));

	// and back down: chunks past the end read as nothing
	expect(ops.resize(m, 10n * cs * 2n, 0, false)).toBe(0);
	expect(a.chunks).toBe(10);
	expect(a.state(20)).toBe(S.Unwritten);
	a.stop();
});
