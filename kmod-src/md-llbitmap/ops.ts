/**
 * The bitmap_operations md calls, the md_mod.llbitmap parameter that
 * selects them for new arrays, and the bitmap's life: create, load, flush,
 * destroy.
 */
import { atomic_dec_and_test, atomic_inc, atomic_read, atomic_set, atomic64_set, smp_rmb } from '../kernel/atomic';
import { set_bit, test_and_clear_bit, test_bit } from '../kernel/bitops';
import { bdev_logical_block_size } from '../kernel/blkdev';
import { EMEDIUMTYPE, ENODEV, ENOENT, ENOMEM, EOPNOTSUPP, ERR_PTR } from '../kernel/errno';
import { HZ } from '../kernel/jiffies';
import {
	MD_BITMAP_AUTO,
	MD_BITMAP_LOCKLESS,
	MD_HAS_JOURNAL,
	md_bitmap_wq,
	mdname,
	type mddev,
	mddev_is_dm,
	rcu_read_lock,
	rcu_read_unlock,
	synchronize_rcu,
} from '../kernel/md';
import { type bitmap_operations, md_bitmap_stats } from '../kernel/md-bitmap';
import { PAGE_SIZE } from '../kernel/mm';
import { type Param, module_param } from '../kernel/module';
import { mutex_init, mutex_lock, mutex_unlock } from '../kernel/mutex';
import { pr_err, pr_info, pr_notice } from '../kernel/printk';
import { GFP_KERNEL, kfree, kzalloc } from '../kernel/slab';
import { memset } from '../kernel/string';
import { type bool, div, type int, local, type Out, type Ptr, type sector_t, sizeof, uint, ulong, type VoidPtr } from '../kernel/types';
import { init_waitqueue_head, wait_event, wake_up, wq_has_sleeper } from '../kernel/wait';
import { cancel_delayed_work_sync, flush_work, INIT_DELAYED_WORK, INIT_WORK, queue_delayed_work } from '../kernel/workqueue';
import { llbitmap_clean, llbitmap_daemon_fn, llbitmap_daemon_hold, llbitmap_daemon_release } from './daemon';
import { llbitmap_flush_dirty, llbitmap_mark_all, llbitmap_unplug, llbitmap_unplug_fn } from './io';
import {
	llbitmap,
	llbitmap_apply,
	llbitmap_flag,
	llbitmap_kick_sync,
	llbitmap_known,
	llbitmap_page_of,
	llbitmap_read,
	llbitmap_raise_barriers,
	llbitmap_write,
	llbitmap_release_barriers,
	llbitmap_wait_marked,
	mddev_llbitmap,
} from './llbitmap';
import { DEFAULT_BARRIER_IDLE, DEFAULT_DAEMON_SLEEP, llbitmap_free_pages, llbitmap_read_all, llbitmap_write_sb } from './sb';
import { llbitmap_action, llbitmap_state } from './state';
import { llbitmap_resize } from './resize';
import { llbitmap_blocks_synced, llbitmap_close_sync, llbitmap_cond_end_sync, llbitmap_end_sync, llbitmap_skip_sync_blocks, llbitmap_start_sync } from './sync';

const md_llbitmap_param: Param<bool> = module_param('llbitmap', false, 0o644, 'New bitmaps (mdadm --create, --grow --bitmap=internal) are lockless (0/1), unless md/bitmap_type names one');

/*
 * Arrays only the classic bitmap runs: a bitmap in a file, external
 * metadata, no md superblocks, device-mapper (dm-raid keeps its own), a
 * journal (raid5 refuses a bitmap beside it). -EMEDIUMTYPE sends
 * md_bitmap_create() to the classic bitmap.
 */
function llbitmap_check_support(mddev: Ptr<mddev>): int {
	if (mddev.bitmap_info.file || mddev.bitmap_info.external || !mddev.persistent || mddev_is_dm(mddev) || test_bit(MD_HAS_JOURNAL, mddev.flags))
		return -EMEDIUMTYPE;
	if (!mddev.meta_file) {
		pr_err('md/llbitmap: %s: no meta disk for the bitmap\n', mdname(mddev));
		return -ENODEV;
	}
	return 0;
}

