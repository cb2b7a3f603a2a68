// Crash states from a log of every write (qemu/lib/writelog.ts), and the
// write-intent invariant checked in each.
//
// The model (CrashMonkey's): a crash after log entry p leaves on the disk
// every write logged before the last flush at or before p (a flush's
// entry comes after the writes that completed before it was sent, and it
// was logged when it completed), every FUA write up to p (durable once
// complete), and any subset of the other writes since that flush (in the
// disk's cache: each may or may not have reached the medium). Discards
// are writes of zeros that may or may not have happened. The guest's
// dm-log-writes keeps the writes between two flushes in the order they
// completed (qemu/patches/), so a write that completed before a FUA one
// comes before it in the log.
//
// The states of a crash point: all of the unflushed writes, none of them,
// and random subsets. In each, the members are read back as md would
// (qemu/lib/mdimage.ts) and every chunk whose copies differ (raid1, raid10)
// or whose parity does not match its data (raid5) must be marked in the
// bitmap of every member md would load it from: neither Clean nor
// Unwritten (Unwritten is allowed where a discard was the chunk's last
// write: its data is undefined).
import { closeSync, openSync, writeSync } from 'node:fs';
import { blankImage } from './guest.js';
import { type Member, readMemberFrom, STATE_NAMES, type Source } from './mdimage.js';
import { rng } from './rng.js';
import { flagNames, LOG_DISCARD_FLAG, LOG_FLUSH_FLAG, LOG_FUA_FLAG, type LogEntry } from './writelog.js';

export { rng };

const PAGE = 4096;
/** Pages per group of the image's index of written pages (1 MiB). */
const GROUP_PAGES = 256;

interface Undo {
	page: number;
	old: Buffer | undefined;
}

/** A disk in memory: the 4 KiB pages ever written; the rest reads as zeros. */
export class SparseImage {
	readonly pages = new Map<number, Buffer>();
	/** Written pages by 1 MiB group, to find those of a range. */
	private readonly groups = new Map<number, Set<number>>();

	constructor(readonly size: number) {}

	read(offset: number, len: number): Buffer {
		const out = Buffer.alloc(len);
		for (let done = 0; done < len; ) {
			const at = offset + done;
			const page = Math.floor(at / PAGE);
			const within = at - page * PAGE;
			const n = Math.min(PAGE - within, len - done);
			this.pages.get(page)?.copy(out, done, within, within + n);
			done += n;
		}
		return out;
	}

	/** Write `len` bytes of `data` (zeros if null) at `offset`; what it overwrote goes to `undo`. */
	write(offset: number, len: number, data: Buffer | null, undo?: Undo[]): void {
		if (offset + len > this.size) throw new Error(`write of ${len} bytes at ${offset} is past the end (${this.size})`);
		for (let done = 0; done < len; ) {
			const at = offset + done;
			const page = Math.floor(at / PAGE);
			const within = at - page * PAGE;
			const n = Math.min(PAGE - within, len - done);
			const old = this.pages.get(page);
			undo?.push({ page, old: old && Buffer.from(old) });
			const buf = old ?? Buffer.alloc(PAGE);
			if (data) data.copy(buf, within, done, done + n);
			else buf.fill(0, within, within + n);
			if (!old) this.set(page, buf);
			done += n;
		}
	}

	/** Put back what `undo` recorded, newest first. */
	restore(undo: Undo[]): void {
		for (let i = undo.length - 1; i >= 0; i--) {
			const { page, old } = undo[i];
			if (old) this.set(page, old);
			else {
				this.pages.delete(page);
				this.groups.get(Math.floor(page / GROUP_PAGES))?.delete(page);
			}
		}
	}

	/** A copy that later writes to this one do not change. */
	clone(): SparseImage {
		const c = new SparseImage(this.size);
		for (const [p, b] of this.pages) c.set(p, Buffer.from(b));
		return c;
	}

