// A raid1 array for the simulation, driving the bitmap's TypeScript
// (kmod-src/md-llbitmap, kmod-src/md_meta.ts) the way md does: each write
// goes startwrite -> unplug -> data to every member -> endwrite; resync and
// recovery ask start_sync chunk by chunk; members fail and come back; the
// machine crashes and the array is assembled again.
//
// It also checks the write-intent invariant at the moment every data write
// is issued: the chunk's byte is durable, not Clean/Unwritten, on every
// member that may receive the write.
import { md_alloc_meta_file, md_free_meta_file } from '../../kmod-src/md_meta.js';
import { md_llbitmap_set_ops } from '../../kmod-src/md-llbitmap/ops.js';
import { llbitmap_state } from '../../kmod-src/md-llbitmap/state.js';
import { SimDisk } from './disk.js';
import { blockUntil, spawn } from './sched.js';
import { bio, REQ_OP_WRITE } from './kernel/blkdev.js';
import { Bits, clear_bit, set_bit, test_bit } from './kernel/bitops.js';
import { type page, PAGE_SHIFT } from './kernel/mm.js';
import { Faulty, In_sync, MaxSector, md_kick_rdev_from_array, md_rdev, mddev } from './kernel/md.js';
import { BITMAP_MAGIC } from './kernel/md-bitmap.js';
import { params } from './kernel/module.js';
import { Box } from './kernel/types.js';
import { link } from './kernel/struct.js';

export const SB_START = 8n;
export const BITMAP_OFFSET = 8n;
export const DATA_OFFSET = 64n;
/** Byte of chunk c's state in the bitmap area, from the member's start. */
export const stateOffset = (chunk: number) => (SB_START + BITMAP_OFFSET) * 512n + 1024n + BigInt(chunk);

export class InvariantViolation extends Error {}

/** mdadm's default bitmap chunk, in bytes. */
export const MDADM_CHUNK = 64 << 20;

/**
 * What mdadm writes where a bitmap it adds goes (--create, --grow
 * --bitmap=internal): the classic bitmap's superblock, version 4, events
 * and events_cleared 0, then every bit set, over the first 4 KiB.
 */
export function mdadmBitmapSb(d: SimDisk, syncSize: bigint, chunkBytes = MDADM_CHUNK, delay = 5): void {
	const area = SB_START + BITMAP_OFFSET;
	for (let s = 0n; s < 8n; s++) {
		const b = new Uint8Array(512).fill(0xff);
		if (s === 0n) {
			b.fill(0, 0, 256);
			const v = new DataView(b.buffer);
			v.setUint32(0, BITMAP_MAGIC, true);
			v.setUint32(4, 4, true);
			b.fill(7, 8, 24); // the array's uuid
			v.setBigUint64(40, syncSize, true);
			v.setUint32(52, chunkBytes, true);
			v.setUint32(56, delay, true);
		}
		d.cache.delete(area + s);
		d.durable.set(area + s, b);
	}
}

export interface Ops {
	create(m: mddev, slot: number): number;
	load(m: mddev): number;
	destroy(m: mddev): void;
	flush(m: mddev): void;
	unplug(m: mddev, sync: boolean): void;
	startwrite(m: mddev, offset: bigint, sectors: bigint): number;
	endwrite(m: mddev, offset: bigint, sectors: bigint): void;
	start_sync(m: mddev, offset: bigint, blocks: Box<bigint>, degraded: boolean): boolean;
	end_sync(m: mddev, offset: bigint, blocks: Box<bigint>): void;
	close_sync(m: mddev): void;
	skip_sync_blocks(m: mddev, offset: bigint): bigint;
	blocks_synced(m: mddev, offset: bigint): boolean;
	start_discard(m: mddev, offset: bigint, sectors: bigint): void;
	end_discard(m: mddev, offset: bigint, sectors: bigint): void;
	cond_end_sync(m: mddev, sector: bigint, force: boolean): void;
	start_behind_write(m: mddev): void;
	end_behind_write(m: mddev): void;
	wait_behind_writes(m: mddev): void;
	resize(m: mddev, blocks: bigint, chunksize: number, init: boolean): number;
	write_all(m: mddev): void;
	update_sb(data: unknown): void;
}

