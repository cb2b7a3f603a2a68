// The log dm-log-writes keeps (drivers/md/dm-log-writes.c): at byte 0 a
// superblock, then from the second block one entry per logged bio - a
// block-sized header and the data it wrote (none for a flush, a discard
// or a mark, whose text is in the header). Sectors and lengths in the
// headers count the log's blocks (`sectorsize` bytes).
import { closeSync, openSync, readSync } from 'node:fs';

export const WRITE_LOG_MAGIC = 0x6a736677736872n;
export const WRITE_LOG_VERSION = 1n;
export const LOG_FLUSH_FLAG = 1;
export const LOG_FUA_FLAG = 2;
export const LOG_DISCARD_FLAG = 4;
export const LOG_MARK_FLAG = 8;
export const LOG_METADATA_FLAG = 16;

export interface LogEntry {
	/** Its place in the log, from 0. */
	index: number;
	/** Where it wrote on the logged device, in 512-byte sectors. */
	sector: bigint;
	sectors: number;
	flags: number;
	/** What it wrote (a write), or null. */
	data: Buffer | null;
	/** A mark's text. */
	mark?: string;
}

export function flagNames(flags: number): string {
	const n = [
		[LOG_FLUSH_FLAG, 'flush'],
		[LOG_FUA_FLAG, 'fua'],
		[LOG_DISCARD_FLAG, 'discard'],
		[LOG_MARK_FLAG, 'mark'],
		[LOG_METADATA_FLAG, 'meta'],
	] as const;
	return n.filter(([f]) => flags & f).map(([, s]) => s).join('|') || 'write';
}

/** Every entry of the log in `path`, in order. */
export function readWriteLog(path: string): LogEntry[] {
	const fd = openSync(path, 'r');
	try {
		const at = (offset: number, len: number): Buffer => {
			const b = Buffer.alloc(len);
			const got = readSync(fd, b, 0, len, offset);
			if (got !== len) throw new Error(`${path}: the log ends at byte ${offset + got}, inside an entry`);
			return b;
		};
		const sb = at(0, 28);
		const magic = sb.readBigUInt64LE(0);
		if (magic !== WRITE_LOG_MAGIC) throw new Error(`${path}: no dm-log-writes log (magic ${magic.toString(16)})`);
		const version = sb.readBigUInt64LE(8);
		if (version !== WRITE_LOG_VERSION) throw new Error(`${path}: dm-log-writes log version ${version}, not ${WRITE_LOG_VERSION}`);
		const count = Number(sb.readBigUInt64LE(16));
		const bs = sb.readUInt32LE(24);
		if (bs < 512 || bs & (bs - 1)) throw new Error(`${path}: log block size ${bs}`);
		const perBlock = BigInt(bs / 512);
		const entries: LogEntry[] = [];
		let pos = bs;
		for (let index = 0; index < count; index++) {
			const h = at(pos, bs);
			const blocks = Number(h.readBigUInt64LE(8));
			const flags = Number(h.readBigUInt64LE(16));
			const dataLen = Number(h.readBigUInt64LE(24));
			pos += bs;
			const e: LogEntry = { index, sector: h.readBigUInt64LE(0) * perBlock, sectors: blocks * bs / 512, flags, data: null };
			if (flags & LOG_MARK_FLAG) e.mark = h.subarray(32, 32 + dataLen).toString('utf8');
			else if (!(flags & LOG_DISCARD_FLAG) && blocks > 0) {
				e.data = at(pos, blocks * bs);
				pos += blocks * bs;
			}
			entries.push(e);
		}
		return entries;
	} finally {
		closeSync(fd);
	}
}
