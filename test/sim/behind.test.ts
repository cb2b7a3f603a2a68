// raid1 --write-behind: md ends a write once the members that are not
// write-mostly have it; the write-mostly member's copy is still on its
// way (6.12's raid1 calls endwrite from the master bio's completion). The
// daemon must not clean the chunk before that copy lands: after a crash
// then, the write-mostly mirror would differ in a chunk the bitmap calls
// Clean, and nothing would ever resync it.
import { describe, expect, test } from 'vitest';
import { HZ } from './kernel/jiffies.js';
import { SimArray, stateName } from './md.js';
import { advance, blockUntil, settle, spawn } from './sched.js';
import { expectEverySchedulePasses, explore } from './explore.js';
import { llbitmap_state } from '../../kmod-src/md-llbitmap/state.js';

const CHUNK = 3;

/** Chunks whose copies differ after a power loss and that the members' bitmaps call Clean or Unwritten. */
function unprotectedAfterCrash(brokenBehindCount: boolean): string[] {
	const a = SimArray.fresh({ writeBehind: 1, brokenBehindCount });
	a.disks[1].dataLatency = 60n * BigInt(HZ);
	a.write(a.chunkSectors * BigInt(CHUNK), 8);
	settle();
	// the member that is not write-mostly has it: md ended the write
	expect(a.inflight).toBe(0);
	// a daemon pass (daemon_sleep 30 s, barrier_idle 5 s), the behind copy still queued
	advance(40n * BigInt(HZ));
	const disks = a.crash(() => true);
	const out: string[] = [];
	for (let c = 0; c < a.chunks; c++) {
		const start = 64n + BigInt(c) * a.chunkSectors;
		let differs = false;
		for (let s = start; s < start + a.chunkSectors && !differs; s++) if (disks[0].durableSector(s)[0] !== disks[1].durableSector(s)[0]) differs = true;
		if (!differs) continue;
		for (let i = 0; i < 2; i++) {
			const st = a.diskState(i, c);
			if (st === llbitmap_state.BitClean || st === llbitmap_state.BitUnwritten) out.push(`chunk ${c} differs, ${stateName(st)} on d${i}`);
		}
	}
	return out;
}

describe('write-behind', () => {
	test('a chunk whose behind write is queued is not cleaned: after a crash it is resynced', () => {
		expect(unprotectedAfterCrash(false)).toEqual([]);
	});

	test('once the behind copy lands, a later daemon pass cleans the chunk', () => {
		const a = SimArray.fresh({ writeBehind: 1 });
		a.disks[1].dataLatency = 60n * BigInt(HZ);
		a.write(a.chunkSectors * BigInt(CHUNK), 8);
		advance(40n * BigInt(HZ));
		expect(stateName(a.diskState(0, CHUNK))).toBe('Dirty');
		advance(60n * BigInt(HZ));
		expect(a.differingChunks(true)).toEqual([]);
		expect(stateName(a.diskState(0, CHUNK))).toBe('Clean');
		expect(stateName(a.diskState(1, CHUNK))).toBe('Clean');
	});

	test('broken: behind writes not counted, the daemon cleans the chunk and the crash leaves the mirrors differing under Clean', () => {
		expect(unprotectedAfterCrash(true)).toContain(`chunk ${CHUNK} differs, Clean on d0`);
	});
});

// The last behind write ends (end_behind_write: the count reaches 0, then
// wake_up) while the array stops: md waits for behind writes
// (mddev_detach()), then destroys the bitmap. A waiter that sees the count
// at 0 before the waker's wake_up() must not free the wait queue under it.
describe('write-behind and the bitmap going away', () => {
	/** A behind copy's completion is queued; md stops the array meanwhile. */
	function behindEndsWhileStopping(): () => void {
		const a = SimArray.fresh({ writeBehind: 1 });
		a.write(a.chunkSectors * BigInt(CHUNK), 8, false);
		spawn('mdadm --stop', () => {
			// mddev_suspend(): writes md has not ended yet finish first;
			// behind copies are not among them
			blockUntil('md_stop: active_io', () => a.inflight === 0);
			a.ops.wait_behind_writes(a.mddev);
			a.stop();
		}, 0n, 'thread');
		return () => {
			expect(a.mddev.bitmap).toBeNull();
			expect(a.disks[1].inflight).toBe(0);
		};
	}

	test('every schedule with up to 2 preemptions: the wake-up never lands on a freed bitmap', () => {
		const r = explore(behindEndsWhileStopping, 2);
		expectEverySchedulePasses(r, 20);
	});

	test('destroy alone (a bitmap removed while a behind copy is queued) waits for it', () => {
		const a = SimArray.fresh({ writeBehind: 1 });
		a.disks[1].dataLatency = 5n;
		a.write(a.chunkSectors * BigInt(CHUNK), 8);
		settle();
		expect(a.disks[1].inflight).toBe(1);
		a.stop();
		expect(a.mddev.bitmap).toBeNull();
		expect(a.disks[1].inflight).toBe(0);
	});
});
