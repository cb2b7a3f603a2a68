// Runtime of kmod-src/kernel/md.d.ts: the md structures the bitmap sees.
// The array model that drives them is ../md.ts.
import { atomic_t } from './atomic.js';
import { Bits } from './bitops.js';
import type { block_device, gendisk } from './blkdev.js';
import type { file } from './fs.js';
import { mutex } from './mutex.js';
import { rcuReading, rcuReadLock, rcuReadUnlock, synchronizeRcu } from '../sched.js';
import { wait_queue_head_t } from './wait.js';
import { workqueue_struct } from './workqueue.js';

export const MD_BITMAP_AUTO = 0;
export const MD_BITMAP_NONE = 1;
export const MD_BITMAP_CLASSIC = 2;
export const MD_BITMAP_LOCKLESS = 3;

export class mddev_bitmap_info {
	file: file | null = null;
	offset = 0n;
	space = 0n;
	default_space = 0n;
	mutex = new mutex();
	chunksize = 0n;
	daemon_sleep = 0n;
	max_write_behind = 0n;
	external = 0;
}
export class md_thread {
	wakeups = 0;
}
export class md_personality {
	level = 1;
	quiesce: ((m: mddev, q: number) => void) | null = null;
}
export class mddev {
	name = 'md0';
	private: unknown = null;
	pers: md_personality | null = null;
	flags = new Bits();
	sb_flags = new Bits();
	persistent = 1;
	major_version = 1;
	minor_version = 2;
	level = 1;
	dev_sectors = 0n;
	events = 1n;
	uuid = new Uint8Array(16);
	thread: md_thread | null = new md_thread();
	curr_resync_completed = 0n;
	resync_max_sectors = 0n;
	resync_offset = 0n;
	recovery = new Bits();
	degraded = 0;
	recovery_active = new atomic_t();
	recovery_wait = new wait_queue_head_t();
	sysfs_completed: unknown = null;
	bitmap: unknown = null;
	bitmap_ops: unknown = null;
	bitmap_info = new mddev_bitmap_info();
	gendisk: gendisk | null = null;
	meta_file: file | null = null;
	bitmap_type = MD_BITMAP_AUTO;
	disks: md_rdev[] = [];
	/** md_error() lands here; the array model fails the member. */
	onError: ((rdev: md_rdev) => void) | null = null;
}
export class md_rdev {
	mddev: mddev | null = null;
	bdev: block_device | null = null;
	flags = new Bits();
	raid_disk = 0;
	sb_start = 0n;
	sb_size = 512;
	data_offset = 0n;
	new_data_offset = 0n;
	nr_pending = new atomic_t();
	/**
	 * Taken out of mddev->disks by list_del_rcu(): where its next pointer
	 * still leads a walker that holds it.
	 */
	rcuNext?: md_rdev | null;
	/** Freed after md_kick_rdev_from_array(): reaching it is a use after free. */
	freed = false;
}
export class attribute {}
export class md_sysfs_entry {
	attr = new attribute();
	constructor(
		readonly name = '',
		readonly show: unknown = null,
		readonly store: unknown = null,
	) {}
}
export class attribute_group {
	name = '';
	attrs: md_sysfs_entry[] = [];
}

export function __ATTR_RO(name: string, show: unknown): md_sysfs_entry {
	return new md_sysfs_entry(name, show, null);
}
export function __ATTR_RW(name: string, show: unknown, store: unknown): md_sysfs_entry {
	return new md_sysfs_entry(name, show, store);
}

export const md_bitmap_wq = new workqueue_struct('md_bitmap');
export const MaxSector = (1n << 64n) - 1n;
export const Faulty = 0;
export const In_sync = 1;
export const MD_RECOVERY_RUNNING = 0;
export const MD_RECOVERY_SYNC = 1;
export const MD_RECOVERY_RECOVER = 2;
export const MD_RECOVERY_REQUESTED = 4;
export const MD_RECOVERY_RESHAPE = 6;
export const MD_RECOVERY_NEEDED = 9;
export const MD_SB_CHANGE_CLEAN = 1;
export const MD_HAS_JOURNAL = 4;

export function mdname(m: mddev): string {
	return m.name;
}
export function md_error(m: mddev, rdev: md_rdev): void {
	m.onError?.(rdev);
}
export function md_wakeup_thread(t: md_thread | null): void {
	if (t) t.wakeups++;
}
export function mddev_is_dm(_m: mddev): boolean {
	return false;
}
export function sysfs_notify_dirent_safe(_sd: unknown): void {}
/**
 * list_for_each_entry() over mddev->disks: each step follows the current
 * member's next pointer, which a member taken out of the list keeps
 * (list_del_rcu()); once freed, following it is a use after free.
 */
function* walk(m: mddev): Generator<md_rdev> {
	let cur: md_rdev | null = m.disks[0] ?? null;
	while (cur) {
		yield cur;
		if (cur.freed) throw new Error(`rdev_for_each(): a member of ${m.name} was freed under the walk (use after free: neither RCU nor a reference held it)`);
		const i: number = m.disks.indexOf(cur);
		cur = i >= 0 ? (m.disks[i + 1] ?? null) : (cur.rcuNext ?? null);
	}
}
export function rdev_for_each(m: mddev): Iterable<md_rdev> {
	return walk(m);
}
export function rdev_for_each_rcu(m: mddev): Iterable<md_rdev> {
	if (!rcuReading() && !rcuBreakage.noReaders) throw new Error('rdev_for_each_rcu() outside rcu_read_lock()');
	return walk(m);
}
/** Broken RCU for tests: read-side sections that synchronize_rcu() does not wait for. */
export const rcuBreakage = { noReaders: false };
export function rcu_read_lock(): void {
	if (!rcuBreakage.noReaders) rcuReadLock();
}
export function rcu_read_unlock(): void {
	if (!rcuBreakage.noReaders) rcuReadUnlock();
}
export function synchronize_rcu(): void {
	synchronizeRcu();
}

/**
 * md_kick_rdev_from_array(): a member md no longer uses (raid_disk < 0)
 * leaves the list; after an RCU grace period it is freed. md takes a
 * member out of the array (remove_and_add_spares()) only while nothing
 * holds it (nr_pending 0).
 */
export function md_kick_rdev_from_array(m: mddev, rdev: md_rdev): void {
	if (rdev.raid_disk >= 0) throw new Error('md_kick_rdev_from_array(): still in the array');
	const i = m.disks.indexOf(rdev);
	if (i < 0) throw new Error('md_kick_rdev_from_array(): not a member');
	rdev.rcuNext = m.disks[i + 1] ?? null;
	m.disks.splice(i, 1);
	synchronizeRcu();
	rdev.freed = true;
}
export function rdev_dec_pending(rdev: md_rdev, _m: mddev): void {
	if (--rdev.nr_pending.v < 0) throw new Error('rdev_dec_pending() without a reference');
}
