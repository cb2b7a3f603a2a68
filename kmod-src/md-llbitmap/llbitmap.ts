/**
 * The bitmap in memory: one page per 4 KiB of the on-disk bitmap, read
 * once when the bitmap is created; the state bytes, the blocks that must be
 * written, and the per-page barrier between writes and the daemon.
 */
import { atomic64_t, atomic_dec_and_test, atomic_inc, atomic_read, atomic_t, cmpxchg, smp_mb__after_atomic, smp_mb__before_atomic, smp_rmb } from '../kernel/atomic';
import { Bitmap, Bits, set_bit, test_bit } from '../kernel/bitops';
import { READ_ONCE, WRITE_ONCE } from '../kernel/compiler';
import { HZ, jiffies } from '../kernel/jiffies';
import { md_wakeup_thread, MD_RECOVERY_NEEDED, MD_RECOVERY_RUNNING, type mddev } from '../kernel/md';
import { offset_in_page, type page, PAGE_SECTORS, PAGE_SHIFT } from '../kernel/mm';
import { mutex } from '../kernel/mutex';
import {
	percpu_ref,
	percpu_ref_is_dying,
	percpu_ref_is_zero,
	percpu_ref_kill,
	percpu_ref_put,
	percpu_ref_resurrect,
	percpu_ref_tryget_live,
} from '../kernel/percpu-refcount';
import { ETIMEDOUT } from '../kernel/errno';
import { container_of } from '../kernel/stddef';
import { type bool, div, type int, long, type Mem, type Ptr, type sector_t, type u64, u8, type uint, ulong } from '../kernel/types';
import { wait_event, wait_event_timeout, wait_queue_head_t, wake_up, wq_has_sleeper } from '../kernel/wait';
import { delayed_work, work_struct } from '../kernel/workqueue';
import { llbitmap_action, llbitmap_state, llbitmap_state_machine } from './state';

/** Bytes of the on-disk bitmap before the first state byte: the superblock. */
export const BITMAP_DATA_OFFSET = 1024;

/** llbitmap_page_ctl->flags */
export enum llbitmap_page_flag {
	/** Some of the page's blocks must be written. */
	LLPageDirty = 0,
	/** The daemon cleans the page at its next run, idle or not. */
	LLPageFlush,
	/** The page has Dirty chunks. */
	LLPageHasDirty,
}

/** llbitmap->flags */
export enum llbitmap_flag {
	/** Some block of some page must be written. */
	LLBitmapPending = 0,
	/** Bitmap writes failed on every member: the bitmap is off. */
	LLBitmapWriteError,
	/** The bitmap is older than the array. */
	LLBitmapStale,
	/** Being destroyed: no new daemon work. */
	LLBitmapShutdown,
	/** Chunks of the whole array need sync: the daemon asks md until none do. */
	LLBitmapNeedSync,
	/** Flush or resize cleans: nothing may queue the daemon meanwhile. */
	LLBitmapDaemonHeld,
	/**
	 * A chunk was made Clean: before its block is written, every member's
	 * cache is flushed (llbitmap_flush_members()).
	 */
	LLBitmapFlushMembers,
}

/** One page of the bitmap. */
export class llbitmap_page_ctl {
	/** The page's bytes: the superblock (page 0) and one state byte per chunk. */
	state!: Mem<u8>;
	page!: Ptr<page>;
	/** jiffies after which the daemon may clean the page. */
	expire: ulong = 0n;
	flags = new Bits();
	/**
	 * The page's blocks (io_size bytes each) that must be written: up to
	 * PAGE_SIZE / 512 of them, 128 on 64 KiB pages.
	 */
	dirty = new Bitmap(PAGE_SECTORS);
	wait = new wait_queue_head_t();
	/** Writes in flight to the page's chunks: the daemon's barrier. */
	active = new percpu_ref();
	/**
	 * State bytes stored whose blocks are not marked yet: a writer that
	 * finds its chunk Dirty already waits for them (llbitmap_wait_marked()).
	 */
	marking = new atomic_t();
}

export class llbitmap {
	mddev!: Ptr<mddev>;
	pctl!: Mem<Ptr<llbitmap_page_ctl> | null>;
	nr_pages: uint = 0;
	/** Bytes per bitmap write: the array's logical block size. */
	io_size: uint = 0;
	blocks_per_page: uint = 0;

	/** Sectors per chunk (a power of two) and its log2. */
	chunksize: ulong = 0n;
	chunkshift: ulong = 0n;
	chunks: uint = 0;
	/** Sectors the chunks cover (per member on raid4/5/6). */
	sync_size: sector_t = 0n;
	/** Sectors of bitmap space on each member. */
	space: ulong = 0n;

