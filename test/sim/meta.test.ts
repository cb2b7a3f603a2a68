// md_meta under memory pressure: a bitmap write to N members allocates N
// clones inside md_meta's own ->submit_bio, from a bio_set whose reserve
// holds BIO_POOL_SIZE (2). The clones already allocated wait in
// current->bio_list until ->submit_bio returns, so with 3 or more members
// the next allocation waits on bios that cannot be issued - unless the
// bio_set has a rescuer to issue them.
import { afterEach, describe, expect, test } from 'vitest';
import { blkBreakage, pressure } from './kernel/blkdev.js';
import { SimArray } from './md.js';
import { settle } from './sched.js';

afterEach(() => {
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
