/**
 * md-llbitmap: a lockless write-intent bitmap for md.
 *
 * One byte per chunk of the array holds the chunk's state. The write path
 * reads and updates these bytes with no lock; only the first write to a
 * clean chunk changes a byte, and that byte's 512-byte block is written to
 * every member (FUA, through the hidden mdX_meta disk) before the data
 * write is issued. A daemon turns idle Dirty chunks back to Clean page by
 * page, behind a per-page barrier that waits only for the writes in flight
 * to that page: the array is never suspended.
 *
 * States and the actions that move between them are one table,
 * llbitmap_state_machine below; unknown bytes read as NeedSync.
 */
import type { Table, u8 } from '../kernel/types';

/** The state of one chunk: one byte on disk and in memory. */
export enum llbitmap_state {
	/** Never written since the array was created: nothing to resync. */
	BitUnwritten = 0,
	/** All copies agree. */
	BitClean,
	/** Written since it was last Clean: copies may differ until the write ends. */
	BitDirty,
	/** Copies may differ: resync (or recovery) must visit it. */
	BitNeedSync,
	/** Being resynced. */
	BitSyncing,
	BitStateCount,
	/** In the table: this action leaves the state as it is. */
	BitNone = 0xff,
}

/** What happens to a chunk. */
export enum llbitmap_action {
	/** A write to the chunk starts: the only action on the IO fast path. */
	BitmapActionStartwrite = 0,
	/** Resync or recovery reaches the chunk. */
	BitmapActionStartsync,
	/** Resync or recovery of the chunk finished. */
	BitmapActionEndsync,
	/** Resync or recovery stopped before finishing the chunk. */
	BitmapActionAbortsync,
	/** The array is assembled after it was not stopped cleanly. */
	BitmapActionReload,
	/** The daemon found the chunk idle. */
	BitmapActionDaemon,
	/** The chunk's data was discarded. */
	BitmapActionDiscard,
	/** The bitmap is older than the array: everything written may differ. */
	BitmapActionStale,
	BitmapActionCount,
}

/**
 * The state machine: the state a chunk moves to, or BitNone.
 * Two rules on top of it (llbitmap_apply()): on a degraded array a new
 * write or a discard gives NeedSync, so a re-added member recovers exactly
 * what it missed (as with the classic bitmap, which counts a discard as a
 * write), and the daemon clears nothing; on raid4/5/6 a first write to an
 * Unwritten chunk gives NeedSync, so its parity is built by resync.
 *
 * A stale bitmap (older than the array: it missed writes) trusts no
 * chunk, an Unwritten one neither: unlike mainline, which leaves
 * Unwritten alone and would skip a chunk written while the bitmap was not
 * kept.
 *
 * Only a Clean chunk becomes Unwritten when discarded, and only if no
 * write makes it Dirty meanwhile (llbitmap_write_if()): a Dirty, NeedSync
 * or Syncing chunk may have writes in flight that started before the
 * discard, and they must not land on a chunk the bitmap calls Unwritten.
 * The daemon cleans it and the next discard (fstrim) catches it.
 */
export const llbitmap_state_machine: Table<llbitmap_state, llbitmap_action, u8> = {
	[llbitmap_state.BitUnwritten]: {
		[llbitmap_action.BitmapActionStartwrite]: llbitmap_state.BitDirty,
		[llbitmap_action.BitmapActionStartsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionEndsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionAbortsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionReload]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionDaemon]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionDiscard]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionStale]: llbitmap_state.BitNeedSync,
	},
	[llbitmap_state.BitClean]: {
		[llbitmap_action.BitmapActionStartwrite]: llbitmap_state.BitDirty,
		[llbitmap_action.BitmapActionStartsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionEndsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionAbortsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionReload]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionDaemon]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionDiscard]: llbitmap_state.BitUnwritten,
		[llbitmap_action.BitmapActionStale]: llbitmap_state.BitNeedSync,
	},
	[llbitmap_state.BitDirty]: {
		[llbitmap_action.BitmapActionStartwrite]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionStartsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionEndsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionAbortsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionReload]: llbitmap_state.BitNeedSync,
		[llbitmap_action.BitmapActionDaemon]: llbitmap_state.BitClean,
		[llbitmap_action.BitmapActionDiscard]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionStale]: llbitmap_state.BitNeedSync,
	},
	[llbitmap_state.BitNeedSync]: {
		[llbitmap_action.BitmapActionStartwrite]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionStartsync]: llbitmap_state.BitSyncing,
		[llbitmap_action.BitmapActionEndsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionAbortsync]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionReload]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionDaemon]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionDiscard]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionStale]: llbitmap_state.BitNone,
	},
	[llbitmap_state.BitSyncing]: {
		[llbitmap_action.BitmapActionStartwrite]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionStartsync]: llbitmap_state.BitSyncing,
		[llbitmap_action.BitmapActionEndsync]: llbitmap_state.BitDirty,
		[llbitmap_action.BitmapActionAbortsync]: llbitmap_state.BitNeedSync,
		[llbitmap_action.BitmapActionReload]: llbitmap_state.BitNeedSync,
		[llbitmap_action.BitmapActionDaemon]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionDiscard]: llbitmap_state.BitNone,
		[llbitmap_action.BitmapActionStale]: llbitmap_state.BitNeedSync,
	},
};