export interface ArrayOptions {
	/** Per member, in sectors (data area = sectors - dataOffset). */
	sectors?: bigint;
	/** Where the data starts on each member (DATA_OFFSET unless given). */
	dataOffset?: bigint;
	members?: number;
	/** md's bitmap_info.space, in sectors (0: md does not know it). */
	space?: bigint;
	/** Break the bitmap the way the seed did (startwrite does nothing). */
	brokenStartwrite?: boolean;
	/** md_mod.llbitmap (default: set). */
	llbitmap?: boolean;
	/**
	 * raid1 --write-behind with this member write-mostly: a write ends
	 * (endwrite) when the other members have it; this one's copy is a
	 * behind write, counted with start/end_behind_write.
	 */
	writeBehind?: number;
	/** Broken md: behind writes are not reported to the bitmap. */
	brokenBehindCount?: boolean;
}

/** Fake page for member data bios: one sector of a generation number. */
function dataPage(gen: number, sectors: number): page {
	const p = { data: new Uint8Array(sectors * 512).fill(gen & 0xff) } as unknown as page;
	return p;
}

export class SimArray {
	readonly mddev: mddev;
	readonly rdevs: md_rdev[] = [];
	readonly ops: Ops;
	/** Data writes issued and not yet ended. */
	inflight = 0;
	/** Data writes issued to members. */
	writesIssued = 0;
	gen = 1;
	/** Where the data starts on each member, in sectors. */
	readonly dataOffset: bigint;

	constructor(
		readonly disks: SimDisk[],
		readonly opts: ArrayOptions = {},
		fresh = true,
		/**
		 * Array sectors discarded and not written or synced since: each
		 * member returns what it likes there, so they may differ - as on
		 * real disks, with any bitmap.
		 */
		readonly discarded = new Set<bigint>(),
	) {
		params.get('llbitmap')!.set(opts.llbitmap ?? true);
		this.dataOffset = opts.dataOffset ?? DATA_OFFSET;
		const m = link(new mddev());
		m.level = 1;
		m.dev_sectors = disks[0].sectors - this.dataOffset;
		m.resync_max_sectors = m.dev_sectors;
		m.resync_offset = fresh ? MaxSector : 0n;
		m.bitmap_info.offset = BITMAP_OFFSET;
		m.bitmap_info.space = opts.space ?? 0n;
		m.uuid.fill(7);
		m.gendisk = { part0: { bd_disk: { queue: { limits: { logical_block_size: 512 } } } } } as never;
		for (const [i, d] of disks.entries()) {
			const r = link(new md_rdev());
			r.mddev = m;
			r.bdev = d.bdev;
			r.raid_disk = i;
			r.sb_start = SB_START;
			r.data_offset = this.dataOffset;
			r.new_data_offset = this.dataOffset;
			set_bit(In_sync, r.flags);
			this.rdevs.push(r);
		}
		m.disks = [...this.rdevs];
		m.onError = (rdev) => this.fail(this.rdevs.indexOf(rdev));
		this.mddev = m;
		// md_bitmap_create() (glue) lets the lockless bitmap try first
		md_llbitmap_set_ops(m as never);
		this.ops = m.bitmap_ops as Ops;
	}

	/**
	 * mdadm --create --bitmap=internal (without --assume-clean): mdadm
	 * writes its bitmap superblock to the members and md's superblocks
	 * with events 0; md runs the array (the bitmap is created, then md
	 * writes the superblocks with events 1) and resyncs it.
	 */
	static fresh(opts: ArrayOptions = {}): SimArray {
		const n = opts.members ?? 2;
		const dataOffset = opts.dataOffset ?? DATA_OFFSET;
		const sectors = opts.sectors ?? dataOffset + 48n * 128n;
		const disks = Array.from({ length: n }, (_, i) => new SimDisk(`d${i}`, sectors));
		for (const d of disks) mdadmBitmapSb(d, sectors - dataOffset);
		const a = new SimArray(disks, opts, false);
		a.mddev.events = 0n;
		a.start();
		a.mddev.events = 1n;
		a.ops.update_sb(a.mddev.bitmap);
		a.resync();
		return a;
	}

