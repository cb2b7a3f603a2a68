import { beforeEach, expect, test } from 'vitest';
import { reset, settle, advance } from './sched.js';
import { SimArray } from './md.js';
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
	expect(a.ops.startwrite(m, 0n, 8n)).toBe(0);
	a.ops.endwrite(m, 0n, 8n);
	a.ops.start_discard(m, 0n, 128n);
	a.ops.end_discard(m, 0n, 128n);
	a.ops.unplug(m, true);
});
