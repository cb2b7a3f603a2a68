// The on-disk bitmap shared with mainline's llbitmap (drivers/md/md-llbitmap.c,
// 6.18+) and mdadm 4.6: users move arrays between kernels, both ways, and
// a chunk that needs a resync must need it on the other side too.
//
// Mainline's superblock is the classic one (BITMAP_MAGIC, version 6) with
// the chunk size in sectors; this bitmap wrote bytes until it learnt that.
// Read as sectors, a byte count makes every chunk 512 times larger and the
// state bytes describe the wrong parts of the array: writes that need a
// resync go unresynced. mdadm --bitmap=lockless writes a version 6
// superblock with BITMAP_FIRST_USE: the kernel makes the bitmap.
import { expect, test } from 'vitest';
import { llbitmap_chunkshift, llbitmap_untagged_chunk } from '../../kmod-src/md-llbitmap/geometry.js';
import { SimDisk } from './disk.js';
import { BITMAP_MAGIC } from './kernel/md-bitmap.js';
import { MaxSector } from './kernel/md.js';
import { BITMAP_OFFSET, DATA_OFFSET, mdadmBitmapSb, SB_START, SimArray, stateName } from './md.js';
import { reset, settle } from './sched.js';

const S = { Unwritten: 0, Clean: 1, Dirty: 2, NeedSync: 3, Syncing: 4 };
/** Mainline's states past ours (2026): NeedSyncUnwritten, SyncingUnwritten, CleanUnwritten. */
const MAINLINE_ONLY = [5, 6, 7];
const AREA = SB_START + BITMAP_OFFSET;
/** The tag this bitmap writes with a chunk size in sectors (sb.ts). */
const TAG_AT = 136 + 119;
const TAG = 0x53;
/** The superblock's state bits mdadm 4.6 writes for --bitmap=lockless. */
const BITMAP_FIRST_USE = 1 << 3;
const BITMAP_CLEAN = 1 << 4;

/** A member's durable bitmap area, as a buffer of `sectors` sectors. */
function area(d: SimDisk, sectors: bigint): Buffer {
	const parts: Uint8Array[] = [];
	for (let s = 0n; s < sectors; s++) parts.push(d.durableSector(AREA + s));
	return Buffer.concat(parts);
}

function putArea(d: SimDisk, b: Buffer): void {
	for (let s = 0; s * 512 < b.length; s++) {
		d.cache.delete(AREA + BigInt(s));
		d.durable.set(AREA + BigInt(s), new Uint8Array(b.subarray(s * 512, s * 512 + 512)));
	}
}

/**
 * What mainline's llbitmap_read_sb() makes of a member's bitmap (its
 * checks, in its order), and its llbitmap_read() of a chunk's state. Its
 * geometry: chunks = DIV_ROUND_UP(sync_size, chunksize), chunksize in
 * sectors.
 */
function mainlineRead(d: SimDisk, uuid: Buffer, arraySectors: bigint): { chunksize: bigint; chunks: number; state(c: number): number } {
	const sb = area(d, 2n);
	if (sb.readUInt32LE(0) !== BITMAP_MAGIC) throw new Error('mainline: invalid super block magic number');
	if (sb.readUInt32LE(4) !== 6) throw new Error('mainline: invalid super block version');
	if (!sb.subarray(8, 24).equals(uuid)) throw new Error('mainline: bitmap superblock UUID mismatch');
	const space = BigInt(sb.readUInt32LE(64));
	let syncSize = sb.readBigUInt64LE(40);
	if (!syncSize) syncSize = arraySectors;
	if (syncSize > arraySectors) throw new Error('mainline: sync_size exceeds array sync size');
	const chunksize = BigInt(sb.readUInt32LE(52));
	if (!chunksize || chunksize & (chunksize - 1n)) throw new Error('mainline: chunksize not a power of 2');
	if (chunksize < (syncSize + (space << 9n) - 1n) / (space << 9n)) throw new Error('mainline: chunksize too small');
	const daemonSleep = sb.readUInt32LE(56);
	if (daemonSleep < 1) throw new Error('mainline: daemon sleep period out of range');
	const chunks = Number((syncSize + chunksize - 1n) / chunksize);
	const whole = area(d, space);
	return { chunksize, chunks, state: (c) => whole[1024 + c] };
}

test('mainline reads the bitmap this one writes: every chunk written since the last clean pass is Dirty there', () => {
	reset();
	const a = SimArray.fresh();
	const cs = a.chunkSectors;
	// not chunk 0: a chunk size read 512 times too large puts them all there
	const written = [5, 17, 30, a.chunks - 1];
	for (const c of written) a.write(BigInt(c) * cs + 3n, 8);
	settle();
	const uuid = Buffer.alloc(16, 7);
	for (const [i, d] of a.disks.entries()) {
		const m = mainlineRead(d, uuid, a.mddev.resync_max_sectors);
		for (const c of written) {
			const mc = Number((BigInt(c) * cs + 3n) / m.chunksize);
			expect(stateName(m.state(mc)), `member ${i}: the write to chunk ${c}, in mainline's chunk ${mc}`).toBe('Dirty');
		}
		expect(m.chunksize, `member ${i}: chunk size in sectors`).toBe(cs);
		expect(m.chunks).toBe(a.chunks);
	}
	a.stop();
});

