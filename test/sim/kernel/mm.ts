import { onReset } from '../sched.js';
// Runtime of kmod-src/kernel/mm.d.ts: pages are byte arrays of PAGE_SIZE,
// 4 KiB unless a test asks for another page size (64 KiB: arm64 with
// CONFIG_ARM64_64K_PAGES, ppc64el) with setPageShift() before it allocates.
import { preempt } from '../sched.js';
import { faults } from './slab.js';

export let PAGE_SHIFT = 12;
export let PAGE_SIZE = 4096n;
export let PAGE_SECTORS_SHIFT = 3;
/** include/linux/blk_types.h */
export let PAGE_SECTORS = 8;

/** The kernel's page size from now on (reset() puts 4 KiB back). */
export function setPageShift(shift: number): void {
	if (livePages.size) throw new Error('setPageShift(): pages of the old size are live');
	PAGE_SHIFT = shift;
	PAGE_SIZE = 1n << BigInt(shift);
	PAGE_SECTORS_SHIFT = shift - 9;
	PAGE_SECTORS = 1 << PAGE_SECTORS_SHIFT;
}

export class page {
	readonly data = new Uint8Array(Number(PAGE_SIZE));
}

export const livePages = new Set<page>();

export function alloc_page(_gfp: number): page | null {
	preempt('alloc_page');
	if (faults.failAlloc > 0) {
		faults.failAlloc--;
		return null;
	}
	const p = new page();
	livePages.add(p);
	return p;
}

export function __free_page(p: page): void {
	if (!livePages.delete(p)) throw new Error('__free_page(): not allocated, or freed twice');
}

export function page_address(p: page): Uint8Array {
	return p.data;
}

/** A mapped page, read as the on-disk bitmap superblock (md-bitmap.h). */
export class PageView {
	private readonly dv: DataView;
	constructor(readonly page: page) {
		this.dv = new DataView(page.data.buffer, page.data.byteOffset, page.data.length);
	}
	get magic() { return this.dv.getUint32(0, true); }
	set magic(v: number) { this.dv.setUint32(0, v, true); }
	get version() { return this.dv.getUint32(4, true); }
	set version(v: number) { this.dv.setUint32(4, v, true); }
	get uuid() { return this.page.data.subarray(8, 24); }
	get events() { return this.dv.getBigUint64(24, true); }
	set events(v: bigint) { this.dv.setBigUint64(24, v, true); }
	get events_cleared() { return this.dv.getBigUint64(32, true); }
	set events_cleared(v: bigint) { this.dv.setBigUint64(32, v, true); }
	get sync_size() { return this.dv.getBigUint64(40, true); }
	set sync_size(v: bigint) { this.dv.setBigUint64(40, v, true); }
	get state() { return this.dv.getUint32(48, true); }
	set state(v: number) { this.dv.setUint32(48, v, true); }
	get chunksize() { return this.dv.getUint32(52, true); }
	set chunksize(v: number) { this.dv.setUint32(52, v, true); }
	get daemon_sleep() { return this.dv.getUint32(56, true); }
	set daemon_sleep(v: number) { this.dv.setUint32(56, v, true); }
	get write_behind() { return this.dv.getUint32(60, true); }
	set write_behind(v: number) { this.dv.setUint32(60, v, true); }
	get sectors_reserved() { return this.dv.getUint32(64, true); }
	set sectors_reserved(v: number) { this.dv.setUint32(64, v, true); }
	get nodes() { return this.dv.getUint32(68, true); }
	set nodes(v: number) { this.dv.setUint32(68, v, true); }
	get cluster_name() { return this.page.data.subarray(72, 136); }
	get pad() { return this.page.data.subarray(136, 256); }
}

export function kmap_local_page(p: page): PageView {
	return new PageView(p);
}

export function kunmap_local(_addr: unknown): void {}

export function offset_in_page(pos: number): number {
	if (!Number.isInteger(pos) || pos < 0) throw new RangeError(`offset_in_page(${pos})`);
	return pos & (Number(PAGE_SIZE) - 1);
}

onReset(() => {
	livePages.clear();
	setPageShift(12);
});
