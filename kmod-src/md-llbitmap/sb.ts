/**
 * The superblock (the first 1 KiB of the bitmap, BITMAP_MAGIC, version 6),
 * the bitmap's geometry, and reading the bitmap when it is created.
 */
import { set_bit, test_bit } from '../kernel/bitops';
import { cpu_to_le32, cpu_to_le64, le32_to_cpu, le64_to_cpu } from '../kernel/byteorder';
import { EINVAL, EMEDIUMTYPE, ENOMEM, ENOSPC } from '../kernel/errno';
import { BITMAP_MAGIC, BITMAP_STALE, type bitmap_super_t } from '../kernel/md-bitmap';
import { SECTOR_SHIFT } from '../kernel/blkdev';
import { Faulty, MaxSector, mdname, type mddev, rdev_for_each } from '../kernel/md';
import { __free_page, alloc_page, kmap_local_page, kunmap_local, type page, page_address, PAGE_SHIFT, PAGE_SIZE } from '../kernel/mm';
import { init_waitqueue_head } from '../kernel/wait';
import { percpu_ref_exit, percpu_ref_init, PERCPU_REF_ALLOW_REINIT } from '../kernel/percpu-refcount';
import { pr_err, pr_info, pr_warn } from '../kernel/printk';
import { __GFP_ZERO, GFP_NOIO, kcalloc, kfree, kzalloc } from '../kernel/slab';
import { memcmp, memcpy, memset } from '../kernel/string';
import { is_power_of_2 } from '../kernel/bitops';
import { type bool, type int, loff_t, type Ptr, ptr_to, sector_t, size_t, u32, uint, ulong } from '../kernel/types';
import { md_meta_fits, md_meta_set_capacity } from '../md_meta';
import { llbitmap_flush_dirty, llbitmap_mark_all, llbitmap_page_bytes, llbitmap_read_page } from './io';
import {
	BITMAP_DATA_OFFSET,
	llbitmap,
	llbitmap_active_release,
	llbitmap_flag,
	llbitmap_mark_block,
	llbitmap_page_ctl,
	llbitmap_pctl,
	llbitmap_write,
} from './llbitmap';
import { md_llbitmap_wanted } from './ops';
import { LLBITMAP_MIN_CHUNK, llbitmap_chunkshift, llbitmap_default_space, llbitmap_untagged_chunk } from './geometry';
import { llbitmap_state } from './state';

/**
 * The superblock carries the classic bitmap's magic, as in mainline, and
 * version 6 says it is the lockless bitmap. mdadm believes an array has a
 * bitmap only when it finds BITMAP_MAGIC there: under any other magic it
 * drops the bitmap from the superblocks it writes (--update, --add) and
 * skips what it owes a bitmap (the UUID on --update=uuid, the refusal of
 * --update=metadata).
 */
export const LLBITMAP_MAJOR = 6;
/** The classic bitmap's versions (md-bitmap.c keeps them to itself): 3 to 5, 5 for md-cluster. */
const CLASSIC_MAJOR_LO = 3;
const CLASSIC_MAJOR_CLUSTERED = 5;
/** The magic the seed's lockless bitmap wrote; such a bitmap still loads. */
const LLBITMAP_OLD_MAGIC = 0x6d746963;
/** Default smallest chunk, in sectors: 64 KiB, the largest raid1/raid10 sync IO. */
const LLBITMAP_DEFAULT_CHUNK: ulong = 128n;
/** mdadm's chunk for an internal bitmap when none is asked for, in sectors: 64 MiB. */
const MDADM_DEFAULT_CHUNK: ulong = 131072n;
/** Most bitmap space used, in sectors: 128 KiB. */
const LLBITMAP_MAX_SPACE: ulong = 256n;
export const DEFAULT_DAEMON_SLEEP: ulong = 30n;
export const DEFAULT_BARRIER_IDLE: ulong = 5n;
/**
 * Bits of the superblock's state that mdadm (4.6, --bitmap=lockless) and
 * mainline's llbitmap use (md-bitmap.h there): the superblock is new and
 * the kernel makes the bitmap. (Its BITMAP_CLEAN, --assume-clean, says
 * what the array's resync_offset says.)
 */
