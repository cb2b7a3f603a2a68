/**
 * md's hidden meta disk (md_meta) carries the lockless bitmap's IO to the
 * member disks. It is never opened by anyone, so md needs a file for it
 * without going through bdev_open(): export bdev_file_alloc() from
 * block/bdev.c.
 *
 * @subject block: export bdev_file_alloc() for md's hidden meta disk
 */
import type { block_device } from '../kernel/blkdev';
import { disk_to_dev, get_device } from '../kernel/blkdev';
import type { file } from '../kernel/fs';
import { EXPORT_SYMBOL_GPL } from '../kernel/module';
import { ENODEV, ERR_PTR, IS_ERR } from '../kernel/errno';
import { alloc_file_pseudo_noaccount, BD_INODE, blk_to_file_flags, blockdev_mnt, def_blk_fops, ihold, O_LARGEFILE } from '../kernel/bdev-internal';
import { kpatch } from '../kernel/kpatch';
import { int, type blk_mode_t, type Ptr } from '../kernel/types';

kpatch({
	file: 'block/bdev.c',
	line: 1002,
	before: ['\treturn flags;', '}', ''],
	after: ['struct file *bdev_file_open_by_dev(dev_t dev, blk_mode_t mode, void *holder,', '\t\t\t\t   const struct blk_holder_ops *hops)', '{'],
});

kpatch({
	file: 'include/linux/blkdev.h',
	line: 1659,
	insert: 'prototypes',
	before: ['\t(BLK_OPEN_READ | BLK_OPEN_RESTRICT_WRITES | \\', '\t (((flags) & SB_RDONLY) ? 0 : BLK_OPEN_WRITE))', ''],
	after: ['struct file *bdev_file_open_by_dev(dev_t dev, blk_mode_t mode, void *holder,', '\t\tconst struct blk_holder_ops *hops);', 'struct file *bdev_file_open_by_path(const char *path, blk_mode_t mode,'],
});

/**
 * bdev_file_alloc - allocate a file for a block device without opening it
 * @bdev: the block device, already referenced by the caller
 * @mode: how the file will be used (BLK_OPEN_READ/WRITE)
 *
 * The file takes its own references on the device, so fput() on it is
 * all the caller does when done; it is marked as not opened, so releasing
 * it only drops those references.
 */
export function bdev_file_alloc(bdev: Ptr<block_device>, mode: blk_mode_t): Ptr<file> {
	const bdev_file = alloc_file_pseudo_noaccount(BD_INODE(bdev), blockdev_mnt, '', int(blk_to_file_flags(mode) | O_LARGEFILE), def_blk_fops);

	if (IS_ERR(bdev_file))
		return bdev_file;
	ihold(BD_INODE(bdev));
	/* Dropped by bdev_release() through blkdev_put_no_open(). */
	get_device(disk_to_dev(bdev.bd_disk));
	bdev_file.private_data = ERR_PTR(-ENODEV);
	return bdev_file;
}

EXPORT_SYMBOL_GPL(bdev_file_alloc);
