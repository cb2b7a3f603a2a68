import { onReset } from '../sched.js';
// Runtime of kmod-src/kernel/blkdev.d.ts: bios, disks and bio chaining.
// Disks are driven by their fops.submit_bio: md_meta's comes from
// kmod-src, member disks' from ../disk.ts.
import { blockUntil, preempt, spawn, taskLocal } from '../sched.js';
import type { page } from './mm.js';
import { type module, unloaded } from './module.js';
import { offsets } from './stddef.js';
import { link, zeroed } from './struct.js';

export const REQ_OP_READ = 0;
export const REQ_OP_WRITE = 1;
export const REQ_SYNC = 1 << 11;
export const REQ_META = 1 << 12;
export const REQ_FUA = 1 << 17;
export const REQ_PREFLUSH = 1 << 18;
export const REQ_IDLE = 1 << 15;
export const BLK_STS_OK = 0;
export const BLK_STS_IOERR = 10;
export const BLK_OPEN_READ = 1;
export const BLK_OPEN_WRITE = 2;
export const GENHD_FL_HIDDEN = 1 << 3;
export const DISK_NAME_LEN = 32;
export const NUMA_NO_NODE = -1;
export const SECTOR_SHIFT = 9;
export const SECTOR_SIZE = 512;
export const BIO_POOL_SIZE = 2;
export const WRITE = 1;
export const READ = 0;

export const BLK_FEAT_WRITE_CACHE = 1 << 0;
export const BLK_FEAT_FUA = 1 << 1;

export class queue_limits {
	features = 0;
	logical_block_size = 512;
}
export class request_queue {
	limits = new queue_limits();
}
export class block_device {
	bd_disk: gendisk | null = null;
}
export class block_device_operations {
	owner: module | null = null;
	submit_bio: ((b: bio) => void) | null = null;
}
export class gendisk {
	disk_name = new Uint8Array(32);
	flags = 0;
	fops: block_device_operations | null = null;
	private_data: unknown = null;
	part0 = new block_device();
	queue = new request_queue();
	capacity = 0n;
	added = false;
	/** References: blk_alloc_disk()'s, and one per file on its block device. */
	refs = 1;
	constructor() {
		this.part0.bd_disk = this;
	}
}
export class device {}
export class bvec_iter {
	bi_sector = 0n;
	bi_size = 0;
}
export interface bvec {
	page: page;
	len: number;
	off: number;
}
export class bio {
	bi_bdev: block_device | null = null;
	bi_opf = 0;
	bi_status = 0;
	bi_iter = new bvec_iter();
	bi_end_io: ((b: bio) => void) | null = null;
	bi_private: unknown = null;
	vecs: bvec[] = [];
	remaining = 1;
	freed = false;
	/** The bio_set it came from. */
	bs: bio_set | null = null;
}
export class bio_set {
	front: { cls: new () => object; field: string } | null = null;
	ready = false;
	/** The mempool's reserve, bios of it in use, and BIOSET_NEED_RESCUER. */
	pool = 0;
	inUse = 0;
	rescuer = false;
}

export const BIOSET_NEED_BVECS = 1 << 0;
export const BIOSET_NEED_RESCUER = 1 << 1;

/**
 * Memory pressure: bio_sets allocate from their mempool's reserve alone,
 * and an allocation waits for a bio of the set to be freed.
 */
export const pressure = { mempoolOnly: false };
/** Deliberately broken variants: a bio_set never gets a rescuer. */
export const blkBreakage = {
	noRescuer: false,
	/** Disks that complete an empty flush without flushing (only a flush with data flushes). */
	emptyFlushIgnored: false,
	/**
	 * submit_bio_wait() of an empty flush returns once it is submitted: a
	 * bitmap that relies on submission order to have its flush done before
	 * the blocks it writes next (Linux has not ordered a flush against
	 * later writes since 2.6.37).
	 */
	flushNotAwaited: false,
};

/**
 * current->bio_list: inside a driver's ->submit_bio, bios submitted are
 * queued and dispatched once it returns (__submit_bio_noacct()).
 */
let bioList: bio[] | null = null;
onReset(() => {
	bioList = null;
	pressure.mempoolOnly = false;
});
taskLocal(
	() => bioList,
	() => (bioList = null),
	(v) => (bioList = v as bio[] | null),
);