	/** What md_alloc() and md_run() do: the meta disk, then create and load. */
	start(): void {
		const ret = this.tryStart();
		if (ret) throw new Error(`bitmap create: ${ret}`);
	}

	/**
	 * start(), returning create's error instead of throwing: -EMEDIUMTYPE
	 * when the members hold a bitmap md_bitmap_create() gives the classic
	 * bitmap (the meta disk is freed again then).
	 */
	tryStart(): number {
		// The simulated mddev stands for the declaration layer's (kmod-src/kernel/md.d.ts).
		let ret = md_alloc_meta_file(this.mddev as never);
		if (ret) throw new Error(`md_alloc_meta_file: ${ret}`);
		ret = this.ops.create(this.mddev, -1);
		if (ret) {
			md_free_meta_file(this.mddev as never);
			return ret;
		}
		ret = this.ops.load(this.mddev);
		if (ret) throw new Error(`bitmap load: ${ret}`);
		return 0;
	}

	stop(): void {
		this.ops.flush(this.mddev);
		this.ops.destroy(this.mddev);
		md_free_meta_file(this.mddev as never);
	}

	get bitmap(): { chunks: number; chunkshift: bigint; chunksize: bigint; pctl: ({ state: Uint8Array } | null)[] } {
		return this.mddev.bitmap as never;
	}

	get chunkSectors(): bigint {
		return this.bitmap.chunksize;
	}

	get chunks(): number {
		return this.bitmap.chunks;
	}

	/** The in-memory state of a chunk. */
	state(chunk: number): number {
		const pos = chunk + 1024;
		return this.bitmap.pctl[pos >> PAGE_SHIFT]!.state[pos & ((1 << PAGE_SHIFT) - 1)];
	}

	/** The durable state byte of a chunk on member i. */
	diskState(i: number, chunk: number, durable = true): number {
		return this.disks[i].byte(stateOffset(chunk), durable);
	}

	writable(i: number): boolean {
		const r = this.rdevs[i];
		return r.raid_disk >= 0 && !test_bit(Faulty, r.flags);
	}

	inSync(i: number): boolean {
		return this.writable(i) && test_bit(In_sync, this.rdevs[i].flags);
	}

	/**
	 * A write of `sectors` at `offset` (array sectors), as md does it. The
	 * data writes complete later (scheduler tasks); endwrite runs then.
	 */
	write(offset: bigint, sectors: number, sync = true): void {
		const m = this.mddev;
		if (!this.opts.brokenStartwrite) this.ops.startwrite(m, offset, BigInt(sectors));
		this.ops.unplug(m, sync);
		this.issueStarted(offset, sectors);
	}

	/** The second half of a write: the data to the members, endwrite when done. */
	issueStarted(offset: bigint, sectors: number): void {
		this.issue(offset, sectors, false);
	}

	/**
	 * A discard as md does it: start_discard, the plug's unplug (raid1 and
	 * raid10 queue discards with the writes), then to every member; what a
	 * member returns from a discarded range is its own business (each gets
	 * different data here), end_discard when done.
	 */
	discard(offset: bigint, sectors: number): void {
		this.ops.start_discard(this.mddev, offset, BigInt(sectors));
		this.ops.unplug(this.mddev, false);
		this.issue(offset, sectors, true);
	}

