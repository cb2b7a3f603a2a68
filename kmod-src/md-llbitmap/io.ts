/**
 * Bitmap IO through the meta disk: reading the pages when the bitmap is
 * created, and writing dirty blocks before the data writes they protect.
 */
import { atomic64_add, atomic_dec, atomic_dec_and_test, atomic_inc, atomic_read, smp_mb, smp_mb__after_atomic, smp_rmb } from '../kernel/atomic';
import { set_bit, test_and_clear_bit, test_bit } from '../kernel/bitops';
import { min } from '../kernel/compiler';
import {
	__bio_add_page,
	type bio,
	bio_alloc,
	bio_put,
	type block_device,
	REQ_FUA,
	REQ_META,
	REQ_OP_READ,
	REQ_OP_WRITE,
	REQ_PREFLUSH,
	REQ_SYNC,
	SECTOR_SHIFT,
	submit_bio,
	submit_bio_wait,
} from '../kernel/blkdev';
import { file_bdev } from '../kernel/fs';
import { md_bitmap_wq, mdname, type mddev, rcu_read_lock, rcu_read_unlock } from '../kernel/md';
import { type page, PAGE_SECTORS_SHIFT, PAGE_SHIFT, PAGE_SIZE } from '../kernel/mm';
import { mutex_lock, mutex_unlock } from '../kernel/mutex';
import { pr_err } from '../kernel/printk';
import { GFP_NOIO } from '../kernel/slab';
import { container_of } from '../kernel/stddef';
import { type bool, div, type int, type Ptr, s64, sector_t, uint, ulong } from '../kernel/types';
import { wait_event, wake_up } from '../kernel/wait';
import { flush_work, queue_work, type work_struct } from '../kernel/workqueue';
import { llbitmap, llbitmap_flag, llbitmap_page_flag, llbitmap_pctl, mddev_llbitmap } from './llbitmap';

function llbitmap_bdev(llbitmap: Ptr<llbitmap>): Ptr<block_device> {
	return file_bdev(llbitmap.mddev.meta_file!);
}

/**
 * Bytes of page `idx` that lie in the bitmap space: all of it but in the
 * last page of a space that is not a whole number of pages (the 3 KiB that
 * md gives a bitmap added to a running 1.x array).
 */
export function llbitmap_page_bytes(llbitmap: Ptr<llbitmap>, idx: uint): uint {
	return uint(min((llbitmap.space << 9n) - ulong(idx) * PAGE_SIZE, PAGE_SIZE));
}

/** Read the first `bytes` of page `idx` of the bitmap from the first member that can. */
export function llbitmap_read_page(llbitmap: Ptr<llbitmap>, idx: uint, page: Ptr<page>, bytes: uint): int {
	const bio = bio_alloc(llbitmap_bdev(llbitmap), 1, REQ_OP_READ | REQ_META, GFP_NOIO);
	let ret: int;

	bio.bi_iter.bi_sector = sector_t(idx << PAGE_SECTORS_SHIFT);
	__bio_add_page(bio, page, bytes, 0);
	ret = submit_bio_wait(bio);
	bio_put(bio);
	if (ret)
		pr_err('md/llbitmap: %s: cannot read bitmap page %u: %d\n', mdname(llbitmap.mddev), idx, ret);
	return ret;
}

function llbitmap_end_write(bio: Ptr<bio>): void {
	const llbitmap = bio.bi_private as Ptr<llbitmap>;

	/* md_meta fails members one by one: this is all of them */
	if (bio.bi_status && !test_bit(llbitmap_flag.LLBitmapWriteError, llbitmap.flags)) {
		pr_err('md/llbitmap: %s: bitmap write failed on every member; the bitmap is off\n', mdname(llbitmap.mddev));
		set_bit(llbitmap_flag.LLBitmapWriteError, llbitmap.flags);
	}
	bio_put(bio);
	/*
	 * The waiter may see the count at 0 and go on to free the bitmap
	 * before our wake_up() (members such as brd complete in the
	 * submitter's preemptible context): llbitmap_destroy() waits for this
	 * RCU section.
	 */
	rcu_read_lock();
	if (atomic_dec_and_test(llbitmap.pending_io))
		wake_up(llbitmap.io_wait);
	rcu_read_unlock();
}

/**
 * Make the writes every member completed durable, on all members before
 * any block is written: a block that turns a chunk Clean must not be
 * durable on one member while another may still lose the chunk's data. A
 * flush per member ahead of each one's block would not do: after a power
 * loss between the members' block writes, a member assembled without the
 * other would call the chunk Clean, and the other, re-added, would never
 * get the data back.
 */
function llbitmap_flush_members(llbitmap: Ptr<llbitmap>): void {
	const bio = bio_alloc(llbitmap_bdev(llbitmap), 0, REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH, GFP_NOIO);
	const ret = submit_bio_wait(bio);

	bio_put(bio);
	/* md_meta failed the members that could not flush: this is all of them */
	if (ret && !test_bit(llbitmap_flag.LLBitmapWriteError, llbitmap.flags)) {
		pr_err('md/llbitmap: %s: no member could flush its cache; the bitmap is off\n', mdname(llbitmap.mddev));
		set_bit(llbitmap_flag.LLBitmapWriteError, llbitmap.flags);
	}
}

