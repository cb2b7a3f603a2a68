/**
 * Files (the meta disk's handle).
 * @header linux/fs.h
 */
import type { blk_mode_t, Ptr, VoidPtr } from './types';
import type { block_device } from './blkdev';

export declare class file {
	private_data: VoidPtr;
}

/**
 * Drop a file reference. From a kernel thread or a work item the final
 * release is deferred (delayed_fput, a jiffy later).
 * @header linux/file.h
 */
export declare function fput(file: Ptr<file>): void;
/**
 * Drop a file reference, releasing it now if it was the last: for kernel
 * threads and work items that must know it is gone.
 * @header linux/file.h
 * @might_sleep
 */
export declare function __fput_sync(file: Ptr<file>): void;
/** @header linux/blkdev.h */
export declare function file_bdev(file: Ptr<file>): Ptr<block_device>;
/**
 * A file for an already referenced block device, without opening it
 * (exported by generated/kernel/0001-block-export-bdev_file_alloc.patch).
 * @header linux/blkdev.h
 * @err_ptr
 */
export declare function bdev_file_alloc(bdev: Ptr<block_device>, mode: blk_mode_t): Ptr<file>;