	/** Seconds between daemon runs. */
	daemon_sleep: ulong = 0n;
	/** Seconds without writes before a page is cleaned. */
	barrier_idle: ulong = 0n;
	/** jiffies of the last cond_end_sync() checkpoint. */
	last_end_sync: ulong = 0n;
	/** Array events when bits were last cleared on a healthy array. */
	events_cleared: u64 = 0n;
	flags = new Bits();
	/** raid4/5/6: a chunk is in sync when its parity is. */
	parity: bool = false;

	daemon_work = new delayed_work();
	unplug_work = new work_struct();
	/** Serialises the bitmap's writes. */
	io_mutex = new mutex();
	/** Flushes in progress (see llbitmap_unplug()). */
	flushing = new atomic_t();
	/** Bitmap writes in flight, and their waiters. */
	pending_io = new atomic_t();
	io_wait = new wait_queue_head_t();
	/** Blocks written since the bitmap was created. */
	writes = new atomic64_t();

	behind_writes = new atomic_t();
	behind_wait = new wait_queue_head_t();
	/**
	 * Resizes done: a writer that counted its chunks in the geometry
	 * before one counts them again (llbitmap_hold_range()).
	 */
	resizes = new atomic_t();
}

/** The llbitmap of an array (NULL when it has none). */
export function mddev_llbitmap(mddev: Ptr<mddev>): Ptr<llbitmap> | null {
	return mddev.bitmap as Ptr<llbitmap> | null;
}

/** The page holding chunk `chunk`'s state byte. */
export function llbitmap_page_of(chunk: uint): uint {
	return (chunk + BITMAP_DATA_OFFSET) >>> PAGE_SHIFT;
}

export function llbitmap_pctl(llbitmap: Ptr<llbitmap>, idx: uint): Ptr<llbitmap_page_ctl> {
	return llbitmap.pctl[idx]!;
}

/** The byte of a chunk, as stored. */
function llbitmap_byte(llbitmap: Ptr<llbitmap>, chunk: uint): u8 {
	const pos = chunk + BITMAP_DATA_OFFSET;

	return llbitmap_pctl(llbitmap, pos >>> PAGE_SHIFT).state[offset_in_page(pos)];
}

/** The state of a chunk; a byte that is no state reads as NeedSync. */
export function llbitmap_read(llbitmap: Ptr<llbitmap>, chunk: uint): llbitmap_state {
	const c = llbitmap_byte(llbitmap, chunk);

	if (c >= llbitmap_state.BitStateCount)
		return llbitmap_state.BitNeedSync;
	return c as llbitmap_state;
}

/**
 * Whether a chunk's byte is one of the states: mainline's llbitmap has
 * three more (NeedSyncUnwritten, SyncingUnwritten, CleanUnwritten).
 */
export function llbitmap_known(llbitmap: Ptr<llbitmap>, chunk: uint): bool {
	return llbitmap_byte(llbitmap, chunk) < llbitmap_state.BitStateCount;
}

/**
 * Note that byte `offset` of a page changed: its block must be written.
 * The order matters to llbitmap_unplug(): the byte, then the block's bit,
 * then the page's bit, then the bitmap's.
 */
export function llbitmap_mark_block(llbitmap: Ptr<llbitmap>, pctl: Ptr<llbitmap_page_ctl>, offset: uint): void {
	/* the state byte is stored before its block is marked */
	smp_mb__before_atomic();
	set_bit(div(offset, llbitmap.io_size), pctl.dirty);
	/* the block is marked before its page */
	smp_mb__before_atomic();
	set_bit(llbitmap_page_flag.LLPageDirty, pctl.flags);
	/* the page is marked before the bitmap: pairs with llbitmap_unplug() */
	smp_mb__before_atomic();
	set_bit(llbitmap_flag.LLBitmapPending, llbitmap.flags);
}

/** A state byte of the page is about to be stored. */
function llbitmap_marking(pctl: Ptr<llbitmap_page_ctl>): void {
	atomic_inc(pctl.marking);
	/* counted before the byte is stored: pairs with llbitmap_wait_marked() */
	smp_mb__after_atomic();
}

/** A state byte of the page is stored and its block marked. */
function llbitmap_marked(pctl: Ptr<llbitmap_page_ctl>): void {
	/* the marks are visible before the count drops */
	smp_mb__before_atomic();
	if (atomic_dec_and_test(pctl.marking) && wq_has_sleeper(pctl.wait))
		wake_up(pctl.wait);
}