	private issue(offset: bigint, sectors: number, discard: boolean): void {
		const m = this.mddev;
		const gen = this.gen;
		this.gen += discard ? this.disks.length : 1;
		const targets = this.disks.map((_, i) => i).filter((i) => this.writable(i));
		this.checkWriteIntent(offset, sectors, targets, discard);
		const behind = !discard && this.opts.writeBehind !== undefined && targets.includes(this.opts.writeBehind) && targets.length > 1 ? this.opts.writeBehind : -1;
		let pending = targets.length - (behind >= 0 ? 1 : 0);
		this.inflight++;
		const done = () => {
			if (--pending > 0) return;
			if (discard) this.ops.end_discard(m, offset, BigInt(sectors));
			else this.ops.endwrite(m, offset, BigInt(sectors));
			// md_end_clone_io(): the bitmap hears of the end before the
			// write stops holding the array (active_io)
			this.inflight--;
		};
		if (behind >= 0 && !this.opts.brokenBehindCount) this.ops.start_behind_write(m);
		const behindDone = () => {
			if (!this.opts.brokenBehindCount) this.ops.end_behind_write(m);
		};
		if (!pending) {
			pending = 1;
			done();
			return;
		}
		for (const i of targets) {
			const b = new bio();
			b.bi_bdev = this.disks[i].bdev;
			b.bi_opf = REQ_OP_WRITE;
			b.bi_iter.bi_sector = this.dataOffset + offset;
			b.bi_iter.bi_size = sectors * 512;
			b.vecs = [{ page: dataPage(discard ? gen + i : gen, sectors), len: sectors * 512, off: 0 }];
			// raid1_end_write_request(): a failed write fails the member (md_error)
			b.bi_end_io = (bb: bio) => {
				if (bb.bi_status) this.fail(i);
				if (i === behind) behindDone();
				else done();
			};
			this.writesIssued++;
			this.disks[i].submit(b);
		}
	}

	/**
	 * The write-intent invariant, checked as the data goes out: a chunk
	 * written is neither Clean nor Unwritten on disk; a chunk discarded
	 * whole may be Unwritten (its data no longer matters), not Clean. A
	 * discard on a degraded array counts as a write: the missing member
	 * keeps the old data, and a re-add must bring it in line.
	 */
	private checkWriteIntent(offset: bigint, sectors: number, targets: number[], discard = false): void {
		if (!sectors) return;
		const cs = this.chunkSectors;
		const end = offset + BigInt(sectors);
		const first = Number(offset >> this.bitmap.chunkshift);
		const last = Number((end - 1n) >> this.bitmap.chunkshift);
		const healthy = discard && targets.length === this.disks.length;
		for (let s = offset; s < end; s++)
			if (healthy) this.discarded.add(s);
			else this.discarded.delete(s);
		for (let c = first; c <= last && c < this.chunks; c++) {
			const whole = healthy && BigInt(c) * cs >= offset && (BigInt(c + 1) * cs <= end || end >= this.mddev.resync_max_sectors);
			for (const i of targets) {
				const s = this.diskState(i, c);
				if (s === llbitmap_state.BitClean || (s === llbitmap_state.BitUnwritten && !whole))
					throw new InvariantViolation(
						`${discard ? 'discard' : 'data write'} to chunk ${c} issued to d${i} while its bitmap byte on disk is ${stateName(s)}`,
					);
			}
		}
	}

	fail(i: number): void {
		if (i < 0 || test_bit(Faulty, this.rdevs[i].flags)) return;
		set_bit(Faulty, this.rdevs[i].flags);
		clear_bit(In_sync, this.rdevs[i].flags);
		this.mddev.degraded++;
	}

	/**
	 * mdadm --remove of a failed member: md takes it out of the array once
	 * no IO holds it (remove_and_add_spares(): nr_pending 0; md's thread
	 * retries until then), then unlinks and frees it.
	 */
	remove(i: number): void {
		const r = this.rdevs[i];
		if (!test_bit(Faulty, r.flags)) throw new Error(`remove: d${i} has not failed`);
		blockUntil(`remove d${i}: nr_pending`, () => r.nr_pending.v === 0);
		r.raid_disk = -1;
		md_kick_rdev_from_array(this.mddev, r);
	}

	/**
	 * A failed member comes back and is recovered from the bitmap: only the
	 * chunks start_sync asks for are copied. Returns how many were.
	 */
	readd(i: number): number {
		const r = this.rdevs[i];
		if (!test_bit(Faulty, r.flags)) return 0;
		clear_bit(Faulty, r.flags);
		const copied = this.sync((c) => this.copyChunk(c, [i]));
		set_bit(In_sync, r.flags);
		this.mddev.degraded--;
		this.ops.write_all(this.mddev);
		return copied;
	}

