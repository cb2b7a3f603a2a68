/**
 * md: the array, its members, its personality and its sysfs.
 * @header "md.h"
 */
import type { atomic_t } from './atomic';
import type { Bits } from './bitops';
import type { file } from './fs';
import type { block_device, gendisk } from './blkdev';
import type { mutex } from './mutex';
import type { wait_queue_head_t } from './wait';
import type { workqueue_struct } from './workqueue';
import type { Arr, char, cstr, int, loff_t, Mem, Ptr, sector_t, size_t, ssize_t, u64, ulong, umode_t, VoidPtr } from './types';
import type { bitmap_operations } from './md-bitmap';

/** enum md_bitmap_type (the glue): which bitmap a new bitmap of an array is. */
export declare const MD_BITMAP_AUTO: int;
export declare const MD_BITMAP_NONE: int;
export declare const MD_BITMAP_CLASSIC: int;
export declare const MD_BITMAP_LOCKLESS: int;

/** @anonymous */
export declare class mddev_bitmap_info {
	file: Ptr<file> | null;
	/** Offset of the bitmap from the superblock, in sectors (may be negative). */
	offset: loff_t;
	/** Sectors reserved for the bitmap at that offset. */
	space: ulong;
	default_space: ulong;
	mutex: mutex;
	chunksize: ulong;
	daemon_sleep: ulong;
	max_write_behind: ulong;
	external: int;
}

export declare class md_thread {
	private readonly __md_thread: never;
}

export declare class md_personality {
	level: int;
	quiesce: (mddev: Ptr<mddev>, quiet: int) => void;
}

export declare class mddev {
	private: VoidPtr;
	pers: Ptr<md_personality> | null;
	flags: Bits;
	sb_flags: Bits;
	persistent: int;
	/** The md superblock's format: 0.90 (major 0) or 1.x (major 1, minor 0 to 2). */
	major_version: int;
	minor_version: int;
	level: int;
	dev_sectors: sector_t;
	events: u64;
	uuid: Arr<char, 16>;
	thread: Ptr<md_thread> | null;
	curr_resync_completed: sector_t;
	resync_max_sectors: sector_t;
	resync_offset: sector_t;
	recovery: Bits;
	degraded: int;
	recovery_active: atomic_t;
	recovery_wait: wait_queue_head_t;
	sysfs_completed: VoidPtr | null;
	bitmap: VoidPtr | null;
	bitmap_ops: Ptr<bitmap_operations>;
	bitmap_info: mddev_bitmap_info;
	gendisk: Ptr<gendisk>;
	/** The hidden mdX_meta disk's file (kmod-src/patches: md.h). */
	meta_file: Ptr<file> | null;
	/** md/bitmap_type: MD_BITMAP_AUTO, _NONE, _CLASSIC or _LOCKLESS (the glue's enum md_bitmap_type). */
	bitmap_type: int;
}

export declare class md_rdev {
	mddev: Ptr<mddev>;
	bdev: Ptr<block_device>;
	flags: Bits;
	raid_disk: int;
	sb_start: sector_t;
	/** Bytes of the superblock at sb_start. */
	sb_size: int;
	data_offset: sector_t;
	/** Where a reshape moves the data to (data_offset when none). */
	new_data_offset: sector_t;
	/** IO in flight to this member: it cannot be removed meanwhile. */
	nr_pending: atomic_t;
}

/** Drop a reference taken with atomic_inc(&rdev->nr_pending). */
export declare function rdev_dec_pending(rdev: Ptr<md_rdev>, mddev: Ptr<mddev>): void;

/** `struct md_sysfs_entry`: one attribute of /sys/block/mdX/md/. */
export declare class md_sysfs_entry {
	attr: attribute;
}

/** @header linux/sysfs.h */
export declare class attribute {
	private readonly __attribute: never;
}

/** @header linux/sysfs.h */
export declare class attribute_group {
	name: cstr;
	attrs: attribute_list;
}

/** The NULL-terminated `struct attribute *name[]` of a group. */
export type attribute_list = readonly md_sysfs_entry[];

export type md_show_fn = (mddev: Ptr<mddev>, page: Mem<char>) => ssize_t;
export type md_store_fn = (mddev: Ptr<mddev>, buf: cstr, len: size_t) => ssize_t;

/**
 * `static struct md_sysfs_entry x = __ATTR_RO(name);`: show is name_show.
 * @intrinsic attr_ro
 */
export declare function __ATTR_RO(name: cstr, show: md_show_fn): md_sysfs_entry;
/**
 * `__ATTR_RW(name)`: show/store are name_show/name_store.
 * @intrinsic attr_rw
 */
export declare function __ATTR_RW(name: cstr, show: md_show_fn, store: md_store_fn): md_sysfs_entry;

/** The workqueue md gives bitmaps. */
export declare const md_bitmap_wq: Ptr<workqueue_struct>;
export declare const MaxSector: sector_t;

/** rdev->flags bits. */
export declare const Faulty: int;
export declare const In_sync: int;
/** mddev->recovery bits. */
export declare const MD_RECOVERY_NEEDED: int;
export declare const MD_RECOVERY_SYNC: int;
export declare const MD_RECOVERY_RECOVER: int;
export declare const MD_RECOVERY_REQUESTED: int;
export declare const MD_RECOVERY_RESHAPE: int;
export declare const MD_RECOVERY_RUNNING: int;
/** mddev->sb_flags bits. */
export declare const MD_SB_CHANGE_CLEAN: int;
/** mddev->flags bits. */
export declare const MD_HAS_JOURNAL: int;

export declare function mdname(mddev: Ptr<mddev>): cstr;
export declare function md_error(mddev: Ptr<mddev>, rdev: Ptr<md_rdev>): void;
/** @macro */
export declare function md_wakeup_thread(thread: Ptr<md_thread> | null): void;
export declare function mddev_is_dm(mddev: Ptr<mddev>): boolean;
export declare function sysfs_notify_dirent_safe(sd: VoidPtr | null): void;

/**
 * Every member of the array: `rdev_for_each(rdev, mddev) { ... }`.
 * @iterator
 */
export declare function rdev_for_each(mddev: Ptr<mddev>): Iterable<Ptr<md_rdev>>;
/**
 * Members under RCU: `rdev_for_each_rcu(rdev, mddev) { ... }`.
 * @iterator
 */
export declare function rdev_for_each_rcu(mddev: Ptr<mddev>): Iterable<Ptr<md_rdev>>;
/** @header linux/rcupdate.h */
export declare function rcu_read_lock(): void;
/** @header linux/rcupdate.h */
export declare function rcu_read_unlock(): void;
/**
 * Wait until every RCU read-side section begun before it has ended.
 * @header linux/rcupdate.h
 * @might_sleep
 */
export declare function synchronize_rcu(): void;