/** A chunk became `state`: a Clean one asks for the members' caches to be flushed first. */
function llbitmap_note_state(llbitmap: Ptr<llbitmap>, state: llbitmap_state): void {
	/* before the block is marked: the flusher that sees one sees the other */
	if (state === llbitmap_state.BitClean && !test_bit(llbitmap_flag.LLBitmapFlushMembers, llbitmap.flags))
		set_bit(llbitmap_flag.LLBitmapFlushMembers, llbitmap.flags);
}

/** Set the state of a chunk; its block goes to disk at the next unplug. */
export function llbitmap_write(llbitmap: Ptr<llbitmap>, state: llbitmap_state, chunk: uint): void {
	const pos = chunk + BITMAP_DATA_OFFSET;
	const pctl = llbitmap_pctl(llbitmap, pos >>> PAGE_SHIFT);
	const offset = offset_in_page(pos);

	llbitmap_marking(pctl);
	pctl.state[offset] = state;
	if (state === llbitmap_state.BitDirty && !test_bit(llbitmap_page_flag.LLPageHasDirty, pctl.flags))
		set_bit(llbitmap_page_flag.LLPageHasDirty, pctl.flags);
	llbitmap_note_state(llbitmap, state);
	llbitmap_mark_block(llbitmap, pctl, offset);
	llbitmap_marked(pctl);
}

/**
 * A write found chunks of pages [first, last] Dirty already, maybe
 * stored by another writer that has not marked its block yet: then the
 * unplug could find nothing pending and let the data go before the
 * Dirty byte is on disk. Wait for such marks.
 */
export function llbitmap_wait_marked(llbitmap: Ptr<llbitmap>, first: uint, last: uint): void {
	/* the state bytes were read before the counts: pairs with llbitmap_write() */
	smp_rmb();
	for (let idx = first; idx <= last; idx++) {
		const pctl = llbitmap_pctl(llbitmap, idx);

		if (atomic_read(pctl.marking))
			wait_event(pctl.wait, () => atomic_read(pctl.marking) === 0);
	}
}

/**
 * Set the state of a chunk unless it is no longer `old`: a write that
 * dirtied it meanwhile wins. Returns true if the state was set.
 */
export function llbitmap_write_if(llbitmap: Ptr<llbitmap>, old: llbitmap_state, state: llbitmap_state, chunk: uint): bool {
	const pos = chunk + BITMAP_DATA_OFFSET;
	const pctl = llbitmap_pctl(llbitmap, pos >>> PAGE_SHIFT);
	const offset = offset_in_page(pos);

	llbitmap_marking(pctl);
	if (cmpxchg(pctl.state, offset, u8(old), u8(state)) !== old) {
		llbitmap_marked(pctl);
		return false;
	}
	llbitmap_note_state(llbitmap, state);
	llbitmap_mark_block(llbitmap, pctl, offset);
	llbitmap_marked(pctl);
	return true;
}

/**
 * Chunks of an array that is whole need sync: have md resync it, which
 * visits exactly those chunks (start_sync). MD_RECOVERY_NEEDED alone
 * starts nothing on an array md believes in sync, and raid4/5/6 build
 * parity only from resync_offset on (analyse_stripe()): the resync must
 * start from 0, as md's own for an array that was not stopped cleanly.
 * While another sync runs (its end sets resync_offset) the daemon asks
 * again afterwards, as it does until no chunk needs sync.
 */
export function llbitmap_kick_sync(llbitmap: Ptr<llbitmap>): void {
	const mddev = llbitmap.mddev;

	set_bit(llbitmap_flag.LLBitmapNeedSync, llbitmap.flags);
	if (test_bit(MD_RECOVERY_RUNNING, mddev.recovery))
		return;
	WRITE_ONCE(mddev, 'resync_offset', 0n);
	set_bit(MD_RECOVERY_NEEDED, mddev.recovery);
	md_wakeup_thread(mddev.thread);
}

/**
 * Apply an action to chunks [start, end] (clamped to the bitmap) and return
 * the last new state, BitNone if nothing changed. Producing NeedSync on a
 * healthy array asks md for a resync.
 */
