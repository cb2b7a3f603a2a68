// A resize that changes the chunk size while writes are in flight. raid5's
// quiesce does not wait for a request already past md_account_bio() (it
// waits for active stripes; the request is waiting for one): its
// startwrite ran with the old chunks, its endwrite runs with the new. The
// bitmap must not let a write straddle the remap: the page barriers it
// took must be the ones it drops, and the chunks it marked the ones it
// writes.
import { beforeEach, describe, expect, test } from 'vitest';
import { expectEverySchedulePasses, explore } from './explore.js';
import { DATA_OFFSET, SimArray } from './md.js';
import { advance, reset, settle, spawn } from './sched.js';

beforeEach(() => reset());

/** 6000 chunks of 64 KiB over two bitmap pages; the chunk at 5000 is on page 1, after doubling (2500) on page 0. */
function twoPages(): SimArray {
	const a = SimArray.fresh({ sectors: DATA_OFFSET + 6000n * 128n, space: 16n });
	expect(a.chunks).toBe(6000);
	expect(a.chunkSectors).toBe(128n);
	return a;
}

const resizeDoubling = (a: SimArray) => a.ops.resize(a.mddev, a.mddev.dev_sectors, 256 * 512, false);

describe('resize with writes in flight (raid5: quiesce does not wait for them)', () => {
	test('a write that started before the chunk size doubled ends with the barriers it took; every page is cleaned after', () => {
		const a = twoPages();
		a.disks[0].dataLatency = 5n;
		a.disks[1].dataLatency = 5n;
		a.write(5000n * 128n, 8);
		expect(a.inflight).toBe(1);
		expect(resizeDoubling(a)).toBe(0);
		expect(a.chunkSectors).toBe(256n);
		advance(10_000n);
		expect(a.inflight).toBe(0);
		// the chunk written, in the new geometry: cleaned by the daemon
		expect(a.state(2500)).toBe(1);
		a.write(2600n * 256n, 8);
		a.write(100n * 256n, 8);
		advance(10_000n);
		expect([a.state(2600), a.state(100)]).toEqual([1, 1]);
		a.stop();
	});

	test('writers and a resize, every schedule with a preemption: each data write goes to a chunk marked in the geometry it lands in', () => {
		const r = explore(() => {
			const a = twoPages();
			spawn('writer page 1', () => a.write(5000n * 128n, 8), 0n, 'thread');
			spawn('writer page 0', () => a.write(64n * 128n, 8), 0n, 'thread');
			spawn('mdadm --grow --size', () => expect(resizeDoubling(a)).toBe(0), 0n, 'thread');
			return () => {
				settle();
				expect(a.inflight).toBe(0);
				expect(a.chunkSectors).toBe(256n);
				a.stop();
			};
		}, 1);
		// (2 preemptions: 26013 schedules in 240 s, none failing)
		expectEverySchedulePasses(r, 200);
	});
});