const BITMAP_FIRST_USE: u32 = 3;
/**
 * The superblock's chunk size is in sectors, as mainline's llbitmap
 * writes it; this bitmap wrote bytes (as the classic bitmap does) before
 * it wrote this tag in the last byte of the superblock's padding, which
 * neither mdadm nor mainline write. See llbitmap_sb_chunk().
 */
const LLBITMAP_SB_TAG_AT = 119;
const LLBITMAP_SB_TAG_SECTORS = 0x53;
/** Longest daemon_sleep and barrier_idle, in seconds. */
export const LLBITMAP_MAX_SECONDS: ulong = 3600n;
/** Most behind writes mdadm --write-behind may ask for: the classic bitmap's COUNTER_MAX. */
const LLBITMAP_MAX_WRITE_BEHIND: ulong = 16383n;

/**
 * Sectors the bitmap may use on each member: what md knows, else what the
 * superblock found on disk (ours or mdadm's) records, else mdadm's default;
 * never more than lies between the bitmap and the data.
 */
function llbitmap_space(bitmap: Ptr<llbitmap>, sb: Ptr<bitmap_super_t>): ulong {
	const mddev = bitmap.mddev;
	let space = mddev.bitmap_info.space;
	const magic = le32_to_cpu(sb.magic);

	if (!space && (magic === LLBITMAP_OLD_MAGIC || magic === BITMAP_MAGIC))
		space = ulong(le32_to_cpu(sb.sectors_reserved));
	if (!space)
		space = llbitmap_default_space(mddev.dev_sectors);
	if (space > LLBITMAP_MAX_SPACE)
		space = LLBITMAP_MAX_SPACE;
	/* after the superblock (1.1, 1.2): up to the data */
	if (mddev.bitmap_info.offset > 0) {
		for (const rdev of rdev_for_each(mddev)) {
			const start = loff_t(rdev.sb_start) + mddev.bitmap_info.offset;

			if (rdev.raid_disk < 0 || loff_t(rdev.data_offset) <= start)
				continue;
			if (ulong(loff_t(rdev.data_offset) - start) < space)
				space = ulong(loff_t(rdev.data_offset) - start);
		}
	}
	return space;
}

/** Chunk size and count for `sectors` of array in the bitmap's space. */
export function llbitmap_geometry(bitmap: Ptr<llbitmap>, sectors: sector_t, chunksize: ulong): void {
	const shift = llbitmap_chunkshift(sectors, chunksize, (bitmap.space << 9n) - ulong(BITMAP_DATA_OFFSET));

	bitmap.chunkshift = shift;
	bitmap.chunksize = ulong(1) << shift;
	bitmap.chunks = uint((sectors + bitmap.chunksize - 1n) >> shift);
	bitmap.sync_size = sectors;
}

/** Allocate page `idx` of the bitmap around `page` (read from disk). */
function llbitmap_add_page(bitmap: Ptr<llbitmap>, idx: uint, page: Ptr<page>): int {
	const pctl = kzalloc(llbitmap_page_ctl, GFP_NOIO);

	if (!pctl)
		return -ENOMEM;
	if (percpu_ref_init(pctl.active, llbitmap_active_release, PERCPU_REF_ALLOW_REINIT, GFP_NOIO)) {
		kfree(pctl);
		return -ENOMEM;
	}
	pctl.page = page;
	pctl.state = page_address(page);
	init_waitqueue_head(pctl.wait);
	bitmap.pctl[idx] = pctl;
	return 0;
}

