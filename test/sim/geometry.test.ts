// Bitmap geometry the 4 KiB-page, one-page arrays of the other tests do not
// reach: 64 KiB pages (arm64 64K, ppc64el), where a page holds 128 blocks
// of 512 bytes, and bitmaps of several pages.
import { beforeEach, expect, test } from 'vitest';
import { advance, reset, settle } from './sched.js';
import { BITMAP_OFFSET, mdadmBitmapSb, SB_START, SimArray } from './md.js';
import { SimDisk } from './disk.js';
import { PAGE_SIZE, setPageShift } from './kernel/mm.js';

beforeEach(() => reset());

const S = { Unwritten: 0, Clean: 1, Dirty: 2 };

/** An array created --assume-clean whose bitmap fills `space` sectors with 8-sector chunks. */
function bigArray(space: bigint): SimArray {
	const chunks = (space << 9n) - 1024n;
	const dataOffset = SB_START + BITMAP_OFFSET + space;
	const sectors = dataOffset + chunks * 8n;
	const disks = [new SimDisk('d0', sectors), new SimDisk('d1', sectors)];
	// mdadm --create --assume-clean --bitmap-chunk=4K: every state byte of the space is a chunk's
	for (const d of disks) mdadmBitmapSb(d, chunks * 8n, 4096);
	const a = new SimArray(disks, { sectors, space, dataOffset }, true);
	a.mddev.events = 0n;
	a.start();
	a.mddev.events = 1n;
	a.ops.update_sb(a.mddev.bitmap);
	expect(a.chunks).toBe(Number(chunks));
	expect(a.chunkSectors).toBe(8n);
	return a;
}

test('64 KiB pages: a page has 128 blocks, and writes to the last of them are marked and cleaned', () => {
	setPageShift(16);
	expect(PAGE_SIZE).toBe(65536n);
	// 2 pages of 64 KiB: blocks 64..127 of each page are where one
	// unsigned long of dirty bits ends
	const a = bigArray(256n);
	const chunks = [0, 31743, 31744, 40000, 64511, 64512, 100000, a.chunks - 1];
	for (const c of chunks) a.write(BigInt(c) * 8n, 8);
	settle();
	for (const c of chunks) {
		expect(a.state(c), `chunk ${c}`).toBe(S.Dirty);
		for (const i of [0, 1]) expect(a.diskState(i, c), `chunk ${c} on d${i}`).toBe(S.Dirty);
	}
	advance(10000n);
	for (const c of chunks) expect(a.diskState(0, c), `chunk ${c} cleaned`).toBe(S.Clean);
	a.stop();

	// assembled again: every page read back as written
	reset();
	setPageShift(16);
	const b = new SimArray(a.disks, { sectors: a.disks[0].sectors, space: 256n, dataOffset: a.dataOffset }, false);
	b.start();
	for (const c of chunks) expect(b.state(c), `chunk ${c} after assembly`).toBe(S.Clean);
	expect(b.state(5)).toBe(a.diskState(0, 5));
	b.stop();
});
