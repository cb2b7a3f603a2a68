/**
 * Block devices, disks and bios.
 * @header linux/blkdev.h
 */
import type { Arr, u16, blk_features_t, blk_mode_t, blk_opf_t, blk_status_t, bool, char, gfp_t, int, Ptr, sector_t, uint, VoidPtr } from './types';
import type { page } from './mm';
import type { module } from './module';

export declare class request_queue {
	limits: queue_limits;
}
/** Fields left out of an initialiser are zero (the block layer's defaults). */
export declare class queue_limits {
	features?: blk_features_t;
	logical_block_size?: uint;
}
export declare class block_device {
	bd_disk: Ptr<gendisk>;
}
export declare class gendisk {
	disk_name: Arr<char, 32>;
	flags: int;
	fops: Readonly<Ptr<block_device_operations>>;
	private_data: VoidPtr;
	part0: Ptr<block_device>;
	queue: Ptr<request_queue>;
}
export declare class block_device_operations {
	owner: Ptr<module>;
	/** NULL for a blk-mq driver. */
	submit_bio: ((bio: Ptr<bio>) => void) | null;
}
export declare class bvec_iter {
	bi_sector: sector_t;
	bi_size: uint;
}
export declare class bio {
	bi_bdev: Ptr<block_device>;
	bi_opf: blk_opf_t;
	bi_status: blk_status_t;
	bi_iter: bvec_iter;
	bi_end_io: bio_end_io_t;
	bi_private: VoidPtr;
}
export declare class bio_set {
	private readonly __bio_set: never;
}
/** @atomic a bio completion, maybe in interrupt context */
export type bio_end_io_t = (bio: Ptr<bio>) => void;

export declare const REQ_OP_READ: blk_opf_t;
export declare const REQ_OP_WRITE: blk_opf_t;
export declare const REQ_SYNC: blk_opf_t;
export declare const REQ_META: blk_opf_t;
export declare const REQ_FUA: blk_opf_t;
export declare const REQ_PREFLUSH: blk_opf_t;
export declare const REQ_IDLE: blk_opf_t;
/** The disk has a volatile write cache: flushes and FUA reach its driver. */
export declare const BLK_FEAT_WRITE_CACHE: blk_features_t;
export declare const BLK_FEAT_FUA: blk_features_t;
export declare const BLK_STS_OK: blk_status_t;
export declare const BLK_STS_IOERR: blk_status_t;
export declare const BLK_OPEN_READ: blk_mode_t;
export declare const BLK_OPEN_WRITE: blk_mode_t;
export declare const GENHD_FL_HIDDEN: int;
export declare const DISK_NAME_LEN: int;
/**
 * No NUMA node preference.
 * @header linux/numa.h
 * @value -1
 */
export declare const NUMA_NO_NODE: int;
export declare const SECTOR_SHIFT: int;
export declare const SECTOR_SIZE: int;
export declare const BIO_POOL_SIZE: uint;
/** bioset_init() flag: allocations inside ->submit_bio punt what the task queued to a rescuer before waiting. */
export declare const BIOSET_NEED_RESCUER: int;
/** 1 for a write, 0 for a read. */
export declare const WRITE: int;
export declare const READ: int;

/** @gfp gfp */
export declare function bio_alloc(bdev: Ptr<block_device>, nr_vecs: u16, opf: blk_opf_t, gfp: gfp_t): Ptr<bio>;
/** @gfp gfp */
export declare function bio_alloc_clone(bdev: Ptr<block_device>, src: Ptr<bio>, gfp: gfp_t, bs: Ptr<bio_set>): Ptr<bio> | null;
export declare function bio_put(bio: Ptr<bio>): void;
export declare function __bio_add_page(bio: Ptr<bio>, page: Ptr<page>, len: uint, off: uint): void;
export declare function submit_bio(bio: Ptr<bio>): void;
/** @might_sleep */
export declare function submit_bio_wait(bio: Ptr<bio>): int;
export declare function submit_bio_noacct(bio: Ptr<bio>): void;
export declare function bio_endio(bio: Ptr<bio>): void;
export declare function bio_inc_remaining(bio: Ptr<bio>): void;
export declare function bio_data_dir(bio: Ptr<bio>): int;
export declare function bio_sectors(bio: Ptr<bio>): uint;
export declare function bio_io_error(bio: Ptr<bio>): void;
export declare function bioset_init(bs: Ptr<bio_set>, pool_size: uint, front_pad: uint, flags: int): int;
export declare function bioset_exit(bs: Ptr<bio_set>): void;
export declare function blk_status_to_errno(status: blk_status_t): int;

/**
 * @err_ptr
 * @might_sleep
 */
export declare function blk_alloc_disk(lim: Ptr<queue_limits> | null, node: int): Ptr<gendisk>;
/** @might_sleep */
export declare function add_disk(disk: Ptr<gendisk>): int;
/** @might_sleep */
export declare function del_gendisk(disk: Ptr<gendisk>): void;
export declare function put_disk(disk: Ptr<gendisk>): void;
export declare function set_capacity(disk: Ptr<gendisk>, size: sector_t): void;
export declare function get_capacity(disk: Ptr<gendisk>): sector_t;
export declare function bdev_logical_block_size(bdev: Ptr<block_device>): uint;
export declare function disk_to_dev(disk: Ptr<gendisk>): Ptr<device>;

/** @header linux/device.h */
export declare class device {
	private readonly __device: never;
}
/** @header linux/device.h */
export declare function get_device(dev: Ptr<device>): Ptr<device>;