export function llbitmap_free_pages(bitmap: Ptr<llbitmap>): void {
	if (!bitmap.pctl)
		return;
	for (let idx: uint = 0; idx < bitmap.nr_pages; idx++) {
		const pctl = bitmap.pctl[idx];

		if (!pctl)
			continue;
		__free_page(pctl.page);
		percpu_ref_exit(pctl.active);
		kfree(pctl);
	}
	kfree(bitmap.pctl);
}

/** Allocate and read every page of the bitmap; page 0 is already read. */
function llbitmap_alloc_pages(bitmap: Ptr<llbitmap>, page0: Ptr<page>): int {
	let ret: int;

	bitmap.nr_pages = uint((bitmap.space << 9n) + PAGE_SIZE - 1n) >>> PAGE_SHIFT;
	bitmap.pctl = kcalloc(size_t(bitmap.nr_pages), ptr_to(llbitmap_page_ctl), GFP_NOIO)!;
	if (!bitmap.pctl)
		return -ENOMEM;
	ret = llbitmap_add_page(bitmap, 0, page0);
	if (ret)
		return ret;
	for (let idx: uint = 1; idx < bitmap.nr_pages; idx++) {
		const page = alloc_page(GFP_NOIO | __GFP_ZERO);

		if (!page)
			return -ENOMEM;
		ret = llbitmap_read_page(bitmap, idx, page, llbitmap_page_bytes(bitmap, idx));
		if (!ret)
			ret = llbitmap_add_page(bitmap, idx, page);
		if (ret) {
			__free_page(page);
			return ret;
		}
	}
	return 0;
}

/**
 * Whether the superblock records the chunk size in sectors (mainline's
 * unit, tagged) or in bytes, as before. mdadm (4.2 to 4.6) sizes the
 * bitmap it copies to a new member (--add) from the chunk size read as
 * bytes: read from sectors, the copy is 512 times larger. After a
 * superblock at the start (1.1, 1.2) it runs into the space before the
 * data, which the new member is given anyway; before one at the end (1.0,
 * 0.90) it runs over the superblock and past the member's end, and mdadm
 * --add fails ("Failed to write metadata"). Mainline and mdadm 4.6 make
 * lockless bitmaps with 1.2 only: 1.0 and 0.90 keep bytes.
 */
function llbitmap_sb_in_sectors(mddev: Ptr<mddev>): bool {
	return mddev.major_version === 1 && mddev.minor_version >= 1;
}

/** Fill the superblock in page 0 from the bitmap and the array. */
export function llbitmap_fill_sb(bitmap: Ptr<llbitmap>): void {
	const mddev = bitmap.mddev;
	const sb = kmap_local_page(llbitmap_pctl(bitmap, 0).page) as Ptr<bitmap_super_t>;

	if (mddev.events < bitmap.events_cleared)
		bitmap.events_cleared = mddev.events;
	sb.magic = cpu_to_le32(BITMAP_MAGIC);
	sb.version = cpu_to_le32(LLBITMAP_MAJOR);
	memcpy(sb.uuid, mddev.uuid, 16n);
	sb.events = cpu_to_le64(mddev.events);
	sb.events_cleared = cpu_to_le64(bitmap.events_cleared);
	sb.sync_size = cpu_to_le64(bitmap.sync_size);
	sb.state = cpu_to_le32(0);
	if (llbitmap_sb_in_sectors(mddev)) {
		sb.chunksize = cpu_to_le32(u32(bitmap.chunksize));
		sb.pad[LLBITMAP_SB_TAG_AT] = LLBITMAP_SB_TAG_SECTORS;
	} else {
		sb.chunksize = cpu_to_le32(u32(bitmap.chunksize << 9n));
		sb.pad[LLBITMAP_SB_TAG_AT] = 0;
	}
	sb.daemon_sleep = cpu_to_le32(u32(bitmap.daemon_sleep));
	sb.write_behind = cpu_to_le32(u32(mddev.bitmap_info.max_write_behind));
	sb.sectors_reserved = cpu_to_le32(u32(bitmap.space));
	sb.nodes = cpu_to_le32(0);
	kunmap_local(sb);
}