export function bio_alloc(bdev: block_device, _nr: number, opf: number, _gfp: number): bio {
	const b = new bio();
	b.bi_bdev = bdev;
	b.bi_opf = opf;
	return b;
}
export function bio_alloc_clone(bdev: block_device, src: bio, _gfp: number, bs: bio_set): bio | null {
	if (!bs.ready) throw new Error('bio_alloc_clone() from an uninitialised bio_set');
	preempt('bio_alloc_clone');
	if (pressure.mempoolOnly && bs.inUse >= bs.pool) {
		// bio_alloc_bioset(): with a rescuer, what this task queued goes
		// out first (punt_bios_to_rescuer()); mempool_alloc() then waits.
		if (bioList?.length && bs.rescuer) {
			const punted = bioList.splice(0);
			for (const q of punted) spawnDispatch(q);
		}
		blockUntil(`bio_alloc_clone: waiting for one of ${bs.pool} bios of the set${bioList?.length ? ` (${bioList.length} bios wait in current->bio_list)` : ''}`, () => bs.inUse < bs.pool);
	}
	bs.inUse++;
	let b: bio;
	if (bs.front) {
		const container = zeroed(bs.front.cls);
		b = (container as Record<string, unknown>)[bs.front.field] as bio;
	} else b = link(new bio());
	b.bi_bdev = bdev;
	b.bi_opf = src.bi_opf;
	b.bi_iter.bi_sector = src.bi_iter.bi_sector;
	b.bi_iter.bi_size = src.bi_iter.bi_size;
	b.vecs = src.vecs;
	b.bs = bs;
	return b;
}
export function bio_put(b: bio): void {
	if (b.freed) throw new Error('bio_put() twice');
	b.freed = true;
	if (b.bs) b.bs.inUse--;
}
export function __bio_add_page(b: bio, p: page, len: number, off: number): void {
	b.vecs = [...b.vecs, { page: p, len, off }];
	b.bi_iter.bi_size += len;
}
export function bio_data_dir(b: bio): number {
	return b.bi_opf & 1;
}
export function bio_sectors(b: bio): number {
	return b.bi_iter.bi_size >>> 9;
}
export function bio_inc_remaining(b: bio): void {
	b.remaining++;
}
export function bio_endio(b: bio): void {
	if (--b.remaining > 0) return;
	if (b.remaining < 0) throw new Error('bio_endio() of an ended bio');
	b.bi_end_io?.(b);
}
export function bio_io_error(b: bio): void {
	b.bi_status = BLK_STS_IOERR;
	bio_endio(b);
}
export function blk_status_to_errno(s: number): number {
	return s ? -5 : 0;
}

/** submit_bio(): the end-of-device check, then the disk's driver. */
export function submit_bio_noacct(b: bio): void {
	preempt('submit_bio');
	const disk = b.bi_bdev?.bd_disk;
	if (!disk || !disk.fops?.submit_bio) throw new Error('submit_bio() to a disk without a driver');
	// As the block layer does: a disk without a write cache never sees
	// flushes or FUA (they are stripped here, silently).
	if (!(disk.queue.limits.features & BLK_FEAT_WRITE_CACHE)) {
		b.bi_opf &= ~(REQ_PREFLUSH | REQ_FUA);
		if (!bio_sectors(b) && b.bi_opf & 1) {
			bio_endio(b);
			return;
		}
	}
	const sectors = BigInt(bio_sectors(b));
	if (sectors && b.bi_iter.bi_sector + sectors > disk.capacity) {
		b.bi_status = BLK_STS_IOERR;
		bio_endio(b);
		return;
	}
	if (bioList) {
		bioList.push(b);
		return;
	}
	dispatch(b);
}

/** __submit_bio_noacct(): the driver, then what it submitted, in order. */
function dispatch(b: bio): void {
	const outer = bioList;
	const list: bio[] = [];
	bioList = list;
	try {
		b.bi_bdev!.bd_disk!.fops!.submit_bio!(b);
	} finally {
		bioList = outer;
	}
	for (const q of list.splice(0)) {
		if (bioList) bioList.push(q);
		else dispatch(q);
	}
}

/** The rescuer workqueue: dispatches punted bios on its own. */
function spawnDispatch(b: bio): void {
	spawn('bio rescuer', () => dispatch(b), 0n, 'leaf');
}
export const submit_bio = submit_bio_noacct;
export function submit_bio_wait(b: bio): number {
	let done = false;
	b.bi_end_io = () => {
		done = true;
	};
	submit_bio_noacct(b);
	if (blkBreakage.flushNotAwaited && b.bi_opf & REQ_PREFLUSH && !b.bi_iter.bi_size) return 0;
	blockUntil('submit_bio_wait', () => done);
	return blk_status_to_errno(b.bi_status);
}
export function bioset_init(bs: bio_set, pool: number, front_pad: number, flags: number): number {
	bs.front = front_pad ? (offsets.get(front_pad) ?? null) : null;
	bs.ready = true;
	bs.pool = pool;
	bs.inUse = 0;
	bs.rescuer = (flags & BIOSET_NEED_RESCUER) !== 0 && !blkBreakage.noRescuer;
	return 0;
}
export function bioset_exit(bs: bio_set): void {
	bs.ready = false;
}

export const disks: gendisk[] = [];
export function blk_alloc_disk(lim: queue_limits | null, _node: number): gendisk {
	const d = link(new gendisk());
	if (lim) {
		d.queue.limits.features = lim.features ?? 0;
		d.queue.limits.logical_block_size = lim.logical_block_size || 512;
	}
	disks.push(d);
	return d;
}
export function add_disk(d: gendisk): number {
	d.added = true;
	return 0;
}
export function del_gendisk(d: gendisk): void {
	d.added = false;
}
export function disk_get(d: gendisk): void {
	d.refs++;
}
/** The last reference gone: disk_release(), which calls into the disk's fops (their module must be loaded). */
export function put_disk(d: gendisk): void {
	if (--d.refs > 0) return;
	if (d.refs < 0) throw new Error('put_disk() of a released disk');
	const owner = (d.fops as { owner?: module } | null)?.owner;
	if (owner && unloaded.has(owner)) throw new Error('disk_release(): the disk\'s fops belong to a module already unloaded (use after free of module memory)');
	const i = disks.indexOf(d);
	if (i >= 0) disks.splice(i, 1);
}
export function set_capacity(d: gendisk, size: bigint): void {
	d.capacity = size;
}
export function get_capacity(d: gendisk): bigint {
	return d.capacity;
}
export function bdev_logical_block_size(bdev: block_device): number {
	return bdev.bd_disk?.queue.limits.logical_block_size ?? 512;
}
export function disk_to_dev(d: gendisk): gendisk {
	return d;
}
export function get_device<T>(d: T): T {
	return d;
}

onReset(() => {
	disks.length = 0;
});