	/** Bytes [start, start + len) as a sparse file at `path` (only the written pages are written). */
	saveRange(path: string, start: number, len: number): void {
		blankImage(path, len);
		const fd = openSync(path, 'r+');
		try {
			for (const [p, b] of this.pages) {
				const at = p * PAGE - start;
				if (at >= 0 && at < len) writeSync(fd, b, 0, PAGE, at);
			}
		} finally {
			closeSync(fd);
		}
	}

	/** Offsets from `start` of the written pages in [start, start + len). */
	writtenIn(start: number, len: number, into: Set<number>): void {
		for (let g = Math.floor(start / PAGE / GROUP_PAGES); g <= Math.floor((start + len - 1) / PAGE / GROUP_PAGES); g++) {
			for (const p of this.groups.get(g) ?? []) {
				const at = p * PAGE;
				if (at >= start && at < start + len) into.add(at - start);
			}
		}
	}

	private set(page: number, buf: Buffer): void {
		this.pages.set(page, buf);
		const g = Math.floor(page / GROUP_PAGES);
		let set = this.groups.get(g);
		if (!set) this.groups.set(g, (set = new Set()));
		set.add(page);
	}
}

/** Where the array keeps what on the base device: from the members' superblocks at the first crash point. */
export interface Geometry {
	level: number;
	members: number;
	/** Bytes of each member (the members lie one after the other on the logged device). */
	memberBytes: number;
	/** Per member, where its data starts, in sectors. */
	dataOffset: number[];
	/** Data sectors per member. */
	dataSize: number;
	/** Bitmap chunk, sectors. */
	chunkSectors: number;
	chunks: number;
	/** raid10: the RAID chunk, sectors. */
	raidChunk: number;
}

/** Byte ranges of the base device that must hold the same bytes (mirrors) or XOR to zero (parity). */
interface Piece {
	start: number;
	len: number;
}

function geometryOf(members: Member[], memberBytes: number): Geometry {
	const m = members[0];
	const g: Geometry = {
		level: m.level,
		members: members.length,
		memberBytes,
		dataOffset: members.map((x) => Number(x.dataOffset)),
		dataSize: Number(m.dataSize),
		chunkSectors: Number(m.bitmap.chunkSectors),
		chunks: m.chunks,
		raidChunk: m.raidChunk,
	};
	if (![1, 4, 5, 10].includes(g.level)) throw new Error(`raid level ${g.level}: the replay knows raid1, raid4/5 and raid10`);
	if (g.level === 10 && m.layout !== 0x102) throw new Error(`raid10 layout ${m.layout.toString(16)}: the replay knows near=2 (0x102)`);
	for (const x of [...g.dataOffset, g.chunkSectors, g.raidChunk]) if (x % 8) throw new Error(`geometry not in 4 KiB units: ${JSON.stringify(g)}`);
	return g;
}

/** The groups of pieces chunk `c` consists of, and whether they are copies or a parity set. */
export function chunkGroups(g: Geometry, c: number): Piece[][] {
	const cs = g.chunkSectors;
	const at = (member: number, sector: number, sectors: number): Piece => ({
		start: member * g.memberBytes + (g.dataOffset[member] + sector) * 512,
		len: sectors * 512,
	});
	if (g.level !== 10) {
		const n = Math.min(cs, g.dataSize - c * cs);
		return [Array.from({ length: g.members }, (_, m) => at(m, c * cs, n))];
	}
	// near=2: array chunk k is at positions 2k and 2k+1 of the devices' rows
	const C = g.raidChunk;
	const arraySectors = Math.floor((g.dataSize * g.members) / 2 / C) * C;
	const out: Piece[][] = [];
	for (let s = c * cs; s < Math.min((c + 1) * cs, arraySectors); ) {
		const k = Math.floor(s / C);
		const within = s - k * C;
		const n = Math.min(C - within, (c + 1) * cs - s);
		out.push(
			[2 * k, 2 * k + 1].map((pos) => at(pos % g.members, Math.floor(pos / g.members) * C + within, n)),
		);
		s += n;
	}
	return out;
}