/** Write the superblock now. */
export function llbitmap_write_sb(bitmap: Ptr<llbitmap>): void {
	const pctl = llbitmap_pctl(bitmap, 0);

	llbitmap_fill_sb(bitmap);
	for (let offset: uint = 0; offset < BITMAP_DATA_OFFSET; offset += bitmap.io_size)
		llbitmap_mark_block(bitmap, pctl, offset);
	llbitmap_flush_dirty(bitmap);
}

/**
 * The state every chunk of a new bitmap starts in. Unwritten ("nothing to
 * sync") only where nothing can have been written through md: the array
 * is being created by mdadm --create (md has not run it: no personality,
 * events still 0, as mdadm writes them) and not with --assume-clean, which
 * says the members' contents already agree - they may hold data (the
 * documented way to recover an array whose superblocks were lost). There
 * raid4/5/6 start NeedSync, their parity not built. Everywhere else the
 * bitmap covers data: Clean if the array is in sync and whole, NeedSync
 * if not.
 */
export function llbitmap_new_state(mddev: Ptr<mddev>, parity: bool): llbitmap_state {
	const created_clean = mddev.resync_offset === MaxSector;

	if (!mddev.pers && mddev.events === 0n) {
		if (created_clean)
			return llbitmap_state.BitClean;
		return parity ? llbitmap_state.BitNeedSync : llbitmap_state.BitUnwritten;
	}
	if (created_clean && !mddev.degraded)
		return llbitmap_state.BitClean;
	return llbitmap_state.BitNeedSync;
}

/**
 * A new bitmap, in place of the superblock mdadm wrote for it. Members
 * that left the array before it existed are older than events_cleared, so
 * md recovers them whole instead of from this bitmap.
 */
function llbitmap_init_new(bitmap: Ptr<llbitmap>, chunksize: ulong): int {
	const mddev = bitmap.mddev;
	const state = llbitmap_new_state(mddev, bitmap.parity);

	llbitmap_geometry(bitmap, mddev.resync_max_sectors, chunksize);
	bitmap.events_cleared = mddev.events;
	pr_info('md/llbitmap: %s: new bitmap, %u chunks of %lu KiB, all %s\n', mdname(mddev), bitmap.chunks, bitmap.chunksize >> 1n,
		state === llbitmap_state.BitUnwritten ? 'unwritten' : state === llbitmap_state.BitClean ? 'clean' : 'to sync');
	for (let chunk: uint = 0; chunk < bitmap.chunks; chunk++)
		llbitmap_write(bitmap, state, chunk);
	llbitmap_fill_sb(bitmap);
	llbitmap_mark_all(bitmap);
	llbitmap_flush_dirty(bitmap);
	return 0;
}

/** What the members hold where the array's bitmap is. */
export enum llbitmap_sb_kind {
	/** The lockless bitmap's: version 6, or the seed's magic. */
	LLSbOwn,
	/** A classic bitmap that md has run: the classic bitmap takes it. */
	LLSbClassic,
	/** The superblock mdadm writes for a bitmap it adds, never run yet. */
	LLSbNew,
	/** The same from mdadm --bitmap=lockless (4.6): version 6, BITMAP_FIRST_USE. */
	LLSbNewLockless,
	/** Anything else: no bitmap superblock at all. */
	LLSbGarbled,
}

/**
 * The kind of a bitmap superblock. mdadm writes a new bitmap's superblock
 * (--create, --grow --bitmap=internal) with events and events_cleared 0;
 * md writes the array's events, 1 or more, the first time it runs it. A
 * clustered bitmap is the classic bitmap's alone. mdadm 4.6 writes a new
 * lockless one as version 6 with BITMAP_FIRST_USE, which the kernel
 * clears when it makes the bitmap.
 */
