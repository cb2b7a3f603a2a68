// A member disk that can crash. Writes complete into a volatile cache; a
// write with FUA is durable when it completes; a PREFLUSH makes everything
// completed before it durable first. A crash keeps what was durable plus
// any subset of the cached sectors, as a real disk may.
import { spawn } from './sched.js';
import {
	BLK_FEAT_FUA,
	BLK_FEAT_WRITE_CACHE,
	BLK_STS_IOERR,
	block_device_operations,
	type bio,
	bio_endio,
	blkBreakage,
	gendisk,
	REQ_FUA,
	REQ_PREFLUSH,
} from './kernel/blkdev.js';
import { link } from './kernel/struct.js';

export interface WriteRecord {
	sector: bigint;
	sectors: number;
	fua: boolean;
	preflush: boolean;
	/** Bitmap area (md_meta clone) or data. */
	meta: boolean;
}

export class SimDisk {
	readonly gendisk: gendisk;
	/** Durable sectors: survive a crash. */
	durable = new Map<bigint, Uint8Array>();
	/** Completed but not flushed: a crash keeps any subset. */
	cache = new Map<bigint, Uint8Array>();
	/** Sector ranges [start, end) whose IO fails (fault injection). */
	failReads: [bigint, bigint][] = [];
	failWrites: [bigint, bigint][] = [];
	readonly log: WriteRecord[] = [];
	/** Writes submitted and not yet completed. */
	inflight = 0;
	/** Jiffies a data write takes (a slow member: write-mostly behind dm-delay); bitmap IO is not delayed. */
	dataLatency = 0n;

	constructor(
		readonly name: string,
		readonly sectors: bigint,
	) {
		this.gendisk = link(new gendisk());
		this.gendisk.capacity = sectors;
		// A disk with a volatile write cache that honours flush and FUA.
		this.gendisk.queue.limits.features = BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA;
		const fops = new block_device_operations();
		fops.submit_bio = (b: bio) => this.submit(b);
		this.gendisk.fops = fops;
	}

	get bdev() {
		return this.gendisk.part0;
	}

	/** Current contents of one sector (cache over durable), zeros if never written. */
	sector(s: bigint): Uint8Array {
		return this.cache.get(s) ?? this.durable.get(s) ?? new Uint8Array(512);
	}

	durableSector(s: bigint): Uint8Array {
		return this.durable.get(s) ?? new Uint8Array(512);
	}

	byte(offset: bigint, durable = false): number {
		const s = offset >> 9n;
		return (durable ? this.durableSector(s) : this.sector(s))[Number(offset & 511n)];
	}

	flush(): void {
		for (const [s, d] of this.cache) this.durable.set(s, d);
		this.cache.clear();
	}

	private fails(ranges: [bigint, bigint][], start: bigint, n: bigint): boolean {
		return ranges.some(([a, b]) => start < b && start + n > a);
	}

	submit(b: bio): void {
		const write = (b.bi_opf & 1) === 1;
		const start = b.bi_iter.bi_sector;
		const n = BigInt(b.bi_iter.bi_size >> 9);
		// Data is taken when the bio is submitted: later changes to the pages
		// (a state byte set meanwhile) are in a later write.
		const data = write ? gather(b) : undefined;
		const fua = (b.bi_opf & REQ_FUA) !== 0;
		const preflush = (b.bi_opf & REQ_PREFLUSH) !== 0;
		if (write) this.log.push({ sector: start, sectors: Number(n), fua, preflush, meta: (b.bi_opf & (1 << 12)) !== 0 });
		this.inflight++;
		spawn(`${this.name} ${write ? 'write' : 'read'} ${start}+${n}`, () => {
			this.inflight--;
			if (this.fails(write ? this.failWrites : this.failReads, start, n)) {
				b.bi_status = BLK_STS_IOERR;
				bio_endio(b);
				return;
			}
			if (preflush && (n > 0n || !blkBreakage.emptyFlushIgnored)) this.flush();
			if (write) {
				for (let i = 0n; i < n; i++) {
					const sec = data!.slice(Number(i) * 512, Number(i + 1n) * 512);
					if (fua) {
						this.durable.set(start + i, sec);
						this.cache.delete(start + i);
					} else this.cache.set(start + i, sec);
				}
			} else scatter(b, this, start);
			b.bi_status = 0;
			bio_endio(b);
		}, write && !(b.bi_opf & (1 << 12)) ? this.dataLatency : 0n);
	}

	/** The disk after a power loss: durable data plus `keep` of the cached sectors. */
	crash(keep: (sector: bigint) => boolean): SimDisk {
		const d = new SimDisk(this.name, this.sectors);
		for (const [s, v] of this.durable) d.durable.set(s, v);
		for (const [s, v] of this.cache) if (keep(s)) d.durable.set(s, v);
		return d;
	}
}

function gather(b: bio): Uint8Array {
	const out = new Uint8Array(b.bi_iter.bi_size);
	let at = 0;
	for (const v of b.vecs) {
		out.set(v.page.data.subarray(v.off, v.off + v.len), at);
		at += v.len;
	}
	return out;
}

function scatter(b: bio, d: SimDisk, start: bigint): void {
	let s = start;
	for (const v of b.vecs) {
		for (let o = 0; o < v.len; o += 512) v.page.data.set(d.sector(s++), v.off + o);
	}
}
