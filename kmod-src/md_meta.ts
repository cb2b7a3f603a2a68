/**
 * md_meta: a hidden disk, mdX_meta, whose sectors are the bitmap area of
 * every member of the array. A write to it is written to each member that
 * is part of the array (FUA); a read is served by the first in-sync member
 * and retried on the next one if it fails. The lockless bitmap does all of
 * its IO through this disk.
 *
 * Sector s of mdX_meta is sector sb_start + bitmap_info.offset + s of each
 * member; its capacity is the bitmap space md reserved on the members.
 *
 * @header md-meta.h
 */
import { atomic_inc } from './kernel/atomic';
import {
	add_disk,
	bio,
	bio_alloc_clone,
	bio_data_dir,
	bio_endio,
	bio_inc_remaining,
	bio_put,
	bio_sectors,
	bio_set,
	BIO_POOL_SIZE,
	BIOSET_NEED_RESCUER,
	bioset_exit,
	bioset_init,
	BLK_FEAT_FUA,
	BLK_FEAT_WRITE_CACHE,
	BLK_OPEN_READ,
	BLK_OPEN_WRITE,
	BLK_STS_IOERR,
	BLK_STS_OK,
	blk_alloc_disk,
	type block_device_operations,
	del_gendisk,
	DISK_NAME_LEN,
	GENHD_FL_HIDDEN,
	type gendisk,
	NUMA_NO_NODE,
	put_disk,
	type queue_limits,
	REQ_FUA,
	REQ_PREFLUSH,
	REQ_META,
	REQ_SYNC,
	set_capacity,
	submit_bio_noacct,
	WRITE,
} from './kernel/blkdev';
import { WRITE_ONCE } from './kernel/compiler';
import { ENAMETOOLONG, ENOMEM, IS_ERR, PTR_ERR } from './kernel/errno';
import { __fput_sync, bdev_file_alloc, file_bdev } from './kernel/fs';
import {
	Faulty,
	In_sync,
	md_bitmap_wq,
	md_error,
	type md_rdev,
	mdname,
	type mddev,
	rcu_read_lock,
	rcu_read_unlock,
	rdev_dec_pending,
	rdev_for_each_rcu,
} from './kernel/md';
import { THIS_MODULE } from './kernel/module';
import { pr_err } from './kernel/printk';
import { GFP_KERNEL, GFP_NOIO, kfree, kzalloc } from './kernel/slab';
import { snprintf } from './kernel/string';
import { container_of, offsetof } from './kernel/stddef';
import { INIT_WORK, queue_work, work_struct } from './kernel/workqueue';
import { test_bit } from './kernel/bitops';
import { type bool, int, loff_t, type Ptr, sector_t, size_t, uint } from './kernel/types';

/** The meta disk of one array. */
class md_meta {
	mddev!: Ptr<mddev>;
	disk!: Ptr<gendisk>;
	/** Clones of meta bios, each with a struct md_meta_clone in front. */
	bs = new bio_set();
}

/** One clone of a meta bio, sent to one member. */
class md_meta_clone {
	meta!: Ptr<md_meta>;
	rdev!: Ptr<md_rdev>;
	parent!: Ptr<bio>;
	/** A failed read goes on to the next in-sync member from here. */
	retry = new work_struct();
	/* must be last: bio_alloc_clone() returns this */
	bio = new bio();
}

/** Where sector `sector` of the meta disk lives on `rdev`. */
function md_meta_sector(mddev: Ptr<mddev>, rdev: Ptr<md_rdev>, sector: sector_t): sector_t {
	return sector_t(loff_t(rdev.sb_start) + mddev.bitmap_info.offset) + sector;
}

/** Whether sectors [a, a + n) and [b, b + m) share one. */
function md_meta_overlaps(a: loff_t, n: loff_t, b: loff_t, m: loff_t): bool {
	return a < b + m && b < a + n;
}