export function llbitmap_sb_kind_of(sb: Ptr<bitmap_super_t>): llbitmap_sb_kind {
	const magic = le32_to_cpu(sb.magic);
	const version = le32_to_cpu(sb.version);

	if (magic === BITMAP_MAGIC && version === LLBITMAP_MAJOR && le32_to_cpu(sb.state) & (u32(1) << BITMAP_FIRST_USE))
		return llbitmap_sb_kind.LLSbNewLockless;
	if (magic === LLBITMAP_OLD_MAGIC || (magic === BITMAP_MAGIC && version === LLBITMAP_MAJOR))
		return llbitmap_sb_kind.LLSbOwn;
	if (magic !== BITMAP_MAGIC || version < CLASSIC_MAJOR_LO || version > CLASSIC_MAJOR_CLUSTERED)
		return llbitmap_sb_kind.LLSbGarbled;
	if (version === CLASSIC_MAJOR_CLUSTERED || le32_to_cpu(sb.nodes) || le64_to_cpu(sb.events) || le64_to_cpu(sb.events_cleared))
		return llbitmap_sb_kind.LLSbClassic;
	return llbitmap_sb_kind.LLSbNew;
}

/**
 * mdadm --write-behind, kept in the superblock: raid1 does write-behind
 * to write-mostly members only when bitmap_info.max_write_behind is set.
 */
function llbitmap_take_write_behind(bitmap: Ptr<llbitmap>, sb: Ptr<bitmap_super_t>): void {
	const mddev = bitmap.mddev;
	const write_behind = ulong(le32_to_cpu(sb.write_behind));

	if (mddev.bitmap_info.max_write_behind)
		return;
	if (write_behind > LLBITMAP_MAX_WRITE_BEHIND) {
		pr_warn('md/llbitmap: %s: write-behind %lu out of range (0 - %lu): no write-behind\n', mdname(mddev), write_behind,
			LLBITMAP_MAX_WRITE_BEHIND);
		return;
	}
	mddev.bitmap_info.max_write_behind = write_behind;
}

/** The chunk size a bitmap's superblock records, in sectors. */
function llbitmap_sb_chunk(bitmap: Ptr<llbitmap>, sb: Ptr<bitmap_super_t>): ulong {
	const recorded = le32_to_cpu(sb.chunksize);

	if (sb.pad[LLBITMAP_SB_TAG_AT] === LLBITMAP_SB_TAG_SECTORS)
		return ulong(recorded);
	return llbitmap_untagged_chunk(recorded, bitmap.mddev.resync_max_sectors, (bitmap.space << 9n) - ulong(BITMAP_DATA_OFFSET));
}