function llbitmap_create(mddev: Ptr<mddev>, slot: int): int {
	let ret: int;

	/* md-cluster keeps one bitmap per node: classic bitmap only */
	if (slot !== -1)
		return -EOPNOTSUPP;
	ret = llbitmap_check_support(mddev);
	if (ret)
		return ret;
	const bitmap = kzalloc(llbitmap, GFP_KERNEL);

	if (!bitmap)
		return -ENOMEM;
	bitmap.mddev = mddev;
	bitmap.io_size = bdev_logical_block_size(mddev.gendisk.part0);
	bitmap.blocks_per_page = div(uint(PAGE_SIZE), bitmap.io_size);
	bitmap.daemon_sleep = DEFAULT_DAEMON_SLEEP;
	bitmap.barrier_idle = DEFAULT_BARRIER_IDLE;
	bitmap.parity = mddev.level === 4 || mddev.level === 5 || mddev.level === 6;
	INIT_DELAYED_WORK(bitmap.daemon_work, llbitmap_daemon_fn);
	INIT_WORK(bitmap.unplug_work, llbitmap_unplug_fn);
	mutex_init(bitmap.io_mutex);
	init_waitqueue_head(bitmap.io_wait);
	init_waitqueue_head(bitmap.behind_wait);
	atomic_set(bitmap.flushing, 0);
	atomic_set(bitmap.pending_io, 0);
	atomic_set(bitmap.behind_writes, 0);
	atomic_set(bitmap.resizes, 0);
	atomic64_set(bitmap.writes, 0n);

	ret = llbitmap_read_all(bitmap);
	if (ret) {
		llbitmap_free_pages(bitmap);
		kfree(bitmap);
		return ret;
	}
	/* a page is idle after barrier_idle or one flush period, whichever is less */
	if (bitmap.barrier_idle > bitmap.daemon_sleep)
		bitmap.barrier_idle = bitmap.daemon_sleep;
	mutex_lock(mddev.bitmap_info.mutex);
	mddev.bitmap = bitmap;
	mddev.bitmap_info.chunksize = bitmap.chunksize << 9n;
	mddev.bitmap_info.daemon_sleep = bitmap.daemon_sleep * ulong(HZ);
	mutex_unlock(mddev.bitmap_info.mutex);
	return 0;
}

/**
 * The array starts: after a crash, what was being written or synced needs
 * a resync; if the bitmap is older than the array, everything written does.
 */
function llbitmap_load(mddev: Ptr<mddev>): int {
	const bitmap = mddev_llbitmap(mddev);
	let action = llbitmap_action.BitmapActionReload;
	let need_sync = false;
	let need: uint = 0;

	if (!bitmap)
		return 0;
	if (test_and_clear_bit(llbitmap_flag.LLBitmapStale, bitmap.flags))
		action = llbitmap_action.BitmapActionStale;
	mutex_lock(mddev.bitmap_info.mutex);
	llbitmap_apply(bitmap, 0, bitmap.chunks - 1, action);
	for (let chunk: uint = 0; chunk < bitmap.chunks; chunk++) {
		/* a byte that is no state reads as NeedSync: make it one on disk too */
		if (!llbitmap_known(bitmap, chunk))
			llbitmap_write(bitmap, llbitmap_state.BitNeedSync, chunk);
		if (llbitmap_read(bitmap, chunk) === llbitmap_state.BitNeedSync)
			need++;
	}
	mutex_unlock(mddev.bitmap_info.mutex);
	need_sync = need > 0;
	if (need_sync)
		pr_info('md/llbitmap: %s: %u of %u chunks need resync\n', mdname(mddev), need, bitmap.chunks);
	llbitmap_flush_dirty(bitmap);
	/* md may believe the array clean; the bitmap knows better */
	if (need_sync && !mddev.degraded)
		llbitmap_kick_sync(bitmap);
	queue_delayed_work(md_bitmap_wq, bitmap.daemon_work, bitmap.daemon_sleep * ulong(HZ));
	return 0;
}

function llbitmap_wait_behind_writes(mddev: Ptr<mddev>): void {
	const bitmap = mddev_llbitmap(mddev);

	if (bitmap && atomic_read(bitmap.behind_writes) > 0)
		wait_event(bitmap.behind_wait, () => atomic_read(bitmap.behind_writes) === 0);
}