/**
 * md_meta_fits - whether meta disk sectors miss a member's data
 * @mddev: the array
 * @rdev: the member
 * @first: the first sector of the meta disk
 * @sectors: how many
 *
 * On @rdev, the sectors must lie clear of its superblock and of its data,
 * where it is and where a reshape moves it: the checks the classic bitmap
 * makes before each write. A superblock that says otherwise is corrupt.
 * @global
 */
export function md_meta_fits(mddev: Ptr<mddev>, rdev: Ptr<md_rdev>, first: sector_t, sectors: sector_t): bool {
	const start = loff_t(rdev.sb_start) + mddev.bitmap_info.offset + loff_t(first);
	const len = loff_t(sectors);
	const sb_len = loff_t((rdev.sb_size + 511) >> 9);
	const data_len = loff_t(mddev.dev_sectors);

	if (start < 0)
		return false;
	return !md_meta_overlaps(start, len, loff_t(rdev.sb_start), sb_len) &&
		!md_meta_overlaps(start, len, loff_t(rdev.data_offset), data_len) &&
		!md_meta_overlaps(start, len, loff_t(rdev.new_data_offset), data_len);
}

/** A member that is part of the array and has not failed. */
function md_meta_writable(rdev: Ptr<md_rdev>): bool {
	return rdev.raid_disk >= 0 && !test_bit(Faulty, rdev.flags);
}

function md_meta_readable(rdev: Ptr<md_rdev>): bool {
	return md_meta_writable(rdev) && test_bit(In_sync, rdev.flags);
}

/**
 * The member after `prev` (the first one when `prev` is NULL) that the
 * bitmap may write (or, with `read`, read), holding it (nr_pending) so that
 * md cannot take it out of the array; the hold on `prev` is dropped. As
 * md-bitmap.c's next_active_rdev(): members come and go without the
 * bitmap's locks, so the list is walked under RCU, and nothing that
 * sleeps happens there. `prev` is still linked: md removes only members
 * that nothing holds.
 */
function md_meta_next_rdev(mddev: Ptr<mddev>, prev: Ptr<md_rdev> | null, read: bool): Ptr<md_rdev> | null {
	let seen = prev === null;
	let next: Ptr<md_rdev> | null = null;

	rcu_read_lock();
	for (const rdev of rdev_for_each_rcu(mddev)) {
		if (!seen) {
			seen = rdev === prev;
			continue;
		}
		if (read ? md_meta_readable(rdev) : md_meta_writable(rdev)) {
			atomic_inc(rdev.nr_pending);
			next = rdev;
			break;
		}
	}
	rcu_read_unlock();
	if (prev)
		rdev_dec_pending(prev, mddev);
	return next;
}

function md_meta_clone_to(meta: Ptr<md_meta>, parent: Ptr<bio>, rdev: Ptr<md_rdev>): Ptr<md_meta_clone> | null {
	const clone = bio_alloc_clone(rdev.bdev, parent, GFP_NOIO, meta.bs);

	if (!clone)
		return null;
	const ctx = container_of(clone, md_meta_clone, 'bio');

	ctx.meta = meta;
	ctx.rdev = rdev;
	ctx.parent = parent;
	clone.bi_iter.bi_sector = md_meta_sector(meta.mddev, rdev, parent.bi_iter.bi_sector);
	clone.bi_opf |= REQ_SYNC | REQ_META;
	clone.bi_private = ctx;
	atomic_inc(rdev.nr_pending);
	return ctx;
}

function md_meta_end_write(bio: Ptr<bio>): void {
	const ctx = bio.bi_private as Ptr<md_meta_clone>;
	const parent = ctx.parent;
	const mddev = ctx.meta.mddev;

	if (bio.bi_status) {
		pr_err('md/llbitmap: %s: bitmap write to a member failed, failing it\n', mdname(mddev));
		md_error(mddev, ctx.rdev);
	} else {
		/* the bitmap is written if any member has it */
		WRITE_ONCE(parent, 'bi_status', BLK_STS_OK);
	}
	rdev_dec_pending(ctx.rdev, mddev);
	bio_put(bio);
	bio_endio(parent);
}

