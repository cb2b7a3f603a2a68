/**
 * The daemon: every daemon_sleep seconds, the Dirty chunks of pages that
 * saw no write for barrier_idle seconds become Clean. Each page is cleaned
 * behind its own barrier; writes to other pages go on, and the array is
 * never suspended.
 */
import { atomic_read } from '../kernel/atomic';
import { clear_bit, set_bit, test_and_clear_bit, test_bit } from '../kernel/bitops';
import { mutex_lock, mutex_unlock } from '../kernel/mutex';
import { READ_ONCE } from '../kernel/compiler';
import { HZ, jiffies, time_before } from '../kernel/jiffies';
import { md_bitmap_wq, MD_RECOVERY_RUNNING, mdname } from '../kernel/md';
import { PAGE_SHIFT } from '../kernel/mm';
import { pr_warn } from '../kernel/printk';
import { container_of } from '../kernel/stddef';
import { type bool, type Ptr, type uint, ulong } from '../kernel/types';
import { cancel_delayed_work_sync, queue_delayed_work, to_delayed_work, type work_struct } from '../kernel/workqueue';
import { llbitmap_flush_dirty } from './io';
import {
	BITMAP_DATA_OFFSET,
	llbitmap,
	llbitmap_apply,
	llbitmap_flag,
	llbitmap_kick_sync,
	llbitmap_page_flag,
	llbitmap_pctl,
	llbitmap_read,
	llbitmap_resume,
	llbitmap_suspend,
} from './llbitmap';
import { llbitmap_action, llbitmap_state } from './state';

/** Apply an action to the chunks whose state bytes live in page `idx`. */
export function llbitmap_apply_page(bitmap: Ptr<llbitmap>, idx: uint, action: llbitmap_action): void {
	const start: uint = idx === 0 ? 0 : (idx << PAGE_SHIFT) - BITMAP_DATA_OFFSET;
	const end: uint = ((idx + 1) << PAGE_SHIFT) - BITMAP_DATA_OFFSET - 1;

	llbitmap_apply(bitmap, start, end, action);
}

/** Whether nothing may be cleaned now: see llbitmap_clean(). */
function llbitmap_clean_held(bitmap: Ptr<llbitmap>): bool {
	return bitmap.mddev.degraded !== 0 || atomic_read(bitmap.behind_writes) !== 0;
}

/**
 * Turn the Dirty chunks of idle pages (of every page if `all`) Clean, and
 * write them. Nothing is cleaned while the array is degraded: a re-added
 * member must recover everything written since it left; nor while a
 * write-behind copy is on its way to a write-mostly member: raid1 ends
 * the write (endwrite) before, and the copy is not known by chunk.
 */
export function llbitmap_clean(bitmap: Ptr<llbitmap>, all: bool): void {
	const mddev = bitmap.mddev;
	let cleaned = false;

	if (llbitmap_clean_held(bitmap))
		return;
	for (let idx: uint = 0; idx < bitmap.nr_pages; idx++) {
		const pctl = llbitmap_pctl(bitmap, idx);
		const flush = test_and_clear_bit(llbitmap_page_flag.LLPageFlush, pctl.flags);

		if (!test_bit(llbitmap_page_flag.LLPageHasDirty, pctl.flags))
			continue;
		if (!all && !flush && time_before(jiffies, READ_ONCE(pctl.expire)))
			continue;
		if (llbitmap_suspend(bitmap, idx)) {
			pr_warn('md/llbitmap: %s: writes to bitmap page %u did not drain; cleaning it later\n', mdname(mddev), idx);
			continue;
		}
		/*
		 * Again, now that the page's writes have drained: one of them may
		 * have failed a member (md_error() comes before the write ends),
		 * or left its behind copy queued (start_behind_write() counts it
		 * before the write ends).
		 */
		if (llbitmap_clean_held(bitmap)) {
			if (flush)
				set_bit(llbitmap_page_flag.LLPageFlush, pctl.flags);
			llbitmap_resume(bitmap, idx);
			break;
		}
		clear_bit(llbitmap_page_flag.LLPageHasDirty, pctl.flags);
		llbitmap_apply_page(bitmap, idx, llbitmap_action.BitmapActionDaemon);
		llbitmap_resume(bitmap, idx);
		cleaned = true;
	}
	if (cleaned) {
		bitmap.events_cleared = mddev.events;
		llbitmap_flush_dirty(bitmap);
	}
}

/**
 * A sync asked for may not have run (another sync was running, or ended
 * and cleared the request): ask again while chunks of the whole array
 * need it.
 */
function llbitmap_check_need_sync(bitmap: Ptr<llbitmap>): void {
	const mddev = bitmap.mddev;

	if (!test_bit(llbitmap_flag.LLBitmapNeedSync, bitmap.flags) || mddev.degraded ||
	    test_bit(MD_RECOVERY_RUNNING, mddev.recovery))
		return;
	for (let chunk: uint = 0; chunk < bitmap.chunks; chunk++) {
		if (llbitmap_read(bitmap, chunk) === llbitmap_state.BitNeedSync) {
			llbitmap_kick_sync(bitmap);
			return;
		}
	}
	clear_bit(llbitmap_flag.LLBitmapNeedSync, bitmap.flags);
}

/**
 * Hold the daemon off, for a cleaner of its own (flush, resize): cancel
 * it and keep daemon_sleep stores from queueing it (they test the flag
 * under bitmap_info.mutex) until llbitmap_daemon_release(). Two cleaners
 * would suspend the same page twice.
 */
export function llbitmap_daemon_hold(bitmap: Ptr<llbitmap>): void {
	const mddev = bitmap.mddev;

	mutex_lock(mddev.bitmap_info.mutex);
	set_bit(llbitmap_flag.LLBitmapDaemonHeld, bitmap.flags);
	mutex_unlock(mddev.bitmap_info.mutex);
	cancel_delayed_work_sync(bitmap.daemon_work);
}

/** Queue the daemon again, unless the bitmap is being destroyed. */
export function llbitmap_daemon_release(bitmap: Ptr<llbitmap>): void {
	const mddev = bitmap.mddev;

	mutex_lock(mddev.bitmap_info.mutex);
	clear_bit(llbitmap_flag.LLBitmapDaemonHeld, bitmap.flags);
	if (!test_bit(llbitmap_flag.LLBitmapShutdown, bitmap.flags))
		queue_delayed_work(md_bitmap_wq, bitmap.daemon_work, bitmap.daemon_sleep * ulong(HZ));
	mutex_unlock(mddev.bitmap_info.mutex);
}

/** Whether a daemon_sleep store may queue the daemon: under bitmap_info.mutex. */
export function llbitmap_daemon_may_queue(bitmap: Ptr<llbitmap>): bool {
	return !test_bit(llbitmap_flag.LLBitmapShutdown, bitmap.flags) && !test_bit(llbitmap_flag.LLBitmapDaemonHeld, bitmap.flags);
}

export function llbitmap_daemon_fn(work: Ptr<work_struct>): void {
	const bitmap = container_of(to_delayed_work(work), llbitmap, 'daemon_work');

	if (test_bit(llbitmap_flag.LLBitmapShutdown, bitmap.flags))
		return;
	llbitmap_check_need_sync(bitmap);
	llbitmap_clean(bitmap, false);
	queue_delayed_work(md_bitmap_wq, bitmap.daemon_work, bitmap.daemon_sleep * ulong(HZ));
}