	/** Walk the array like md_do_sync; `act` syncs a chunk start_sync asks for. */
	sync(act: (chunk: number) => void, stopAt?: number): number {
		const m = this.mddev;
		const blocks = new Box(0n);
		let synced = 0;
		let sector = 0n;
		this.ops.cond_end_sync(m, 0n, false);
		while (sector < m.resync_max_sectors) {
			const chunk = Number(sector >> this.bitmap.chunkshift);
			if (stopAt !== undefined && chunk >= stopAt) {
				this.ops.end_sync(m, sector, blocks);
				this.ops.close_sync(m);
				return synced;
			}
			// raid1_sync_request() (glue): what was never written is skipped first.
			const skip = this.ops.skip_sync_blocks(m, sector);
			if (skip) {
				if (this.state(chunk) !== llbitmap_state.BitUnwritten)
					throw new InvariantViolation(`skip_sync_blocks skipped chunk ${chunk} in state ${stateName(this.state(chunk))}`);
				sector += skip;
				continue;
			}
			if (this.ops.start_sync(m, sector, blocks, m.degraded > 0)) {
				act(chunk);
				synced++;
			}
			sector += blocks.get();
			this.ops.cond_end_sync(m, sector, false);
		}
		this.ops.close_sync(m);
		return synced;
	}

	/** Copy a chunk's data from the first in-sync member to `to`. */
	copyChunk(chunk: number, to: number[]): void {
		const from = this.disks.findIndex((_, i) => this.inSync(i));
		const start = this.dataOffset + BigInt(chunk) * this.chunkSectors;
		for (let s = start; s < start + this.chunkSectors && s < this.disks[0].sectors; s++) {
			for (const i of to) this.disks[i].cache.set(s, this.disks[from].sector(s).slice());
			this.discarded.delete(s - this.dataOffset);
		}
	}

	/** Resync after an unclean start: returns the chunks it visited. */
	resync(): number[] {
		const visited: number[] = [];
		this.sync((c) => {
			visited.push(c);
			const others = this.disks.map((_, i) => i).filter((i) => this.inSync(i)).slice(1);
			this.copyChunk(c, others);
		});
		this.mddev.resync_offset = MaxSector;
		return visited;
	}

	/**
	 * Chunks whose data differs between in-sync members (current contents),
	 * in sectors not discarded since they were last written.
	 */
	differingChunks(durable = false): number[] {
		const members = this.disks.map((_, i) => i).filter((i) => this.inSync(i) || durable);
		const others = members.slice(1);
		const read = (i: number, s: bigint) => (durable ? this.disks[i].durableSector(s) : this.disks[i].sector(s));
		// A sector no member ever wrote reads as zeros on all of them: only
		// the written ones can differ.
		const written = new Set<bigint>();
		for (const i of members) {
			for (const s of this.disks[i].durable.keys()) written.add(s);
			if (!durable) for (const s of this.disks[i].cache.keys()) written.add(s);
		}
		const end = this.dataOffset + BigInt(this.chunks) * this.chunkSectors;
		const out = new Set<number>();
		for (const s of written) {
			if (s < this.dataOffset || s >= end || s >= this.disks[0].sectors) continue;
			if (this.discarded.has(s - this.dataOffset)) continue;
			const ref = read(members[0], s)[0];
			if (others.some((i) => read(i, s)[0] !== ref)) out.add(Number((s - this.dataOffset) / this.chunkSectors));
		}
		return [...out].sort((a, b) => a - b);
	}

	/**
	 * Power loss: each member keeps its durable sectors and those cached
	 * ones `keep` picks. Returns the members, to assemble a new array on.
	 */
	crash(keep: (disk: number, sector: bigint) => boolean): SimDisk[] {
		return this.disks.map((d, i) => d.crash((s) => keep(i, s)));
	}
}

export const STATE_NAMES = ['Unwritten', 'Clean', 'Dirty', 'NeedSync', 'Syncing'];
export function stateName(s: number): string {
	return STATE_NAMES[s] ?? `0x${s.toString(16)}`;
}

export { spawn, Bits };