/**
 * Write to every member that is part of the array. A member whose bitmap
 * would land on its data (a spare whose superblock places its data there:
 * the array's members were checked when the bitmap was loaded) is failed
 * instead.
 */
function md_meta_write(meta: Ptr<md_meta>, parent: Ptr<bio>): void {
	const mddev = meta.mddev;

	let rdev = md_meta_next_rdev(mddev, null, false);

	/* cleared by the first member that succeeds */
	parent.bi_status = BLK_STS_IOERR;
	while (rdev) {
		if (!md_meta_fits(mddev, rdev, parent.bi_iter.bi_sector, sector_t(bio_sectors(parent)))) {
			pr_err('md/llbitmap: %s: the bitmap would overwrite data or the superblock of %pg: failing it\n', mdname(mddev), rdev.bdev);
			md_error(mddev, rdev);
		} else {
			const ctx = md_meta_clone_to(meta, parent, rdev);

			if (ctx) {
				/* FUA means nothing on an empty flush */
				if (bio_sectors(parent))
					ctx.bio.bi_opf |= REQ_FUA;
				ctx.bio.bi_end_io = md_meta_end_write;
				bio_inc_remaining(parent);
				submit_bio_noacct(ctx.bio);
			} else {
				/* a member without the bitmap write must not take data */
				pr_err('md/llbitmap: %s: no bio for the bitmap write to %pg: failing it\n', mdname(mddev), rdev.bdev);
				md_error(mddev, rdev);
			}
		}
		rdev = md_meta_next_rdev(mddev, rdev, false);
	}
	bio_endio(parent);
}

/**
 * Read from the first in-sync member after `prev`, whose hold (its failed
 * read's) goes; fail when none is left.
 */
function md_meta_read_from(meta: Ptr<md_meta>, parent: Ptr<bio>, prev: Ptr<md_rdev> | null): void {
	const rdev = md_meta_next_rdev(meta.mddev, prev, true);

	if (!rdev) {
		pr_err('md/llbitmap: %s: no in-sync member could read the bitmap\n', mdname(meta.mddev));
		parent.bi_status = BLK_STS_IOERR;
		bio_endio(parent);
		return;
	}
	const ctx = md_meta_clone_to(meta, parent, rdev);

	if (ctx) {
		ctx.bio.bi_end_io = md_meta_end_read;
		submit_bio_noacct(ctx.bio);
	} else {
		parent.bi_status = BLK_STS_IOERR;
		bio_endio(parent);
	}
	/* the clone holds the member from here */
	rdev_dec_pending(rdev, meta.mddev);
}

function md_meta_retry_read(work: Ptr<work_struct>): void {
	const ctx = container_of(work, md_meta_clone, 'retry');
	const meta = ctx.meta;
	const parent = ctx.parent;
	const rdev = ctx.rdev;

	bio_put(ctx.bio);
	/* the failed clone's hold on rdev passes to the walk, which drops it */
	md_meta_read_from(meta, parent, rdev);
}

function md_meta_end_read(bio: Ptr<bio>): void {
	const ctx = bio.bi_private as Ptr<md_meta_clone>;

	if (bio.bi_status) {
		pr_err('md/llbitmap: %s: bitmap read failed, trying the next member\n', mdname(ctx.meta.mddev));
		/* not from the completion: the retry submits and may sleep */
		INIT_WORK(ctx.retry, md_meta_retry_read);
		queue_work(md_bitmap_wq, ctx.retry);
		return;
	}
	ctx.parent.bi_status = BLK_STS_OK;
	rdev_dec_pending(ctx.rdev, ctx.meta.mddev);
	bio_put(bio);
	bio_endio(ctx.parent);
}

