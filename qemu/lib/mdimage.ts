// Reading md members from the host: the v1.2 superblock, the llbitmap
// superblock and state bytes, and the data, straight from the raw disk
// images of a guest that was killed.
import { closeSync, openSync, readSync } from 'node:fs';

export const MD_SB_MAGIC = 0xa92b4efc;
export const LLBITMAP_MAGIC = 0x6d746963;
export const STATE_NAMES = ['unwritten', 'clean', 'dirty', 'need sync', 'syncing'];

export interface Member {
	path: string;
	/** Sectors of the md superblock (v1.2: 8). */
	superOffset: bigint;
	dataOffset: bigint;
	dataSize: bigint;
	events: bigint;
	resyncOffset: bigint;
	/** Sectors from the superblock to the bitmap. */
	bitmapOffset: bigint;
	/** llbitmap geometry. */
	chunkSectors: bigint;
	chunks: number;
	states: Uint8Array;
}

function readAt(fd: number, offset: bigint, len: number): Buffer {
	const b = Buffer.alloc(len);
	readSync(fd, b, 0, len, Number(offset));
	return b;
}

export function readMember(path: string): Member {
	const fd = openSync(path, 'r');
	try {
		const sb = readAt(fd, 4096n, 1024);
		if (sb.readUInt32LE(0) !== MD_SB_MAGIC) throw new Error(`${path}: no md v1.2 superblock`);
		const superOffset = sb.readBigUInt64LE(144);
		const bitmapOffset = BigInt(sb.readInt32LE(96));
		const base = (superOffset + bitmapOffset) * 512n;
		const bsb = readAt(fd, base, 1024);
		if (bsb.readUInt32LE(0) !== LLBITMAP_MAGIC) throw new Error(`${path}: no llbitmap superblock (magic ${bsb.readUInt32LE(0).toString(16)})`);
		const chunkSectors = BigInt(bsb.readUInt32LE(52) >>> 9);
		const syncSize = bsb.readBigUInt64LE(40);
		const chunks = Number((syncSize + chunkSectors - 1n) / chunkSectors);
		return {
			path,
			superOffset,
			dataOffset: sb.readBigUInt64LE(128),
			dataSize: sb.readBigUInt64LE(136),
			events: sb.readBigUInt64LE(200),
			resyncOffset: sb.readBigUInt64LE(208),
			bitmapOffset,
			chunkSectors,
			chunks,
			states: new Uint8Array(readAt(fd, base + 1024n, chunks)),
		};
	} finally {
		closeSync(fd);
	}
}

/** The data of one chunk of a member (raid1: the same sectors on each). */
export function readChunk(m: Member, chunk: number): Buffer {
	const fd = openSync(m.path, 'r');
	try {
		const start = (m.dataOffset + BigInt(chunk) * m.chunkSectors) * 512n;
		const len = Number(m.chunkSectors * 512n);
		return readAt(fd, start, len);
	} finally {
		closeSync(fd);
	}
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
