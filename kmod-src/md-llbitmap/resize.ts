/**
 * The array changes size (mdadm --grow --size, raid10/raid5 reshape): the
 * chunks are recounted in the same bitmap space. The chunk size stays
 * unless the new size needs more chunks than the space holds; then it
 * doubles as often as needed and each new chunk takes the state of the old
 * chunks it covers that asks the most of a resync.
 */
import { atomic_inc, smp_wmb } from '../kernel/atomic';
import { mdname, type mddev } from '../kernel/md';
import { percpu_ref_is_zero, percpu_ref_kill } from '../kernel/percpu-refcount';
import { wait_event } from '../kernel/wait';
import { pr_info } from '../kernel/printk';
import { type bool, type int, type Ptr, type sector_t, uint, ulong } from '../kernel/types';
import { llbitmap_daemon_hold, llbitmap_daemon_release } from './daemon';
import { llbitmap_flush_dirty, llbitmap_mark_all } from './io';
import { llbitmap, llbitmap_pctl, llbitmap_read, llbitmap_resume, llbitmap_write, mddev_llbitmap } from './llbitmap';
import { llbitmap_fill_sb, llbitmap_geometry } from './sb';
import { llbitmap_state } from './state';

/** How much a state asks of a resync: the larger wins when chunks merge. */
function llbitmap_weight(state: llbitmap_state): uint {
	switch (state) {
	case llbitmap_state.BitUnwritten:
		return 0;
	case llbitmap_state.BitClean:
		return 1;
	case llbitmap_state.BitDirty:
		return 2;
	default:
		/* NeedSync, and Syncing: a sync cut short by the resize */
		return 3;
	}
}

/** The state of old chunks [first, end) as one chunk. */
function llbitmap_merged(bitmap: Ptr<llbitmap>, first: uint, end: uint): llbitmap_state {
	let state = llbitmap_state.BitUnwritten;

	for (let chunk = first; chunk < end; chunk++) {
		const c = llbitmap_read(bitmap, chunk);

		if (llbitmap_weight(c) > llbitmap_weight(state))
			state = c === llbitmap_state.BitSyncing ? llbitmap_state.BitNeedSync : c;
	}
	return state;
}

/** Recount the chunks for `blocks` sectors; IO is quiesced meanwhile. */
function llbitmap_remap(bitmap: Ptr<llbitmap>, blocks: sector_t, chunksize: ulong): void {
	const old_chunks = bitmap.chunks;
	const old_shift = bitmap.chunkshift;
	let shift: ulong;
	let chunk: uint;

	llbitmap_geometry(bitmap, blocks, chunksize);
	shift = bitmap.chunkshift - old_shift;
	/* ascending: new chunk c reads old chunks from c << shift, never below c */
	for (chunk = 0; chunk < bitmap.chunks; chunk++) {
		const first = chunk << uint(shift);
		let end = (chunk + 1) << uint(shift);
		let state = llbitmap_state.BitUnwritten;

		if (end > old_chunks)
			end = old_chunks;
		/* beyond the old size nothing was written */
		if (first < old_chunks)
			state = llbitmap_merged(bitmap, first, end);
		llbitmap_write(bitmap, state, chunk);
	}
	/* what the array no longer has reads as nothing, should it grow back */
	for (; chunk < old_chunks; chunk++)
		llbitmap_write(bitmap, llbitmap_state.BitUnwritten, chunk);
}

/**
 * Refuse new writes to every page and wait for those in flight to end:
 * each write must end in the geometry it started in (see
 * llbitmap_hold_range()). A writer that meets a suspended page holds no
 * other page while it waits.
 */
function llbitmap_suspend_all(bitmap: Ptr<llbitmap>): void {
	for (let idx: uint = 0; idx < bitmap.nr_pages; idx++)
		percpu_ref_kill(llbitmap_pctl(bitmap, idx).active);
	for (let idx: uint = 0; idx < bitmap.nr_pages; idx++) {
		const pctl = llbitmap_pctl(bitmap, idx);

		wait_event(pctl.wait, () => percpu_ref_is_zero(pctl.active));
	}
}

function llbitmap_resume_all(bitmap: Ptr<llbitmap>): void {
	for (let idx: uint = 0; idx < bitmap.nr_pages; idx++)
		llbitmap_resume(bitmap, idx);
}

/**
 * md_bitmap_resize()'s counterpart: `chunksize` in bytes, 0 to keep it.
 * @mddev is not suspended by all callers (size_store() only locks it).
 * raid1/10 quiesce waits for every write md accounted, so it comes first:
 * a writer waiting for a page would hold it up. raid4/5/6 quiesce does not
 * wait for a write already accounted that waits for a stripe: its
 * startwrite has run, so its end must come before the chunks change, and
 * the personality is quiesced only after it.
 */
export function llbitmap_resize(mddev: Ptr<mddev>, blocks: sector_t, chunksize: int, init: bool): int {
	const bitmap = mddev_llbitmap(mddev);
	let min_chunk: ulong;

	if (!bitmap)
		return 0;
	min_chunk = bitmap.chunksize;
	if (chunksize > 0 && ulong(chunksize) >> 9n > min_chunk)
		min_chunk = ulong(chunksize) >> 9n;
	llbitmap_daemon_hold(bitmap);
	if (!init && mddev.pers && !bitmap.parity)
		mddev.pers.quiesce(mddev, 1);
	llbitmap_suspend_all(bitmap);
	if (!init && mddev.pers && bitmap.parity)
		mddev.pers.quiesce(mddev, 1);
	const old_chunks = bitmap.chunks;
	const old_size = bitmap.chunksize;

	llbitmap_remap(bitmap, blocks, min_chunk);
	/* a writer that reads the new count reads the new geometry */
	smp_wmb();
	atomic_inc(bitmap.resizes);
	llbitmap_fill_sb(bitmap);
	llbitmap_mark_all(bitmap);
	llbitmap_flush_dirty(bitmap);
	llbitmap_resume_all(bitmap);
	llbitmap_daemon_release(bitmap);
	if (!init && mddev.pers)
		mddev.pers.quiesce(mddev, 0);
	pr_info('md/llbitmap: %s: resized from %u chunks of %lu KiB to %u chunks of %lu KiB\n', mdname(mddev), old_chunks, old_size >> 1n,
		bitmap.chunks, bitmap.chunksize >> 1n);
	return 0;
}
