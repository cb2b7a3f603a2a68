/**
 * Resync and recovery visit only the chunks that need it: md asks
 * start_sync() for each range and skips what the bitmap says is in sync.
 */
import { atomic_read } from '../kernel/atomic';
import { set_bit } from '../kernel/bitops';
import { HZ, jiffies, time_before } from '../kernel/jiffies';
import { MD_SB_CHANGE_CLEAN, type mddev, sysfs_notify_dirent_safe } from '../kernel/md';
import { type bool, type Out, type Ptr, type sector_t, uint, ulong } from '../kernel/types';
import { wait_event } from '../kernel/wait';
import { llbitmap_flush_dirty } from './io';
import { llbitmap_apply, llbitmap_page_flag, llbitmap_pctl, llbitmap_read, mddev_llbitmap } from './llbitmap';
import { llbitmap_action, llbitmap_state } from './state';

/** Without a bitmap md syncs everything, this many sectors at a time (as md-bitmap answers). */
const LLBITMAP_NO_BITMAP_BLOCKS: sector_t = 1024n;

/** Sectors from `offset` to the end of its chunk. */
function llbitmap_chunk_rest(chunksize: ulong, offset: sector_t): sector_t {
	return chunksize - (offset & (chunksize - 1n));
}

/**
 * md is about to sync the chunk at `offset`: true if it must, false if it
 * may skip *blocks sectors.
 */
export function llbitmap_start_sync(mddev: Ptr<mddev>, offset: sector_t, blocks: Out<sector_t>, degraded: bool): bool {
	const bitmap = mddev_llbitmap(mddev);

	if (!bitmap) {
		blocks.set(LLBITMAP_NO_BITMAP_BLOCKS);
		return true;
	}
	const chunk = uint(offset >> bitmap.chunkshift);

	blocks.set(llbitmap_chunk_rest(bitmap.chunksize, offset));
	return llbitmap_apply(bitmap, chunk, chunk, llbitmap_action.BitmapActionStartsync) === llbitmap_state.BitSyncing;
}

/**
 * Sectors from `offset` that no resync, check or recovery needs to read:
 * an Unwritten chunk holds nothing (new, or discarded) - not even on a new
 * spare. Everything else goes through start_sync().
 */
export function llbitmap_skip_sync_blocks(mddev: Ptr<mddev>, offset: sector_t): sector_t {
	const bitmap = mddev_llbitmap(mddev);

	if (!bitmap || offset >> bitmap.chunkshift >= ulong(bitmap.chunks))
		return 0n;
	if (llbitmap_read(bitmap, uint(offset >> bitmap.chunkshift)) !== llbitmap_state.BitUnwritten)
		return 0n;
	return llbitmap_chunk_rest(bitmap.chunksize, offset);
}

/**
 * raid4/5/6: whether the parity of the chunk at `offset` was built (it is
 * Clean or Dirty). Until then raid5 reconstruct-writes the stripe: a
 * read-modify-write would carry never-built parity forward.
 */
export function llbitmap_blocks_synced(mddev: Ptr<mddev>, offset: sector_t): bool {
	const bitmap = mddev_llbitmap(mddev);

	if (!bitmap || offset >> bitmap.chunkshift >= ulong(bitmap.chunks))
		return true;
	const c = llbitmap_read(bitmap, uint(offset >> bitmap.chunkshift));

	return c === llbitmap_state.BitClean || c === llbitmap_state.BitDirty;
}

/** Sync stopped at `offset`: what it had started there and after still needs it. */
export function llbitmap_end_sync(mddev: Ptr<mddev>, offset: sector_t, blocks: Out<sector_t>): void {
	const bitmap = mddev_llbitmap(mddev);

	if (!bitmap) {
		blocks.set(LLBITMAP_NO_BITMAP_BLOCKS);
		return;
	}
	blocks.set(llbitmap_chunk_rest(bitmap.chunksize, offset));
	llbitmap_apply(bitmap, uint(offset >> bitmap.chunkshift), bitmap.chunks - 1, llbitmap_action.BitmapActionAbortsync);
}

/** Sync finished: synced chunks are Dirty until the daemon, soon, cleans them. */
export function llbitmap_close_sync(mddev: Ptr<mddev>): void {
	const bitmap = mddev_llbitmap(mddev);

	if (!bitmap)
		return;
	for (let idx: uint = 0; idx < bitmap.nr_pages; idx++)
		set_bit(llbitmap_page_flag.LLPageFlush, llbitmap_pctl(bitmap, idx).flags);
	llbitmap_apply(bitmap, 0, bitmap.chunks - 1, llbitmap_action.BitmapActionEndsync);
}

/**
 * Sync has reached `sector`: every daemon_sleep seconds (or when forced)
 * record the chunks fully below it as synced, so a restart after a crash
 * does not sync them again.
 */
export function llbitmap_cond_end_sync(mddev: Ptr<mddev>, sector: sector_t, force: bool): void {
	const bitmap = mddev_llbitmap(mddev);

	if (!bitmap)
		return;
	const done = uint(sector >> bitmap.chunkshift);

	if (!sector) {
		bitmap.last_end_sync = jiffies;
		return;
	}
	if (!force && time_before(jiffies, bitmap.last_end_sync + bitmap.daemon_sleep * ulong(HZ)))
		return;
	wait_event(mddev.recovery_wait, () => atomic_read(mddev.recovery_active) === 0);
	mddev.curr_resync_completed = sector;
	set_bit(MD_SB_CHANGE_CLEAN, mddev.sb_flags);
	/* only chunks that sync passed completely */
	if (done)
		llbitmap_apply(bitmap, 0, done - 1, llbitmap_action.BitmapActionEndsync);
	llbitmap_flush_dirty(bitmap);
	bitmap.last_end_sync = jiffies;
	sysfs_notify_dirent_safe(mddev.sysfs_completed);
}
