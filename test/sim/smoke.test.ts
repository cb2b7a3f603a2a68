import { beforeEach, expect, test } from 'vitest';
import { reset, settle, advance } from './sched.js';
import { BITMAP_OFFSET, DATA_OFFSET, SB_START, SimArray } from './md.js';
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
	// md_llbitmap_set_ops() gives the array the ops; no bitmap is ever created
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
	// in sectors, as mainline's llbitmap records it, and tagged so
	expect(Buffer.from(sb).readUInt32LE(52)).toBe(Number(cs * 2n));
	expect(sb[136 + 119]).toBe(0x53);

	// and back down: chunks past the end read as nothing
	expect(ops.resize(m, 10n * cs * 2n, 0, false)).toBe(0);
	expect(a.chunks).toBe(10);
	expect(a.state(20)).toBe(S.Unwritten);
	a.stop();
});

test('the 3 KiB that md leaves for a bitmap added to a running 1.x array: chunks grow to fit, IO stays inside', () => {
	// mdadm --grow --bitmap=internal: md gives bitmap_info.space = 6 sectors
	// (1 KiB superblock + 2 KiB of state bytes). 4096 default-size chunks do
	// not fit in 2048 bytes: the chunk doubles.
	const sectors = DATA_OFFSET + 4096n * 128n;
	const a = SimArray.fresh({ sectors, space: 6n });
	const end = SB_START + BITMAP_OFFSET + 6n;
	expect(a.chunks).toBe(2048);
	expect(a.chunkSectors).toBe(256n);
	a.write(2047n * 256n, 8);
	settle();
	expect(a.state(2047)).toBe(2);
	expect(a.diskState(0, 2047)).toBe(2);
	a.stop();
	for (const d of a.disks) {
		const meta = d.log.filter((w) => w.meta);
		expect(meta.length).toBeGreaterThan(0);
		for (const w of meta) expect(w.sector + BigInt(w.sectors)).toBeLessThanOrEqual(end);
	}
	const sb = Buffer.from(a.disks[0].sector(SB_START + BITMAP_OFFSET));
	expect(sb.readUInt32LE(64)).toBe(6); // sectors_reserved

	// assembled again (1.1/1.2: md does not know the space; the superblock says 6)
	reset();
	const b = new SimArray(a.disks, { sectors }, false);
	b.start();
	expect(b.chunks).toBe(2048);
	expect(b.chunkSectors).toBe(256n);
	expect(b.state(2047)).toBe(a.diskState(0, 2047));
	b.stop();
});

test('less than a superblock and one block of state bytes is refused, with the sizes', () => {
	log.length = 0;
	expect(() => SimArray.fresh({ space: 2n })).toThrow('bitmap create: -28');
	expect(log.map((l) => l.text).join('')).toContain('md/llbitmap: md0: no space for a bitmap: 2 sectors, 3 needed');
});