/**
 * Write `nr` blocks of page `idx` from block `block`, to every member, with
 * FUA: durable when it completes. The data a Clean chunk needs durable
 * first was flushed before (llbitmap_flush_members()); a Dirty one needs
 * nothing: its data comes after.
 */
function llbitmap_submit(llbitmap: Ptr<llbitmap>, idx: uint, block: uint, nr: uint): void {
	const pctl = llbitmap_pctl(llbitmap, idx);
	const bio = bio_alloc(llbitmap_bdev(llbitmap), 1, REQ_OP_WRITE | REQ_SYNC | REQ_META | REQ_FUA, GFP_NOIO);
	const offset = block * llbitmap.io_size;

	bio.bi_iter.bi_sector = sector_t(((idx << PAGE_SHIFT) + offset) >>> SECTOR_SHIFT);
	__bio_add_page(bio, pctl.page, nr * llbitmap.io_size, offset);
	bio.bi_private = llbitmap;
	bio.bi_end_io = llbitmap_end_write;
	atomic_inc(llbitmap.pending_io);
	atomic64_add(s64(nr), llbitmap.writes);
	submit_bio(bio);
}

/** Write the dirty blocks of page `idx`, adjacent ones in one bio. */
function llbitmap_write_page(llbitmap: Ptr<llbitmap>, idx: uint): void {
	const pctl = llbitmap_pctl(llbitmap, idx);
	let block: uint = 0;

	while (block < llbitmap.blocks_per_page) {
		let end = block + 1;

		if (!test_and_clear_bit(block, pctl.dirty)) {
			block = end;
			continue;
		}
		while (end < llbitmap.blocks_per_page && test_and_clear_bit(end, pctl.dirty))
			end++;
		llbitmap_submit(llbitmap, idx, block, end - block);
		block = end;
	}
}

/**
 * Write every dirty block and wait for it. A writer that dirtied a block
 * before the flush cleared LLBitmapPending finds its block written when this
 * returns; one that dirtied it later sets LLBitmapPending again.
 */
export function llbitmap_flush_dirty(llbitmap: Ptr<llbitmap>): void {
	mutex_lock(llbitmap.io_mutex);
	atomic_inc(llbitmap.flushing);
	/* a writer that sees LLBitmapPending clear sees flushing raised */
	smp_mb__after_atomic();
	if (test_and_clear_bit(llbitmap_flag.LLBitmapPending, llbitmap.flags)) {
		if (test_and_clear_bit(llbitmap_flag.LLBitmapFlushMembers, llbitmap.flags))
			llbitmap_flush_members(llbitmap);
		for (let idx: uint = 0; idx < llbitmap.nr_pages; idx++) {
			if (test_and_clear_bit(llbitmap_page_flag.LLPageDirty, llbitmap_pctl(llbitmap, idx).flags))
				llbitmap_write_page(llbitmap, idx);
		}
		wait_event(llbitmap.io_wait, () => atomic_read(llbitmap.pending_io) === 0);
	}
	atomic_dec(llbitmap.flushing);
	mutex_unlock(llbitmap.io_mutex);
}

/** Mark every block of the bitmap for writing (a new member needs it all). */
export function llbitmap_mark_all(llbitmap: Ptr<llbitmap>): void {
	for (let idx: uint = 0; idx < llbitmap.nr_pages; idx++) {
		const pctl = llbitmap_pctl(llbitmap, idx);
		const blocks = div(llbitmap_page_bytes(llbitmap, idx), llbitmap.io_size);

		for (let block: uint = 0; block < blocks; block++)
			set_bit(block, pctl.dirty);
		set_bit(llbitmap_page_flag.LLPageDirty, pctl.flags);
	}
	set_bit(llbitmap_flag.LLBitmapPending, llbitmap.flags);
}

export function llbitmap_unplug_fn(work: Ptr<work_struct>): void {
	llbitmap_flush_dirty(container_of(work, llbitmap, 'unplug_work'));
}

/**
 * Before the data writes of a plug go out: their chunks' blocks must be on
 * every member. Nothing to do - no IO, no lock - unless some block is dirty
 * or a flush that may be writing it is still running.
 */
export function llbitmap_unplug(mddev: Ptr<mddev>, sync: bool): void {
	const llbitmap = mddev_llbitmap(mddev);

	if (!llbitmap)
		return;
	/* our state bytes and marks are visible before we look (llbitmap_mark_block()) */
	smp_mb();
	if (!test_bit(llbitmap_flag.LLBitmapPending, llbitmap.flags)) {
		/*
		 * Clear: nothing of ours is pending, unless a flush cleared it
		 * and is still writing our block; it raised flushing first.
		 */
		smp_rmb();
		if (!atomic_read(llbitmap.flushing))
			return;
	}
	if (sync) {
		llbitmap_flush_dirty(llbitmap);
		return;
	}
	/*
	 * Inside submit_bio() our bios would queue on current->bio_list behind
	 * the caller's, which waits for them: a worker issues them instead.
	 */
	queue_work(md_bitmap_wq, llbitmap.unplug_work);
	flush_work(llbitmap.unplug_work);
}