/** Check the superblock of a bitmap found on disk and take its geometry. */
function llbitmap_init_existing(bitmap: Ptr<llbitmap>, sb: Ptr<bitmap_super_t>): int {
	const mddev = bitmap.mddev;
	const chunksize = llbitmap_sb_chunk(bitmap, sb);
	const daemon_sleep = ulong(le32_to_cpu(sb.daemon_sleep));
	const events = le64_to_cpu(sb.events);

	if (le32_to_cpu(sb.version) !== LLBITMAP_MAJOR) {
		pr_err('md/llbitmap: %s: bitmap version %u, expected %d\n', mdname(mddev), le32_to_cpu(sb.version), LLBITMAP_MAJOR);
		return -EINVAL;
	}
	if (memcmp(sb.uuid, mddev.uuid, 16n)) {
		pr_err('md/llbitmap: %s: bitmap belongs to another array\n', mdname(mddev));
		return -EINVAL;
	}
	if (!is_power_of_2(chunksize) || chunksize < LLBITMAP_MIN_CHUNK) {
		pr_err('md/llbitmap: %s: bad bitmap chunk size %lu sectors\n', mdname(mddev), chunksize);
		return -EINVAL;
	}
	llbitmap_geometry(bitmap, mddev.resync_max_sectors, chunksize);
	if (bitmap.chunksize !== chunksize) {
		pr_err('md/llbitmap: %s: %llu sectors do not fit in %lu sectors of bitmap with %lu-sector chunks\n', mdname(mddev),
			mddev.resync_max_sectors, bitmap.space, chunksize);
		return -ENOSPC;
	}
	if (daemon_sleep >= 1n && daemon_sleep <= LLBITMAP_MAX_SECONDS)
		bitmap.daemon_sleep = daemon_sleep;
	llbitmap_take_write_behind(bitmap, sb);
	bitmap.events_cleared = le64_to_cpu(sb.events_cleared);
	if (events < mddev.events) {
		pr_warn('md/llbitmap: %s: bitmap is out of date (%llu < %llu): everything written will be resynced\n', mdname(mddev),
			events, mddev.events);
		set_bit(llbitmap_flag.LLBitmapStale, bitmap.flags);
	} else if (le32_to_cpu(sb.state) & (u32(1) << u32(BITMAP_STALE))) {
		pr_warn('md/llbitmap: %s: bitmap marked stale: everything written will be resynced\n', mdname(mddev));
		set_bit(llbitmap_flag.LLBitmapStale, bitmap.flags);
	}
	return 0;
}

/**
 * Refuse a bitmap whose first `sectors` would lie on the data or the
 * superblock of a member (a corrupt bitmap offset or data offset): it
 * would overwrite them. Spares are checked as they join (md_meta_write).
 */
function llbitmap_check_placement(bitmap: Ptr<llbitmap>, sectors: sector_t): int {
	const mddev = bitmap.mddev;
	let ret: int = 0;

	for (const rdev of rdev_for_each(mddev)) {
		if (rdev.raid_disk < 0 || test_bit(Faulty, rdev.flags) || md_meta_fits(mddev, rdev, 0n, sectors))
			continue;
		pr_err('md/llbitmap: %s: a bitmap of %llu sectors at %lld from the superblock would overwrite data or the superblock of %pg (data at %llu): not assembling\n',
			mdname(mddev), sectors, mddev.bitmap_info.offset, rdev.bdev, rdev.data_offset);
		ret = -EINVAL;
	}
	return ret;
}

/**
 * Read the bitmap from the members. What the first in-sync member holds
 * decides: a lockless bitmap is loaded; a superblock mdadm has just
 * written becomes a new lockless bitmap if md/bitmap_type or
 * md_mod.llbitmap asks for one, and always if it is mdadm 4.6's lockless
 * one; a classic bitmap, or a new one not asked for, gets -EMEDIUMTYPE (the
 * classic bitmap takes it); anything else is refused, nothing written.
 */