function llbitmap_destroy(mddev: Ptr<mddev>): void {
	const bitmap = mddev_llbitmap(mddev);

	if (!bitmap)
		return;
	/* like the classic bitmap: md may remove it with behind writes queued */
	llbitmap_wait_behind_writes(mddev);
	/*
	 * No daemon or unplug work may run once the pages are gone: under
	 * bitmap_info.mutex, so that no daemon_sleep store queues it again.
	 */
	mutex_lock(mddev.bitmap_info.mutex);
	set_bit(llbitmap_flag.LLBitmapShutdown, bitmap.flags);
	mutex_unlock(mddev.bitmap_info.mutex);
	cancel_delayed_work_sync(bitmap.daemon_work);
	flush_work(bitmap.unplug_work);
	mutex_lock(mddev.bitmap_info.mutex);
	mddev.bitmap = null;
	mutex_unlock(mddev.bitmap_info.mutex);
	/*
	 * The last llbitmap_end_behind_write() may be between the count
	 * reaching 0, which let us through, and its wake_up().
	 */
	synchronize_rcu();
	llbitmap_free_pages(bitmap);
	kfree(bitmap);
}

/**
 * The array stops: every Dirty chunk becomes Clean on disk. The daemon is
 * held off meanwhile: two cleaners would suspend the same page twice.
 */
function llbitmap_flush(mddev: Ptr<mddev>): void {
	const bitmap = mddev_llbitmap(mddev);

	if (!bitmap)
		return;
	llbitmap_daemon_hold(bitmap);
	llbitmap_clean(bitmap, true);
	llbitmap_flush_dirty(bitmap);
	llbitmap_daemon_release(bitmap);
}

function llbitmap_enabled(mddev: Ptr<mddev>): bool {
	const bitmap = mddev_llbitmap(mddev);

	return !!bitmap && !test_bit(llbitmap_flag.LLBitmapWriteError, bitmap.flags);
}

/** A member joined: it gets the whole bitmap at the next write. */
function llbitmap_write_all(mddev: Ptr<mddev>): void {
	const bitmap = mddev_llbitmap(mddev);

	if (bitmap)
		llbitmap_mark_all(bitmap);
}

function llbitmap_dirty_bits(mddev: Ptr<mddev>, s: ulong, e: ulong): void {
	const bitmap = mddev_llbitmap(mddev);

	if (bitmap)
		llbitmap_apply(bitmap, uint(s), uint(e), llbitmap_action.BitmapActionStartwrite);
}

/** The daemon runs from its own delayed work; md's periodic call has nothing to do. */
function llbitmap_daemon_work(mddev: Ptr<mddev>): void {}

/** Chunks [first, last] a write of `sectors` at `offset` touches; false if none. */
function llbitmap_write_range(bitmap: Ptr<llbitmap>, offset: sector_t, sectors: ulong, first: Out<uint>, last: Out<uint>): bool {
	/* an empty write (a flush) dirties nothing: offset - 1 would wrap */
	if (!sectors)
		return false;
	first.set(uint(offset >> bitmap.chunkshift));
	if (first.get() >= bitmap.chunks)
		return false;
	last.set(uint((offset + sectors - 1n) >> bitmap.chunkshift));
	if (last.get() >= bitmap.chunks)
		last.set(bitmap.chunks - 1);
	return true;
}

/**
 * Chunks [first, last] of a write (or discard) at `offset`, with the
 * barriers of their pages held; false, holding nothing, if it covers no
 * chunk. They are the chunks of the geometry the barriers were taken in:
 * a resize recounts the chunks only once every barrier is dropped and new
 * ones are refused (llbitmap_resize()), so the write ends in the geometry
 * it started in; a writer that met a resize counts again.
 */
function llbitmap_hold_range(bitmap: Ptr<llbitmap>, offset: sector_t, sectors: ulong, first: Out<uint>, last: Out<uint>): bool {
	while (true) {
		const resizes = atomic_read(bitmap.resizes);

		/* the geometry after the count: llbitmap_resize() writes it before */
		smp_rmb();
		if (!llbitmap_write_range(bitmap, offset, sectors, first, last))
			return false;
		if (!llbitmap_raise_barriers(bitmap, llbitmap_page_of(first.get()), llbitmap_page_of(last.get())))
			continue;
		/* a barrier taken after a resize's resume sees its count */
		smp_rmb();
		if (atomic_read(bitmap.resizes) === resizes)
			return true;
		llbitmap_release_barriers(bitmap, llbitmap_page_of(first.get()), llbitmap_page_of(last.get()));
	}
}

