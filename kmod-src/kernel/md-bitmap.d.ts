/**
 * The bitmap interface md calls (md-bitmap.h, with the project's glue).
 * @header "md-bitmap.h"
 */
import type { __le32, __le64, Arr, bool, int, Out, Ptr, sector_t, u32, u64, u8, ulong, VoidPtr } from './types';
import type { mddev } from './md';
import type { file } from './fs';

export declare const BITMAP_MAGIC: u32;

/** bitmap flags bits (BITMAP_STALE, ...). */
export declare const BITMAP_STALE: int;
export declare const BITMAP_WRITE_ERROR: int;

/** On-disk bitmap superblock, little endian. @typedef */
export declare class bitmap_super_t {
	magic: __le32;
	version: __le32;
	uuid: Arr<u8, 16>;
	events: __le64;
	events_cleared: __le64;
	sync_size: __le64;
	state: __le32;
	chunksize: __le32;
	daemon_sleep: __le32;
	write_behind: __le32;
	sectors_reserved: __le32;
	nodes: __le32;
	cluster_name: Arr<u8, 64>;
	pad: Arr<u8, 120>;
}

export declare class md_bitmap_stats {
	events_cleared: u64;
	behind_writes: int;
	behind_wait: bool;
	missing_pages: ulong;
	file_pages: ulong;
	sync_size: ulong;
	pages: ulong;
	file: Ptr<file> | null;
}

export declare class bitmap_operations {
	enabled: (mddev: Ptr<mddev>) => bool;
	create: (mddev: Ptr<mddev>, slot: int) => int;
	resize: (mddev: Ptr<mddev>, blocks: sector_t, chunksize: int, init: bool) => int;
	load: (mddev: Ptr<mddev>) => int;
	destroy: (mddev: Ptr<mddev>) => void;
	flush: (mddev: Ptr<mddev>) => void;
	write_all: (mddev: Ptr<mddev>) => void;
	dirty_bits: (mddev: Ptr<mddev>, s: ulong, e: ulong) => void;
	unplug: (mddev: Ptr<mddev>, sync: bool) => void;
	daemon_work: (mddev: Ptr<mddev>) => void;
	start_behind_write: (mddev: Ptr<mddev>) => void;
	end_behind_write: (mddev: Ptr<mddev>) => void;
	wait_behind_writes: (mddev: Ptr<mddev>) => void;
	startwrite: (mddev: Ptr<mddev>, offset: sector_t, sectors: ulong) => int;
	endwrite: (mddev: Ptr<mddev>, offset: sector_t, sectors: ulong) => void;
	start_sync: (mddev: Ptr<mddev>, offset: sector_t, blocks: Out<sector_t>, degraded: bool) => bool;
	end_sync: (mddev: Ptr<mddev>, offset: sector_t, blocks: Out<sector_t>) => void;
	cond_end_sync: (mddev: Ptr<mddev>, sector: sector_t, force: bool) => void;
	close_sync: (mddev: Ptr<mddev>) => void;
	update_sb: (data: VoidPtr | null) => void;
	get_stats: (data: VoidPtr | null, stats: Ptr<md_bitmap_stats>) => int;
	sync_with_cluster: (mddev: Ptr<mddev>, old_lo: sector_t, old_hi: sector_t, new_lo: sector_t, new_hi: sector_t) => void;
	get_from_slot: (mddev: Ptr<mddev>, slot: int) => VoidPtr | null;
	copy_from_slot: (mddev: Ptr<mddev>, slot: int, lo: Out<sector_t>, hi: Out<sector_t>, clear_bits: bool) => int;
	set_pages: (data: VoidPtr | null, pages: ulong) => void;
	free: (data: VoidPtr | null) => void;
	/** Sectors from `offset` a sync may skip without IO; 0 to sync them (glue, may be NULL). */
	skip_sync_blocks: (mddev: Ptr<mddev>, offset: sector_t) => sector_t;
	/** A discard instead of startwrite/endwrite (glue, may be NULL). */
	start_discard: (mddev: Ptr<mddev>, offset: sector_t, sectors: ulong) => void;
	end_discard: (mddev: Ptr<mddev>, offset: sector_t, sectors: ulong) => void;
	/** raid4/5/6: whether the parity at `offset` was ever built (glue, may be NULL). */
	blocks_synced: (mddev: Ptr<mddev>, offset: sector_t) => bool;
}