/** The bitmap chunks a write to base sectors [sector, sector + sectors) lands in (none: metadata). */
export function chunksOf(g: Geometry, sector: number, sectors: number): number[] {
	const out = new Set<number>();
	const memberSectors = g.memberBytes / 512;
	for (let s = sector; s < sector + sectors; ) {
		const m = Math.floor(s / memberSectors);
		const ms = s - m * memberSectors;
		const end = Math.min(sector + sectors, (m + 1) * memberSectors);
		const d0 = ms - g.dataOffset[m];
		const d1 = Math.min(d0 + (end - s), g.dataSize);
		if (m < g.members) {
			for (let d = Math.max(d0, 0); d < d1; ) {
				if (g.level !== 10) {
					out.add(Math.floor(d / g.chunkSectors));
					d = (Math.floor(d / g.chunkSectors) + 1) * g.chunkSectors;
					continue;
				}
				const C = g.raidChunk;
				const row = Math.floor(d / C);
				const within = d - row * C;
				const k = Math.floor((row * g.members + m) / 2);
				const arraySector = k * C + within;
				const n = Math.min(C - within, d1 - d);
				for (let a = arraySector; a < arraySector + n; a = (Math.floor(a / g.chunkSectors) + 1) * g.chunkSectors)
					out.add(Math.floor(a / g.chunkSectors));
				d += n;
			}
		}
		s = end;
	}
	return [...out].filter((c) => c < g.chunks);
}

/** Whether the pieces of chunk `c` agree: copies equal, parity sets XOR to zero. */
function consistent(img: SparseImage, g: Geometry, c: number): boolean {
	for (const group of chunkGroups(g, c)) {
		const offsets = new Set<number>();
		for (const p of group) img.writtenIn(p.start, p.len, offsets);
		for (const off of offsets) {
			const n = Math.min(PAGE, group[0].len - off);
			const bufs = group.map((p) => img.read(p.start + off, n));
			if (g.level === 1 || g.level === 10) {
				if (!bufs.every((b) => b.equals(bufs[0]))) return false;
			} else {
				const x = Buffer.from(bufs[0]);
				for (const b of bufs.slice(1)) for (let i = 0; i < n; i++) x[i] ^= b[i];
				if (x.some((v) => v !== 0)) return false;
			}
		}
	}
	return true;
}

export interface Violation {
	/** The crash point: after this log entry. */
	entry: number;
	/** Which of the writes since the last flush this state has. */
	state: string;
	chunk: number;
	/** Per member md would load the bitmap from: its state of the chunk. */
	states: string[];
	/** Every member's superblock events, and its bitmap's. */
	members: string[];
	/** The unflushed writes the state left out (readable, the first few). */
	leftOut: string[];
}

export interface ReplayOptions {
	/** Base device = `members` slices of `memberSectors`. */
	members: number;
	memberSectors: number;
	seed: number;
	/** Random subsets per crash point, besides all and none of the unflushed writes. */
	subsets: number;
	/** Check every `stride`-th crash point. */
	stride: number;
	/** Stop at this many violations. */
	maxViolations?: number;
}

export interface ReplayResult {
	level: number;
	chunks: number;
	/** Bitmap chunk, sectors. */
	chunkSectors: number;
	pages: number;
	/** Writes and discards logged after the start mark. */
	writes: number;
	/** Flushes after the start mark. */
	flushes: number;
	/** Crash points checked. */
	points: number;
	/** Crash states checked. */
	states: number;
	/** The most chunks with differing copies in one state. */
	mostInconsistent: number;
	/** That state: its pages, and the chunks that differ in it (to assemble in a guest). */
	worst?: { entry: number; state: string; chunks: number[]; image: SparseImage };
	violations: Violation[];
	seconds: number;
}