/**
 * A write starts: its chunks become Dirty. Nothing else happens - no lock,
 * no IO - unless a chunk was not Dirty already; then its block is written
 * by the next unplug, before the data.
 */
function llbitmap_startwrite(mddev: Ptr<mddev>, offset: sector_t, sectors: ulong): int {
	const bitmap = mddev_llbitmap(mddev);
	const first = local<uint>(0);
	const last = local<uint>(0);

	if (!bitmap || !llbitmap_hold_range(bitmap, offset, sectors, first, last))
		return 0;
	llbitmap_apply(bitmap, first.get(), last.get(), llbitmap_action.BitmapActionStartwrite);
	llbitmap_wait_marked(bitmap, llbitmap_page_of(first.get()), llbitmap_page_of(last.get()));
	return 0;
}

function llbitmap_endwrite(mddev: Ptr<mddev>, offset: sector_t, sectors: ulong): void {
	const bitmap = mddev_llbitmap(mddev);
	const first = local<uint>(0);
	const last = local<uint>(0);

	if (!bitmap || !llbitmap_write_range(bitmap, offset, sectors, first, last))
		return;
	llbitmap_release_barriers(bitmap, llbitmap_page_of(first.get()), llbitmap_page_of(last.get()));
}

/**
 * A discard starts: the chunks it covers whole hold nothing any more and
 * become Unwritten, so no sync reads them until they are written again; a
 * chunk it covers in part is written like any other. The new states are
 * on disk before the discard goes down (raid10 issues discards without an
 * unplug).
 */
function llbitmap_start_discard(mddev: Ptr<mddev>, offset: sector_t, sectors: ulong): void {
	const bitmap = mddev_llbitmap(mddev);
	const end = offset + sectors;
	const first = local<uint>(0);
	const last = local<uint>(0);
	let whole_first: uint;
	let whole_end: uint;

	if (!bitmap || !llbitmap_hold_range(bitmap, offset, sectors, first, last))
		return;
	const mask = bitmap.chunksize - 1n;
	/* chunks [whole_first, whole_end) lie inside the discard */
	whole_first = first.get();
	if (offset & mask)
		whole_first++;
	whole_end = last.get() + 1;
	if (end & mask && end < mddev.resync_max_sectors)
		whole_end--;
	if (whole_first > first.get())
		llbitmap_apply(bitmap, first.get(), first.get(), llbitmap_action.BitmapActionStartwrite);
	if (whole_end <= last.get() && last.get() >= whole_first)
		llbitmap_apply(bitmap, last.get(), last.get(), llbitmap_action.BitmapActionStartwrite);
	if (whole_first < whole_end)
		llbitmap_apply(bitmap, whole_first, whole_end - 1, llbitmap_action.BitmapActionDiscard);
	llbitmap_unplug(mddev, false);
}

/** A discard ended: like a write, it no longer holds its pages. */
function llbitmap_end_discard(mddev: Ptr<mddev>, offset: sector_t, sectors: ulong): void {
	llbitmap_endwrite(mddev, offset, sectors);
}

function llbitmap_start_behind_write(mddev: Ptr<mddev>): void {
	const bitmap = mddev_llbitmap(mddev);

	if (bitmap)
		atomic_inc(bitmap.behind_writes);
}

/*
 * A waiter that sees the count reach 0 may go on to free the bitmap before
 * our wake_up(): llbitmap_destroy() waits for this RCU section first.
 */
function llbitmap_end_behind_write(mddev: Ptr<mddev>): void {
	rcu_read_lock();
	const bitmap = mddev_llbitmap(mddev);

	if (bitmap && atomic_dec_and_test(bitmap.behind_writes))
		wake_up(bitmap.behind_wait);
	rcu_read_unlock();
}

function llbitmap_update_sb(data: VoidPtr | null): void {
	const bitmap = data as Ptr<llbitmap> | null;

	if (!bitmap || test_bit(llbitmap_flag.LLBitmapWriteError, bitmap.flags))
		return;
	llbitmap_write_sb(bitmap);
}