/**
 * Members whose bitmap mainline left behind: the array as this bitmap
 * created it, then the bitmap area rewritten the way mainline writes it -
 * chunk size in sectors, no tag, `states` per chunk.
 */
function mainlineMembers(
	states: Map<number, number>,
	fill = S.Clean,
): { a: { chunkSectors: bigint; chunks: number }; disks: SimDisk[]; events: bigint } {
	reset();
	const a = SimArray.fresh();
	const events = a.mddev.events;
	const space = BigInt(Buffer.from(a.disks[0].durableSector(AREA)).readUInt32LE(64));
	const geometry = { chunkSectors: a.chunkSectors, chunks: a.chunks };
	a.stop();
	for (const d of a.disks) {
		const b = area(d, space);
		b.writeUInt32LE(Number(geometry.chunkSectors), 52);
		b.writeUInt32LE(0, 48);
		b[TAG_AT] = 0;
		for (let c = 0; c < geometry.chunks; c++) b[1024 + c] = states.get(c) ?? fill;
		putArea(d, b);
	}
	return { a: geometry, disks: a.disks, events };
}

function assemble(disks: SimDisk[], events: bigint, opts: { llbitmap?: boolean } = {}): SimArray {
	reset();
	const b = new SimArray(disks, { llbitmap: opts.llbitmap ?? false }, false);
	b.mddev.events = events;
	b.mddev.pers = {} as never;
	b.mddev.resync_offset = MaxSector;
	b.start();
	return b;
}

test('a bitmap mainline wrote is assembled with its chunk size and states: what needs a resync gets one', () => {
	const states = new Map([
		[3, S.Dirty],
		[9, S.Syncing],
		[10, S.NeedSync],
		[20, S.Unwritten],
		...MAINLINE_ONLY.map((s, i) => [30 + i, s] as [number, number]),
	]);
	const { a, disks, events } = mainlineMembers(states);
	// md_mod.llbitmap=0: a lockless superblock is the lockless bitmap's whatever the parameter says
	const b = assemble(disks, events);
	expect(b.chunkSectors).toBe(a.chunkSectors);
	expect(b.chunks).toBe(a.chunks);
	for (let c = 0; c < b.chunks; c++) {
		const want = c === 20 ? S.Unwritten : states.has(c) ? S.NeedSync : S.Clean;
		expect(stateName(b.state(c)), `chunk ${c} (mainline: ${states.get(c) ?? S.Clean})`).toBe(stateName(want));
	}
	const resynced = b.resync();
	expect(resynced).toEqual([3, 9, 10, 30, 31, 32]);
	// and from now on tagged, in sectors
	b.ops.update_sb(b.mddev.bitmap);
	settle();
	const sb = Buffer.from(disks[0].durableSector(AREA));
	expect(sb.readUInt32LE(52)).toBe(Number(a.chunkSectors));
	expect(sb[TAG_AT]).toBe(TAG);
	b.stop();
});

test('metadata 1.0 (superblock at the end, the bitmap before it): bytes, untagged - mdadm --add copies the bitmap sized by the chunk read as bytes, and in sectors it would run past the end', () => {
	reset();
	const sectors = DATA_OFFSET + 48n * 128n;
	const disks = [new SimDisk('d0', sectors), new SimDisk('d1', sectors)];
	for (const d of disks) mdadmBitmapSb(d, sectors - DATA_OFFSET);
	const a = new SimArray(disks, {}, false);
	a.mddev.minor_version = 0;
	a.mddev.events = 0n;
	a.start();
	a.mddev.events = 1n;
	a.ops.update_sb(a.mddev.bitmap);
	settle();
	const sb = Buffer.from(disks[0].durableSector(AREA));
	expect(sb.readUInt32LE(52)).toBe(Number(a.chunkSectors * 512n));
	expect(sb[TAG_AT]).toBe(0);
	a.write(7n * a.chunkSectors, 8);
	settle();
	const events = a.mddev.events;
	const b = assemble(a.crash(() => true), events);
	expect(b.chunkSectors).toBe(a.chunkSectors);
	expect(stateName(b.state(7))).toBe('NeedSync');
	b.stop();
});

