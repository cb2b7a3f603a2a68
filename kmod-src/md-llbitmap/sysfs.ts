/**
 * /sys/block/mdX/md/llbitmap/: bits (chunks per state), metadata, and the
 * two tunables daemon_sleep and barrier_idle (seconds). A bad write is
 * refused with -EINVAL and changes nothing.
 */
import { atomic64_read } from '../kernel/atomic';
import { EINVAL, ENOENT } from '../kernel/errno';
import { HZ } from '../kernel/jiffies';
import { kstrtoul } from '../kernel/kstrtox';
import { __ATTR_RO, __ATTR_RW, type attribute_group, type attribute_list, md_bitmap_wq, type mddev } from '../kernel/md';
import { mutex_lock, mutex_unlock } from '../kernel/mutex';
import { sysfs_emit } from '../kernel/printk';
import { type char, type cstr, type int, local, type Mem, type Out, type Ptr, type size_t, ssize_t, type uint, ulong } from '../kernel/types';
import { mod_delayed_work } from '../kernel/workqueue';
import { llbitmap_daemon_may_queue } from './daemon';
import { llbitmap_read } from './llbitmap';
import { llbitmap_of } from './ops';
import { LLBITMAP_MAX_SECONDS } from './sb';
import { llbitmap_state } from './state';

function bits_show(mddev: Ptr<mddev>, page: Mem<char>): ssize_t {
	let unwritten: uint = 0;
	let clean: uint = 0;
	let dirty: uint = 0;
	let need_sync: uint = 0;
	let syncing: uint = 0;
	let ret: int;

	mutex_lock(mddev.bitmap_info.mutex);
	const bitmap = llbitmap_of(mddev);

	if (!bitmap) {
		mutex_unlock(mddev.bitmap_info.mutex);
		return ssize_t(sysfs_emit(page, 'no lockless bitmap\n'));
	}
	for (let chunk: uint = 0; chunk < bitmap.chunks; chunk++) {
		switch (llbitmap_read(bitmap, chunk)) {
			case llbitmap_state.BitUnwritten:
				unwritten++;
				break;
			case llbitmap_state.BitClean:
				clean++;
				break;
			case llbitmap_state.BitDirty:
				dirty++;
				break;
			case llbitmap_state.BitSyncing:
				syncing++;
				break;
			default:
				need_sync++;
				break;
		}
	}
	mutex_unlock(mddev.bitmap_info.mutex);
	ret = sysfs_emit(page, 'unwritten %u\nclean %u\ndirty %u\nneed sync %u\nsyncing %u\n', unwritten, clean, dirty, need_sync, syncing);
	return ssize_t(ret);
}

function metadata_show(mddev: Ptr<mddev>, page: Mem<char>): ssize_t {
	let ret: int;

	mutex_lock(mddev.bitmap_info.mutex);
	const bitmap = llbitmap_of(mddev);

	if (!bitmap) {
		mutex_unlock(mddev.bitmap_info.mutex);
		return ssize_t(sysfs_emit(page, 'no lockless bitmap\n'));
	}
	ret = sysfs_emit(
		page,
		'chunksize %lu\nchunkshift %lu\nchunks %u\noffset %lld\nspace %lu\ndaemon_sleep %lu\nbarrier_idle %lu\npages %u\nwrites %lld\n',
		bitmap.chunksize,
		bitmap.chunkshift,
		bitmap.chunks,
		mddev.bitmap_info.offset,
		bitmap.space,
		bitmap.daemon_sleep,
		bitmap.barrier_idle,
		bitmap.nr_pages,
		atomic64_read(bitmap.writes),
	);
	mutex_unlock(mddev.bitmap_info.mutex);
	return ssize_t(ret);
}

/** Seconds written to a tunable: 1 to an hour, else -EINVAL. */
function llbitmap_parse_seconds(buf: cstr, seconds: Out<ulong>): int {
	const ret = kstrtoul(buf, 10, seconds);

	if (ret)
		return -EINVAL;
	if (!seconds.get() || seconds.get() > LLBITMAP_MAX_SECONDS)
		return -EINVAL;
	return 0;
}