export function llbitmap_apply(llbitmap: Ptr<llbitmap>, start: uint, end: uint, action: llbitmap_action): llbitmap_state {
	const mddev = llbitmap.mddev;
	const degraded = mddev.degraded !== 0;
	let state: llbitmap_state = llbitmap_state.BitNone;
	let need_sync = false;

	if (test_bit(llbitmap_flag.LLBitmapWriteError, llbitmap.flags) || start >= llbitmap.chunks)
		return llbitmap_state.BitNone;
	if (end >= llbitmap.chunks)
		end = llbitmap.chunks - 1;
	for (let chunk = start; chunk <= end; chunk++) {
		const c = llbitmap_read(llbitmap, chunk);

		state = llbitmap_state_machine[c][action] as llbitmap_state;
		if (degraded) {
			/* a re-added member recovers what was written meanwhile */
			if (action === llbitmap_action.BitmapActionStartwrite && state === llbitmap_state.BitDirty)
				state = llbitmap_state.BitNeedSync;
			/* or discarded: it still has the old data there */
			else if (action === llbitmap_action.BitmapActionDiscard && c !== llbitmap_state.BitNeedSync)
				state = llbitmap_state.BitNeedSync;
			/* and what may have been in flight when it failed */
			else if (action === llbitmap_action.BitmapActionStartsync && c === llbitmap_state.BitDirty)
				state = llbitmap_state.BitSyncing;
		} else if (action === llbitmap_action.BitmapActionStartwrite && c === llbitmap_state.BitUnwritten && llbitmap.parity) {
			/* parity of a never written stripe is not built yet */
			state = llbitmap_state.BitNeedSync;
		}
		if (state === llbitmap_state.BitNone)
			continue;
		if (action === llbitmap_action.BitmapActionDiscard) {
			/* the one action that can race with a first write: see state.ts */
			if (!llbitmap_write_if(llbitmap, c, state, chunk))
				continue;
		} else {
			llbitmap_write(llbitmap, state, chunk);
		}
		if (state === llbitmap_state.BitNeedSync)
			need_sync = true;
	}
	if (need_sync && !degraded)
		llbitmap_kick_sync(llbitmap);
	return state;
}

/** Drop the barriers of pages [first, end). */
function llbitmap_drop_barriers(llbitmap: Ptr<llbitmap>, first: uint, end: uint): void {
	for (let idx = first; idx < end; idx++)
		percpu_ref_put(llbitmap_pctl(llbitmap, idx).active);
}

/**
 * A write to pages [first, last] starts: take their barriers, so the
 * daemon cannot clean a page under the write. Taken before the state
 * changes: otherwise the daemon could turn a fresh Dirty back to Clean.
 * A page being suspended (cleaned, or every page for a resize) makes us
 * drop the barriers taken and wait for it: holding one page while waiting
 * for another would hold up a suspender waiting for the first. Returns
 * false after such a wait, holding nothing: the pages are to be counted
 * again.
 */
export function llbitmap_raise_barriers(llbitmap: Ptr<llbitmap>, first: uint, last: uint): bool {
	const expire = jiffies + llbitmap.barrier_idle * ulong(HZ);

	for (let idx = first; idx <= last; idx++) {
		const pctl = llbitmap_pctl(llbitmap, idx);

		if (!percpu_ref_tryget_live(pctl.active)) {
			llbitmap_drop_barriers(llbitmap, first, idx);
			wait_event(pctl.wait, () => !percpu_ref_is_dying(pctl.active));
			return false;
		}
		/* one store per page and tick, not per write */
		if (READ_ONCE(pctl.expire) !== expire)
			WRITE_ONCE(pctl, 'expire', expire);
	}
	return true;
}

export function llbitmap_release_barriers(llbitmap: Ptr<llbitmap>, first: uint, last: uint): void {
	llbitmap_drop_barriers(llbitmap, first, last + 1);
}

/** The last write to a page ended while the daemon waits for it. */
export function llbitmap_active_release(ref: Ptr<percpu_ref>): void {
	const pctl = container_of(ref, llbitmap_page_ctl, 'active');

	wake_up(pctl.wait);
}

/**
 * Stop new writes to page `idx` and wait (a second at most) for those in
 * flight. On timeout the page is revived, so no writer waits forever.
 */
export function llbitmap_suspend(llbitmap: Ptr<llbitmap>, idx: uint): int {
	const pctl = llbitmap_pctl(llbitmap, idx);

	percpu_ref_kill(pctl.active);
	if (!wait_event_timeout(pctl.wait, () => percpu_ref_is_zero(pctl.active), long(HZ))) {
		percpu_ref_resurrect(pctl.active);
		wake_up(pctl.wait);
		return -ETIMEDOUT;
	}
	return 0;
}

export function llbitmap_resume(llbitmap: Ptr<llbitmap>, idx: uint): void {
	const pctl = llbitmap_pctl(llbitmap, idx);

	percpu_ref_resurrect(pctl.active);
	wake_up(pctl.wait);
}