test('a bitmap this module wrote before it recorded sectors (bytes, no tag) keeps its chunk size and its states', () => {
	reset();
	const a = SimArray.fresh();
	const cs = a.chunkSectors;
	a.write(7n * cs, 8);
	a.write(40n * cs, 8);
	settle();
	const events = a.mddev.events;
	// the machine stops here; the superblock as the old module wrote it
	const disks = a.crash(() => true);
	for (const d of disks) {
		const b = area(d, 2n);
		b.writeUInt32LE(Number(cs * 512n), 52);
		b[TAG_AT] = 0;
		putArea(d, b);
	}
	const b = assemble(disks, events);
	expect(b.chunkSectors).toBe(cs);
	expect([b.state(7), b.state(40), b.state(8)].map(stateName)).toEqual(['NeedSync', 'NeedSync', stateName(a.state(8))]);
	b.stop();
});

test('mdadm 4.6 --bitmap=lockless: BITMAP_FIRST_USE makes a new bitmap, whatever md_mod.llbitmap says', () => {
	for (const clean of [false, true]) {
		reset();
		const sectors = DATA_OFFSET + 48n * 128n;
		const disks = [new SimDisk('d0', sectors), new SimDisk('d1', sectors)];
		for (const d of disks) {
			// mdadm's add_internal_bitmap1() for BITMAP_MAJOR_LOCKLESS: its own chunk guess in
			// bytes, 128 KiB reserved, FIRST_USE (+ CLEAN for --assume-clean); then write_bitmap1()'s bits
			const b = Buffer.alloc(8 * 512, 0xff);
			b.fill(0, 0, 256);
			b.writeUInt32LE(BITMAP_MAGIC, 0);
			b.writeUInt32LE(6, 4);
			b.fill(7, 8, 24);
			b.writeBigUInt64LE(sectors - DATA_OFFSET, 40);
			b.writeUInt32LE(BITMAP_FIRST_USE | (clean ? BITMAP_CLEAN : 0), 48);
			b.writeUInt32LE(4 << 20, 52);
			b.writeUInt32LE(5, 56);
			b.writeUInt32LE(8, 64);
			putArea(d, b);
		}
		const a = new SimArray(disks, { llbitmap: false }, clean);
		a.mddev.events = 0n;
		a.start();
		expect(a.chunkSectors, "ours, not mdadm's guess").toBe(128n);
		for (let c = 0; c < a.chunks; c++) expect(stateName(a.state(c))).toBe(clean ? 'Clean' : 'Unwritten');
		a.mddev.events = 1n;
		a.ops.update_sb(a.mddev.bitmap);
		settle();
		const sb = Buffer.from(disks[0].durableSector(AREA));
		expect(sb.readUInt32LE(48) & BITMAP_FIRST_USE, 'FIRST_USE cleared once made').toBe(0);
		a.write(9n * 128n, 8);
		settle();
		// the machine stops; assembled again: the bitmap it made, not a new one
		const b = assemble(a.crash(() => true), 1n);
		expect(stateName(b.state(9))).toBe('NeedSync');
		expect(stateName(b.state(10))).toBe(clean ? 'Clean' : 'Unwritten');
		b.stop();
	}
});

/** Mainline's llbitmap_init(): from 64 KiB, doubled until the chunks fit in the space's bytes. */
function mainlineChunk(sectors: bigint, space: bigint): bigint {
	let c = 128n;
	while ((sectors + c - 1n) / c > space << 9n) c <<= 1n;
	return c;
}

test('an untagged chunk size is bytes only where the old module could have written it: every mainline geometry reads as sectors, every old one as bytes', () => {
	let mainline = 0;
	let old = 0;
	for (const space of [8n, 128n, 256n]) {
		const room = (space << 9n) - 1024n;
		// array sizes from 1 MiB to 64 TiB, 7 per power of two
		for (let p = 11n; p <= 47n; p++) {
			for (const f of [1n, 3n, 5n, 7n, 9n, 11n, 13n]) {
				const sectors = (f << p) / 8n;
				const m = mainlineChunk(sectors, space);
				// mainline's chunk where this bitmap's room (1 KiB less: the superblock) holds its chunks too
				if ((sectors + m - 1n) / m <= room && m < 1n << 32n) {
					expect(llbitmap_untagged_chunk(Number(m), sectors, room), `mainline ${m} for ${sectors}/${space}`).toBe(m);
					mainline++;
				}
				// the old module: max(asked or 64 KiB, what fits), recorded in bytes
				for (let asked = 8n; asked <= 65536n; asked <<= 1n) {
					const c = 1n << llbitmap_chunkshift(sectors, asked, room);
					if (c * 512n >= 1n << 32n) continue;
					expect(llbitmap_untagged_chunk(Number(c * 512n), sectors, room), `old ${c} for ${sectors}/${space}`).toBe(c);
					old++;
				}
			}
		}
	}
	expect(mainline).toBeGreaterThan(500);
	expect(old).toBeGreaterThan(5000);
});