function md_meta_submit_bio(bio: Ptr<bio>): void {
	const meta = bio.bi_bdev.bd_disk.private_data as Ptr<md_meta>;

	/* an empty flush goes to every member; an empty write without one is nothing */
	if (!bio_sectors(bio) && !(bio.bi_opf & REQ_PREFLUSH)) {
		bio_endio(bio);
		return;
	}
	if (bio_data_dir(bio) === WRITE)
		md_meta_write(meta, bio);
	else
		md_meta_read_from(meta, bio, null);
}

/*
 * The meta disk claims a write cache with FUA, so that the block layer
 * passes the flush and FUA of bitmap writes on to us, and we to each member.
 */
const md_meta_limits: queue_limits = {
	features: BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA,
};

const md_meta_fops: Readonly<block_device_operations> = {
	owner: THIS_MODULE,
	submit_bio: md_meta_submit_bio,
};

/**
 * md_alloc_meta_file - create the array's hidden mdX_meta disk
 * @mddev: the array, with its gendisk
 *
 * The disk has no capacity until the bitmap sets it with
 * md_meta_set_capacity(). Returns 0 or a negative errno.
 * @global
 */
export function md_alloc_meta_file(mddev: Ptr<mddev>): int {
	let ret: int;
	const meta = kzalloc(md_meta, GFP_KERNEL);

	if (!meta)
		return -ENOMEM;
	meta.mddev = mddev;
	out_free_meta: {
		/*
		 * The clones are allocated inside our own ->submit_bio, one per
		 * member: those allocated already wait in current->bio_list until
		 * it returns, so under memory pressure the next one needs the
		 * rescuer to send them on.
		 */
		ret = bioset_init(meta.bs, BIO_POOL_SIZE, uint(offsetof(md_meta_clone, 'bio')), BIOSET_NEED_RESCUER);
		if (ret)
			break out_free_meta;
		out_exit_bioset: {
			const disk = blk_alloc_disk(md_meta_limits, NUMA_NO_NODE);

			if (IS_ERR(disk)) {
				ret = int(PTR_ERR(disk));
				break out_exit_bioset;
			}
			out_put_disk: {
				if (snprintf(disk.disk_name, size_t(DISK_NAME_LEN), '%s_meta', mdname(mddev)) >= DISK_NAME_LEN) {
					ret = -ENAMETOOLONG;
					break out_put_disk;
				}
				disk.flags |= GENHD_FL_HIDDEN;
				disk.fops = md_meta_fops;
				disk.private_data = meta;
				meta.disk = disk;
				ret = add_disk(disk);
				if (ret)
					break out_put_disk;
				const file = bdev_file_alloc(disk.part0, BLK_OPEN_READ | BLK_OPEN_WRITE);

				if (IS_ERR(file)) {
					ret = int(PTR_ERR(file));
					del_gendisk(disk);
					break out_put_disk;
				}
				mddev.meta_file = file;
				return 0;
			}
			put_disk(disk);
		}
		bioset_exit(meta.bs);
	}
	kfree(meta);
	return ret;
}

/**
 * md_free_meta_file - remove the array's meta disk
 * @mddev: the array; nothing may do bitmap IO any more
 * @global
 */
export function md_free_meta_file(mddev: Ptr<mddev>): void {
	const file = mddev.meta_file;

	if (!file)
		return;
	const disk = file_bdev(file).bd_disk;
	const meta = disk.private_data as Ptr<md_meta>;

	mddev.meta_file = null;
	/*
	 * Now, not from delayed_fput: md frees the array from a work item, and
	 * the disk's last reference must go before this module can.
	 */
	__fput_sync(file);
	del_gendisk(disk);
	put_disk(disk);
	bioset_exit(meta.bs);
	kfree(meta);
}

/**
 * md_meta_set_capacity - size the meta disk to the bitmap space
 * @mddev: the array
 * @sectors: the bitmap space md reserved on each member
 * @global
 */
export function md_meta_set_capacity(mddev: Ptr<mddev>, sectors: sector_t): void {
	if (mddev.meta_file)
		set_capacity(file_bdev(mddev.meta_file).bd_disk, sectors);
}