/**
 * Replay `entries` from the mark `kts-start` (creation before it is
 * applied whole) to every crash point, and check the invariant in each
 * crash state.
 */
export function replayLog(entries: LogEntry[], opts: ReplayOptions): ReplayResult {
	const t0 = Date.now();
	const random = rng(opts.seed);
	const memberBytes = opts.memberSectors * 512;
	const img = new SparseImage(opts.members * memberBytes);
	const start = entries.findIndex((e) => e.mark === 'kts-start');
	if (start < 0) throw new Error('the log has no kts-start mark: the recording did not get past creating the array');
	const apply = (e: LogEntry, undo?: Undo[]) =>
		img.write(Number(e.sector) * 512, e.sectors * 512, e.flags & LOG_DISCARD_FLAG ? null : e.data, undo);
	for (const e of entries.slice(0, start)) if (e.sectors) apply(e);

	const source = (m: number): Source => ({ size: BigInt(memberBytes), read: (off, len) => img.read(m * memberBytes + Number(off), len) });
	const readAll = (): (Member | null)[] =>
		Array.from({ length: opts.members }, (_, m) => {
			try {
				return readMemberFrom(source(m), `m${m}`);
			} catch {
				return null;
			}
		});
	const first = readAll();
	if (first.some((m) => !m)) throw new Error('at kts-start a member has no md superblock or no lockless bitmap');
	const g = geometryOf(first as Member[], memberBytes);
	// the chunks each entry lands in, worked out once: every state checked
	// at a crash point looks them up again
	const entryChunks = new Map<LogEntry, number[]>();
	const chunksOfEntry = (e: LogEntry): number[] => {
		let c = entryChunks.get(e);
		if (!c) entryChunks.set(e, (c = e.sectors ? chunksOf(g, Number(e.sector), e.sectors) : []));
		return c;
	};
	const describe = (e: LogEntry): string => {
		const m = Math.floor(Number(e.sector) / opts.memberSectors);
		const ms = Number(e.sector) - m * opts.memberSectors;
		const chunks = chunksOfEntry(e);
		const what = chunks.length ? `data of chunk ${chunks.join(',')}` : ms < g.dataOffset[m] ? 'metadata (superblock or bitmap)' : 'data';
		return `#${e.index} m${m} sector ${ms}+${e.sectors} ${flagNames(e.flags)}: ${what}`;
	};

	// chunks whose copies differ in what is durable
	const inconsistent = new Set<number>();
	const recheck = (chunks: Iterable<number>) => {
		for (const c of chunks) {
			if (consistent(img, g, c)) inconsistent.delete(c);
			else inconsistent.add(c);
		}
	};
	recheck(new Set(entries.slice(0, start).flatMap((e) => chunksOf(g, Number(e.sector), e.sectors))));
	if (inconsistent.size) throw new Error(`at kts-start chunks ${[...inconsistent].slice(0, 10).join(',')} differ: the array was not created clean`);

	const lastWrite = new Map<number, number>();
	const lastDiscard = new Map<number, number>();
	const result: ReplayResult = {
		level: g.level,
		chunks: g.chunks,
		chunkSectors: g.chunkSectors,
		pages: Math.ceil((g.chunks + 1024) / PAGE),
		writes: 0,
		flushes: 0,
		points: 0,
		states: 0,
		mostInconsistent: 0,
		violations: [],
		seconds: 0,
	};

	/** Check the state that has the window's writes `keep` says, on top of what is durable. */
	const check = (at: number, window: LogEntry[], keep: (e: LogEntry) => boolean, state: string) => {
		const undo: Undo[] = [];
		const touched = new Set(inconsistent);
		const leftOut: LogEntry[] = [];
		for (const e of window) {
			if (!keep(e)) {
				leftOut.push(e);
				continue;
			}
			apply(e, undo);
			for (const c of chunksOfEntry(e)) touched.add(c);
		}
		result.states++;
		const members = readAll();
		const events = members.map((m) => m?.events ?? -1n);
		const newest = events.reduce((a, b) => (b > a ? b : a), -1n);
		// md trusts the newest superblocks; it reads the bitmap from an
		// in-sync member (in a slot, not being recovered: not a spare that
		// a re-add has not yet given a slot), and takes a bitmap older than
		// the array as stale (every chunk to be synced)
		const trusted = members.filter(
			(m): m is Member => !!m && m.events === newest && m.role < 0xff00 && !m.recovering && m.bitmap.events >= newest,
		);
		const differing: number[] = [];
		for (const c of touched) {
			if (consistent(img, g, c)) continue;
			differing.push(c);
			const states = trusted.map((m) => m.states[c]);
			const discarded = (lastDiscard.get(c) ?? -1) > (lastWrite.get(c) ?? -1);
			if (states.some((s) => s === 1 || (s === 0 && !discarded))) {
				if (result.violations.length < (opts.maxViolations ?? 20))
					result.violations.push({
						entry: at,
						state,
						chunk: c,
						states: trusted.map((m) => `${m.path}: ${STATE_NAMES[m.states[c]] ?? 'need sync'} (events ${m.events}, bitmap's ${m.bitmap.events})`),
						members: members.map((m, i) =>
							m ? `m${i}: events ${m.events}, ${m.role >= 0xff00 ? 'spare or faulty' : m.recovering ? 'recovering' : 'in sync'}, bitmap events ${m.bitmap.events}` : `m${i}: unreadable`,
						),
						leftOut: leftOut.slice(0, 8).map(describe),
					});
			}
		}
		if (differing.length > result.mostInconsistent) {
			result.mostInconsistent = differing.length;
			result.worst = { entry: at, state, chunks: differing.sort((a, b) => a - b), image: img.clone() };
		}
		img.restore(undo);
	};

	let window: LogEntry[] = [];
	let point = 0;
	for (const e of entries.slice(start + 1)) {
		if (e.mark) continue;
		if (e.flags & LOG_FLUSH_FLAG) {
			// what completed before the flush was sent is on the medium now
			const touched = new Set<number>();
			for (const w of window) {
				apply(w);
				for (const c of chunksOfEntry(w)) touched.add(c);
			}
			recheck(touched);
			window = [];
			result.flushes++;
			if (!e.sectors) continue;
		}
		window.push(e);
		result.writes++;
		for (const c of chunksOfEntry(e)) (e.flags & LOG_DISCARD_FLAG ? lastDiscard : lastWrite).set(c, e.index);
		if (point++ % opts.stride) continue;
		result.points++;
		const unflushed = window.filter((w) => !(w.flags & LOG_FUA_FLAG));
		check(e.index, window, () => true, 'all writes since the last flush');
		if (unflushed.length) check(e.index, window, (w) => !!(w.flags & LOG_FUA_FLAG), 'only the FUA writes since the last flush');
		for (let i = 0; i < opts.subsets && unflushed.length > 1; i++) {
			const p = [0.25, 0.5, 0.75][i % 3];
			const chosen = new Set(unflushed.filter(() => random() < p));
			check(e.index, window, (w) => !!(w.flags & LOG_FUA_FLAG) || chosen.has(w), `${chosen.size} of the ${unflushed.length} unflushed writes since the last flush`);
		}
		if (result.violations.length >= (opts.maxViolations ?? 20)) break;
	}
	result.seconds = (Date.now() - t0) / 1000;
	return result;
}

/** A violation as the test prints it. */
export function showViolation(v: Violation): string {
	return [
		`crash after log entry #${v.entry}, with ${v.state}: chunk ${v.chunk}'s copies differ, and the bitmap md would load says`,
		...v.states.map((s) => `    ${s}`),
		`  members: ${v.members.join('; ')}`,
		...(v.leftOut.length ? ['  left out of this state:', ...v.leftOut.map((s) => `    ${s}`)] : []),
	].join('\n');
}
