/**
 * What block/bdev.c has in scope (its static helpers and includes); only a
 * kpatch unit inserted into block/bdev.c may use these.
 * @header -
 */
import type { blk_mode_t, cstr, int, Ptr, uint } from './types';
import type { block_device } from './blkdev';
import type { file } from './fs';

export declare class inode {
	private readonly __inode: never;
}
export declare class vfsmount {
	private readonly __vfsmount: never;
}
export declare class file_operations {
	private readonly __fops: never;
}

export declare function BD_INODE(bdev: Ptr<block_device>): Ptr<inode>;
export declare const blockdev_mnt: Ptr<vfsmount>;
export declare const def_blk_fops: file_operations;
export declare const O_LARGEFILE: uint;
export declare function blk_to_file_flags(mode: blk_mode_t): uint;
/** @err_ptr */
export declare function alloc_file_pseudo_noaccount(inode: Ptr<inode>, mnt: Ptr<vfsmount>, name: cstr, flags: int, fops: Ptr<file_operations>): Ptr<file>;
export declare function ihold(inode: Ptr<inode>): void;