/** The two tunables, in seconds. */
enum llbitmap_tunable {
	LLTunableDaemonSleep,
	LLTunableBarrierIdle,
}

function llbitmap_seconds_show(mddev: Ptr<mddev>, page: Mem<char>, which: llbitmap_tunable): ssize_t {
	let ret: int;

	mutex_lock(mddev.bitmap_info.mutex);
	const bitmap = llbitmap_of(mddev);

	if (!bitmap)
		ret = sysfs_emit(page, 'no lockless bitmap\n');
	else if (which === llbitmap_tunable.LLTunableDaemonSleep)
		ret = sysfs_emit(page, '%lu\n', bitmap.daemon_sleep);
	else
		ret = sysfs_emit(page, '%lu\n', bitmap.barrier_idle);
	mutex_unlock(mddev.bitmap_info.mutex);
	return ssize_t(ret);
}

/** A new daemon_sleep runs the daemon on the new period from now. */
function llbitmap_seconds_store(mddev: Ptr<mddev>, buf: cstr, len: size_t, which: llbitmap_tunable): ssize_t {
	const seconds = local<ulong>(0n);
	let ret = llbitmap_parse_seconds(buf, seconds);

	if (ret)
		return ssize_t(ret);
	mutex_lock(mddev.bitmap_info.mutex);
	const bitmap = llbitmap_of(mddev);

	if (!bitmap) {
		ret = -ENOENT;
	} else if (which === llbitmap_tunable.LLTunableDaemonSleep) {
		bitmap.daemon_sleep = seconds.get();
		if (llbitmap_daemon_may_queue(bitmap))
			mod_delayed_work(md_bitmap_wq, bitmap.daemon_work, seconds.get() * ulong(HZ));
	} else {
		bitmap.barrier_idle = seconds.get();
	}
	mutex_unlock(mddev.bitmap_info.mutex);
	if (ret)
		return ssize_t(ret);
	return ssize_t(len);
}

function daemon_sleep_show(mddev: Ptr<mddev>, page: Mem<char>): ssize_t {
	return llbitmap_seconds_show(mddev, page, llbitmap_tunable.LLTunableDaemonSleep);
}

function daemon_sleep_store(mddev: Ptr<mddev>, buf: cstr, len: size_t): ssize_t {
	return llbitmap_seconds_store(mddev, buf, len, llbitmap_tunable.LLTunableDaemonSleep);
}

function barrier_idle_show(mddev: Ptr<mddev>, page: Mem<char>): ssize_t {
	return llbitmap_seconds_show(mddev, page, llbitmap_tunable.LLTunableBarrierIdle);
}

function barrier_idle_store(mddev: Ptr<mddev>, buf: cstr, len: size_t): ssize_t {
	return llbitmap_seconds_store(mddev, buf, len, llbitmap_tunable.LLTunableBarrierIdle);
}

const llbitmap_bits = __ATTR_RO('bits', bits_show);
const llbitmap_metadata = __ATTR_RO('metadata', metadata_show);
const llbitmap_daemon_sleep = __ATTR_RW('daemon_sleep', daemon_sleep_show, daemon_sleep_store);
const llbitmap_barrier_idle = __ATTR_RW('barrier_idle', barrier_idle_show, barrier_idle_store);

const md_llbitmap_attrs: attribute_list = [llbitmap_bits, llbitmap_metadata, llbitmap_daemon_sleep, llbitmap_barrier_idle];

/**
 * /sys/block/mdX/md/llbitmap/, beside md/bitmap/ on every array (md.c
 * lists both); the attributes show and change nothing unless the lockless
 * bitmap runs the array.
 * @global
 */
export const md_llbitmap_group: Readonly<attribute_group> = {
	name: 'llbitmap',
	attrs: md_llbitmap_attrs,
};
