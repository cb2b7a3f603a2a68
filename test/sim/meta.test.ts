// md_meta under memory pressure: a bitmap write to N members allocates N
// clones inside md_meta's own ->submit_bio, from a bio_set whose reserve
// holds BIO_POOL_SIZE (2). The clones already allocated wait in
// current->bio_list until ->submit_bio returns, so with 3 or more members
// the next allocation waits on bios that cannot be issued - unless the
// bio_set has a rescuer to issue them.
import { afterEach, describe, expect, test } from 'vitest';
import { blkBreakage, pressure } from './kernel/blkdev.js';
import { rcuBreakage } from './kernel/md.js';
import { SimArray } from './md.js';
import { settle, spawn } from './sched.js';
import { expectEverySchedulePasses, explore } from './explore.js';

afterEach(() => {
	rcuBreakage.noReaders = false;
	blkBreakage.noRescuer = false;
	pressure.mempoolOnly = false;
});

/** A 3-member array, then, with nothing but the mempools left, a write to a chunk: the bitmap write goes to every member. */
function writeUnderPressure(): SimArray {
	const a = SimArray.fresh({ members: 3 });
	pressure.mempoolOnly = true;
	a.write(a.chunkSectors * 3n, 8);
	settle();
	expect(a.inflight).toBe(0);
	return a;
}

describe('md_meta under memory pressure', () => {
	test('a bitmap write to 3 members completes with only the bio_set reserve (2 bios)', () => {
		const a = writeUnderPressure();
		for (let i = 0; i < 3; i++) expect(a.diskState(i, 3, false), `member ${i}`).not.toBe(0);
	});

	test('broken: without a rescuer the third clone waits forever on the two queued in current->bio_list', () => {
		blkBreakage.noRescuer = true;
		expect(() => writeUnderPressure()).toThrow(/bio_alloc_clone: waiting for one of 2 bios of the set \(2 bios wait in current->bio_list\)/);
	});
});

// Members leave the array while md_meta walks them: md unlinks a member
// with list_del_rcu() and frees it after a grace period, so a walk that
// sleeps (bio_alloc_clone) or is preempted must be inside rcu_read_lock()
// or hold the member (nr_pending), as md-bitmap.c's next_active_rdev().
describe('md_meta walks the members while one is failed and removed', () => {
	/** A bitmap write to 3 members racing a member that fails and is removed. */
	function writeWhileRemoving(): () => void {
		const a = SimArray.fresh({ members: 3 });
		const cs = a.chunkSectors;
		spawn('writer', () => a.write(cs * 5n, 8), 0n, 'thread');
		// md's side takes no lock the bitmap holds (the writer holds
		// io_mutex around md_meta_write()): a leaf task, so that it may run
		// inside the walk; a wait there that the walk must end first is a
		// schedule the nested model cannot run (counted, not failed)
		spawn('mdadm --fail --remove', () => {
			a.fail(1);
			a.remove(1);
		});
		return () => {
			expect(a.inflight).toBe(0);
			expect(a.mddev.disks.length).toBe(2);
			// Dirty, or NeedSync once the array is degraded
			for (const i of [0, 2]) expect(a.diskState(i, 5, false), `member ${i}`).toBeGreaterThanOrEqual(2);
			a.stop();
		};
	}

	test('every schedule with up to 2 preemptions: no member is used after it is freed, none is held for ever', () => {
		const r = explore(writeWhileRemoving, 2);
		expectEverySchedulePasses(r, 50);
	});

	test('broken: with RCU sections synchronize_rcu() does not wait for, a walk reaches a freed member', () => {
		rcuBreakage.noReaders = true;
		const r = explore(writeWhileRemoving, 1);
		expect(r.failure?.error.message).toMatch(/rdev_for_each\(\): a member of md0 was freed under the walk/);
		console.log(`found after ${r.runs} schedules: preempt at ${JSON.stringify(r.failure?.schedule)}`);
	});
});
