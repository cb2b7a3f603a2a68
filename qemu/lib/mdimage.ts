// Reading md members from outside the kernel: the md superblock (0.90,
// 1.0, 1.1, 1.2), the lockless bitmap's superblock and state bytes, and the
// data - from the raw disk images of a guest that was killed (crash tests)
// or from a member device in the guest (llbitmap-examine, mdadm -X's
// counterpart).
import { execFileSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

export const MD_SB_MAGIC = 0xa92b4efc;
export const BITMAP_MAGIC = 0x6d746962;
/** The lockless bitmap: BITMAP_MAGIC with this version (as mainline), or the seed's own magic. */
export const LLBITMAP_MAJOR = 6;
export const LLBITMAP_OLD_MAGIC = 0x6d746963;

export function isLockless(b: { magic: number; version: number }): boolean {
	return b.magic === LLBITMAP_OLD_MAGIC || (b.magic === BITMAP_MAGIC && b.version === LLBITMAP_MAJOR);
}
export const STATE_NAMES = ['unwritten', 'clean', 'dirty', 'need sync', 'syncing'];

export interface Member {
	path: string;
	/** 0.90, 1.0, 1.1 or 1.2 */
	metadata: string;
	/** Where the md superblock is, in sectors. */
	superOffset: bigint;
	dataOffset: bigint;
	/** Data sectors of the member (the sync size of raid1). */
	dataSize: bigint;
	events: bigint;
	resyncOffset: bigint;
	/** The array's RAID level, layout, chunk (sectors) and member count, as this member's superblock has them. */
	level: number;
	layout: number;
	raidChunk: number;
	raidDisks: number;
	/** A member being recovered (its superblock has a recovery offset): md does not read its bitmap. */
	recovering: boolean;
	/** Its slot in the array as its superblock says (1.x: 0xffff spare, 0xfffe faulty; 0.90: not read, 0). */
	role: number;
	/** Sectors from the superblock to the bitmap. */
	bitmapOffset: bigint;
	bitmap: BitmapSuper;
	chunks: number;
	states: Uint8Array;
}

export interface BitmapSuper {
	magic: number;
	version: number;
	uuid: Buffer;
	events: bigint;
	eventsCleared: bigint;
	syncSize: bigint;
	state: number;
	/** As recorded: sectors, or bytes in a superblock of the module before it tagged them (chunkSectors). */
	chunksize: number;
	/** The chunk size, in sectors. */
	chunkSectors: bigint;
	/** Seconds. */
	daemonSleep: number;
	writeBehind: number;
	sectorsReserved: number;
}

/**
 * Where a member's bytes come from: a disk image, a block device, or an
 * image rebuilt in memory (the crash replay's states).
 */
export interface Source {
	/** Size in bytes. */
	size: bigint;
	read(offset: bigint, len: number): Buffer;
}

/** Size in bytes of a regular file or a block device. */
function sizeOf(fd: number): bigint {
	const st = fstatSync(fd, { bigint: true });
	if (!st.isBlockDevice()) return st.size;
	const major = (st.rdev >> 8n) & 0xfffn;
	const minor = (st.rdev & 0xffn) | ((st.rdev >> 12n) & 0xfff00n);
	return BigInt(readFileSync(`/sys/dev/block/${major}:${minor}/size`, 'utf8').trim()) * 512n;
}

/** The md superblock: where each format keeps it, in sectors. */
function findSuper(src: Source): { metadata: string; at: bigint } {
	const sectors = src.size / 512n;
	const candidates: [string, bigint][] = [
		['1.2', 8n],
		['1.1', 0n],
		['1.0', (sectors - 16n) & ~7n],
		['0.90', (sectors & ~127n) - 128n],
	];
	for (const [metadata, at] of candidates) {
		if (at < 0n) continue;
		const b = src.read(at * 512n, 8);
		if (b.readUInt32LE(0) !== MD_SB_MAGIC) continue;
		// 1.x: major_version 1 at byte 4; 0.90: major 0
		const major = b.readUInt32LE(4);
		if ((metadata === '0.90') === (major === 0)) return { metadata, at };
	}
	throw new Error('no md superblock');
}

/** The module's tag for a chunk size in sectors: the superblock's last padding byte (kmod-src/md-llbitmap/sb.ts). */
const SB_TAG_AT = 136 + 119;
const SB_TAG_SECTORS = 0x53;

/**
 * The chunk size in sectors, as llbitmap_sb_chunk() (sb.ts) reads it: a
 * tagged superblock (the module now) and mainline's record sectors; the
 * module before the tag recorded bytes. Untagged, a value is bytes if it
 * is a chunk size that module could have chosen - a power of two of 8 or
 * more sectors whose chunks fit in the bitmap's space - and sectors if not.
 */
export function chunkSectorsOf(recorded: number, tagged: boolean, syncSize: bigint, sectorsReserved: number): bigint {
	const asSectors = BigInt(recorded);
	if (tagged) return asSectors;
	const bytes = BigInt(recorded >>> 9);
	const room = BigInt(sectorsReserved || 256) * 512n - 1024n;
	let fit = 8n;
	while ((syncSize + fit - 1n) / fit > room) fit <<= 1n;
	const pow2 = bytes > 0n && (bytes & (bytes - 1n)) === 0n;
	return recorded % 512 === 0 && pow2 && bytes >= fit ? bytes : asSectors;
}

function parseBitmapSuper(b: Buffer): BitmapSuper {
	const chunksize = b.readUInt32LE(52);
	const syncSize = b.readBigUInt64LE(40);
	const sectorsReserved = b.readUInt32LE(64);
	return {
		magic: b.readUInt32LE(0),
		version: b.readUInt32LE(4),
		uuid: b.subarray(8, 24),
		events: b.readBigUInt64LE(24),
		eventsCleared: b.readBigUInt64LE(32),
		syncSize,
		state: b.readUInt32LE(48),
		chunksize,
		chunkSectors: chunkSectorsOf(chunksize, b[SB_TAG_AT] === SB_TAG_SECTORS, syncSize, sectorsReserved),
		daemonSleep: b.readUInt32LE(56),
		writeBehind: b.readUInt32LE(60),
		sectorsReserved,
	};
}

/**
 * Open a member for reading. md writes a member with bios that bypass the
 * member's page cache, so on a live block device a buffered read could
 * return what an earlier read cached (mdadm -X reads with O_DIRECT for the
 * same reason): drop that cache first. Image files of a dead guest have none.
 */
function openMember(path: string): number {
	const fd = openSync(path, 'r');
	if (fstatSync(fd).isBlockDevice())
		execFileSync('blockdev', ['--flushbufs', path]);
	return fd;
}

/** A file or block device as a Source, for the length of `use`. */
function withFile<T>(path: string, use: (src: Source) => T): T {
	const fd = openMember(path);
	try {
		return use({
			size: sizeOf(fd),
			read(offset, len) {
				const b = Buffer.alloc(len);
				readSync(fd, b, 0, len, Number(offset));
				return b;
			},
		});
	} finally {
		closeSync(fd);
	}
}

export function readMember(path: string): Member {
	try {
		return withFile(path, (src) => readMemberFrom(src, path));
	} catch (e) {
		throw new Error(`${path}: ${(e as Error).message}`);
	}
}

/** A member's superblocks and bitmap from `src`; `path` names it in the result. */
export function readMemberFrom(src: Source, path: string): Member {
	const { metadata, at } = findSuper(src);
	const sb = src.read(at * 512n, 1024);
	let dataOffset: bigint, dataSize: bigint, events: bigint, resyncOffset: bigint, bitmapOffset: bigint;
	let level: number, layout: number, raidChunk: number, raidDisks: number, recovering: boolean, role: number;
	if (metadata === '0.90') {
		// the bitmap is 4 KiB after the superblock; the data starts at 0
		bitmapOffset = 8n;
		dataOffset = 0n;
		level = sb.readInt32LE(4 * 7);
		dataSize = BigInt(sb.readUInt32LE(4 * 8)) * 2n; // size, KiB
		raidDisks = sb.readUInt32LE(4 * 10);
		// generic state from word 32: events_lo, events_hi at 39, 40; recovery_cp at 43
		events = (BigInt(sb.readUInt32LE(4 * 40)) << 32n) | BigInt(sb.readUInt32LE(4 * 39));
		resyncOffset = BigInt(sb.readUInt32LE(4 * 43));
		// the personality words from 64: layout, chunk_size (bytes)
		layout = sb.readUInt32LE(4 * 64);
		raidChunk = sb.readUInt32LE(4 * 65) >>> 9;
		recovering = false;
		// not read: this_disk (word 992) lies past the 1 KiB read here
		role = 0;
	} else {
		// struct mdp_superblock_1
		recovering = (sb.readUInt32LE(8) & 2) !== 0; // MD_FEATURE_RECOVERY_OFFSET
		// dev_roles[dev_number], from byte 256
		const dev = sb.readUInt32LE(160);
		role = 256 + 2 * dev + 2 <= sb.length ? sb.readUInt16LE(256 + 2 * dev) : 0xffff;
		level = sb.readInt32LE(72);
		layout = sb.readUInt32LE(76);
		raidChunk = sb.readUInt32LE(88);
		raidDisks = sb.readUInt32LE(92);
		bitmapOffset = BigInt(sb.readInt32LE(96));
		dataOffset = sb.readBigUInt64LE(128);
		dataSize = sb.readBigUInt64LE(136);
		events = sb.readBigUInt64LE(200);
		resyncOffset = sb.readBigUInt64LE(208);
	}
	const base = (at + bitmapOffset) * 512n;
	const bitmap = parseBitmapSuper(src.read(base, 256));
	if (!isLockless(bitmap))
		throw new Error(
			`no lockless bitmap (magic ${bitmap.magic.toString(16)}, version ${bitmap.version}${bitmap.magic === BITMAP_MAGIC ? ': the classic bitmap, see mdadm -X' : ''})`,
		);
	const chunkSectors = bitmap.chunkSectors;
	if (chunkSectors === 0n) throw new Error('bitmap chunk size 0');
	const chunks = Number((bitmap.syncSize + chunkSectors - 1n) / chunkSectors);
	return {
		path,
		metadata,
		superOffset: at,
		dataOffset,
		dataSize,
		events,
		resyncOffset,
		level,
		layout,
		raidChunk,
		raidDisks,
		recovering,
		role,
		bitmapOffset,
		bitmap,
		chunks,
		states: new Uint8Array(src.read(base + 1024n, chunks)),
	};
}

/** How many chunks are in each state (unknown bytes count as need sync, as in the kernel). */
export function stateCounts(m: Member): Record<string, number> {
	const counts = Object.fromEntries(STATE_NAMES.map((n) => [n, 0]));
	for (const s of m.states) counts[STATE_NAMES[s] ?? 'need sync']++;
	return counts;
}

/** The data of one chunk of a member (raid1: the same sectors on each). */
export function readChunk(m: Member, chunk: number): Buffer {
	const chunkSectors = m.bitmap.chunkSectors;
	const start = (m.dataOffset + BigInt(chunk) * chunkSectors) * 512n;
	return withFile(m.path, (src) => src.read(start, Number(chunkSectors * 512n)));
}

export interface CrashReport {
	chunks: number;
	differing: number[];
	/** Chunks whose copies differ while a member's bitmap calls them clean. */
	violations: { chunk: number; states: string[] }[];
	notClean: number;
}

/**
 * The write-intent invariant on a raid1's members after a crash: every
 * chunk whose copies differ is neither Clean nor Unwritten in the bitmap
 * of each member.
 */
export function checkRaid1(paths: string[]): CrashReport {
	const members = paths.map(readMember);
	const chunks = members[0].chunks;
	const report: CrashReport = { chunks, differing: [], violations: [], notClean: 0 };
	for (let c = 0; c < chunks; c++) {
		const states = members.map((m) => m.states[c]);
		if (states.some((s) => s > 1)) report.notClean++;
		const data = members.map((m) => readChunk(m, c));
		if (data.slice(1).every((d) => d.equals(data[0]))) continue;
		report.differing.push(c);
		if (states.some((s) => s <= 1)) report.violations.push({ chunk: c, states: states.map((s) => STATE_NAMES[s] ?? String(s)) });
	}
	return report;
}