export function llbitmap_read_all(bitmap: Ptr<llbitmap>): int {
	const mddev = bitmap.mddev;
	let chunksize = LLBITMAP_DEFAULT_CHUNK;
	let ret: int;
	let bytes: uint = BITMAP_DATA_OFFSET;
	const page0 = alloc_page(GFP_NOIO | __GFP_ZERO);

	if (!page0)
		return -ENOMEM;
	/* the superblock tells how large the bitmap is: read it alone first */
	if (bytes < bitmap.io_size)
		bytes = bitmap.io_size;
	ret = llbitmap_check_placement(bitmap, sector_t(bytes >>> SECTOR_SHIFT));
	if (ret) {
		__free_page(page0);
		return ret;
	}
	md_meta_set_capacity(mddev, sector_t(bytes >>> SECTOR_SHIFT));
	ret = llbitmap_read_page(bitmap, 0, page0, bytes);
	if (ret) {
		__free_page(page0);
		return ret;
	}
	const sb = kmap_local_page(page0) as Ptr<bitmap_super_t>;
	const kind = llbitmap_sb_kind_of(sb);

	if (kind === llbitmap_sb_kind.LLSbClassic || (kind === llbitmap_sb_kind.LLSbNew && !md_llbitmap_wanted(mddev))) {
		kunmap_local(sb);
		__free_page(page0);
		return -EMEDIUMTYPE;
	}
	if (kind === llbitmap_sb_kind.LLSbGarbled) {
		pr_err('md/llbitmap: %s: no bitmap superblock where the array keeps its bitmap (magic %#x, version %u): not assembling; mdadm --assemble --update=no-bitmap, then mdadm --grow --bitmap=internal, gives it a new one\n',
			mdname(mddev), le32_to_cpu(sb.magic), le32_to_cpu(sb.version));
		kunmap_local(sb);
		__free_page(page0);
		return -EINVAL;
	}
	bitmap.space = llbitmap_space(bitmap, sb);
	/*
	 * mdadm's --delay, --write-behind and --bitmap-chunk. A chunk below mdadm's 64 MiB
	 * default was asked for; the default itself is far coarser than ours
	 * and is not taken.
	 */
	const is_new = kind === llbitmap_sb_kind.LLSbNew || kind === llbitmap_sb_kind.LLSbNewLockless;

	if (is_new) {
		const daemon_sleep = ulong(le32_to_cpu(sb.daemon_sleep));
		const asked = ulong(le32_to_cpu(sb.chunksize) >>> 9);

		if (daemon_sleep >= 1n && daemon_sleep <= LLBITMAP_MAX_SECONDS)
			bitmap.daemon_sleep = daemon_sleep;
		llbitmap_take_write_behind(bitmap, sb);
		/* mdadm --bitmap=lockless takes no --bitmap-chunk: its chunk is its own guess */
		if (kind === llbitmap_sb_kind.LLSbNew && is_power_of_2(asked) && asked >= LLBITMAP_MIN_CHUNK && asked < MDADM_DEFAULT_CHUNK)
			chunksize = asked;
	}
	kunmap_local(sb);
	/*
	 * Whole blocks, holding the superblock and at least one block of
	 * state bytes. mdadm --grow --bitmap=internal on a running 1.x array
	 * leaves 3 KiB: the chunks grow until they fit.
	 */
	const block_sectors = ulong(bitmap.io_size >>> SECTOR_SHIFT);
	const min_space = ulong(BITMAP_DATA_OFFSET >> SECTOR_SHIFT) + block_sectors;

	bitmap.space &= ~(block_sectors - 1n);
	if (bitmap.space < min_space) {
		pr_err('md/llbitmap: %s: no space for a bitmap: %lu sectors, %lu needed\n', mdname(mddev), bitmap.space, min_space);
		__free_page(page0);
		return -ENOSPC;
	}
	ret = llbitmap_check_placement(bitmap, bitmap.space);
	if (ret) {
		__free_page(page0);
		return ret;
	}
	md_meta_set_capacity(mddev, bitmap.space);
	/* now the rest of page 0 */
	ret = llbitmap_read_page(bitmap, 0, page0, llbitmap_page_bytes(bitmap, 0));
	if (!ret)
		ret = llbitmap_alloc_pages(bitmap, page0);
	if (ret) {
		if (!bitmap.pctl || !bitmap.pctl[0])
			__free_page(page0);
		return ret;
	}
	if (is_new) {
		/* mdadm's bits are the classic bitmap's: start from zeroes */
		for (let idx: uint = 0; idx < bitmap.nr_pages; idx++)
			memset(llbitmap_pctl(bitmap, idx).state, 0, size_t(PAGE_SIZE));
		return llbitmap_init_new(bitmap, chunksize);
	}
	const sb2 = kmap_local_page(page0) as Ptr<bitmap_super_t>;

	ret = llbitmap_init_existing(bitmap, sb2);
	kunmap_local(sb2);
	return ret;
}