function llbitmap_get_stats(data: VoidPtr | null, stats: Ptr<md_bitmap_stats>): int {
	const bitmap = data as Ptr<llbitmap> | null;

	if (!bitmap)
		return -ENOENT;
	memset(stats, 0, sizeof(md_bitmap_stats));
	stats.events_cleared = bitmap.events_cleared;
	stats.behind_writes = atomic_read(bitmap.behind_writes);
	stats.behind_wait = wq_has_sleeper(bitmap.behind_wait);
	stats.pages = ulong(bitmap.nr_pages);
	stats.file_pages = ulong(bitmap.nr_pages);
	stats.sync_size = bitmap.mddev.resync_max_sectors;
	return 0;
}

/* md-cluster: the lockless bitmap has no per-node bitmaps. */
function llbitmap_sync_with_cluster(mddev: Ptr<mddev>, old_lo: sector_t, old_hi: sector_t, new_lo: sector_t, new_hi: sector_t): void {}

function llbitmap_get_from_slot(mddev: Ptr<mddev>, slot: int): VoidPtr | null {
	return ERR_PTR(-EOPNOTSUPP);
}

function llbitmap_copy_from_slot(mddev: Ptr<mddev>, slot: int, lo: Out<sector_t>, hi: Out<sector_t>, clear_bits: bool): int {
	return -EOPNOTSUPP;
}

function llbitmap_set_pages(data: VoidPtr | null, pages: ulong): void {}

function llbitmap_free(data: VoidPtr | null): void {}

const llbitmap_ops: bitmap_operations = {
	enabled: llbitmap_enabled,
	create: llbitmap_create,
	resize: llbitmap_resize,
	load: llbitmap_load,
	destroy: llbitmap_destroy,
	flush: llbitmap_flush,
	write_all: llbitmap_write_all,
	dirty_bits: llbitmap_dirty_bits,
	unplug: llbitmap_unplug,
	daemon_work: llbitmap_daemon_work,

	start_behind_write: llbitmap_start_behind_write,
	end_behind_write: llbitmap_end_behind_write,
	wait_behind_writes: llbitmap_wait_behind_writes,

	startwrite: llbitmap_startwrite,
	endwrite: llbitmap_endwrite,
	start_sync: llbitmap_start_sync,
	end_sync: llbitmap_end_sync,
	cond_end_sync: llbitmap_cond_end_sync,
	close_sync: llbitmap_close_sync,
	skip_sync_blocks: llbitmap_skip_sync_blocks,
	start_discard: llbitmap_start_discard,
	end_discard: llbitmap_end_discard,
	blocks_synced: llbitmap_blocks_synced,

	update_sb: llbitmap_update_sb,
	get_stats: llbitmap_get_stats,

	sync_with_cluster: llbitmap_sync_with_cluster,
	get_from_slot: llbitmap_get_from_slot,
	copy_from_slot: llbitmap_copy_from_slot,
	set_pages: llbitmap_set_pages,
	free: llbitmap_free,
};

/**
 * md_llbitmap_set_ops - let the lockless bitmap try to run an array
 * @mddev: the array, about to create its bitmap
 *
 * md_bitmap_create() (md-bitmap.c) calls this first: the bitmap's create
 * then takes the members' bitmap if it is the lockless one (or a new one
 * md_mod.llbitmap asks for) and answers -EMEDIUMTYPE for anything else.
 * @global
 */
export function md_llbitmap_set_ops(mddev: Ptr<mddev>): void {
	mddev.bitmap_ops = llbitmap_ops;
}

/**
 * The array's lockless bitmap, or NULL: md/llbitmap/ is there on every
 * array, and md->bitmap may be a classic bitmap.
 */
export function llbitmap_of(mddev: Ptr<mddev>): Ptr<llbitmap> | null {
	return md_llbitmap_active(mddev) ? mddev_llbitmap(mddev) : null;
}

/**
 * md_llbitmap_wanted - whether a new bitmap of an array is the lockless one
 * @mddev: the array
 *
 * md/bitmap_type if it names a bitmap (mdadm 4.6 writes it), else the
 * md_mod.llbitmap parameter.
 * @global
 */
export function md_llbitmap_wanted(mddev: Ptr<mddev>): bool {
	if (mddev.bitmap_type === MD_BITMAP_AUTO)
		return md_llbitmap_param.get();
	return mddev.bitmap_type === MD_BITMAP_LOCKLESS;
}

/**
 * md_llbitmap_active - whether an array uses the lockless bitmap
 * @mddev: the array
 * @global
 */
export function md_llbitmap_active(mddev: Ptr<mddev>): bool {
	return mddev.bitmap_ops === llbitmap_ops;
}
