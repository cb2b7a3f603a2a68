// llbitmap-examine (mdadm -X for the lockless bitmap) on member images made
// here byte by byte: md superblocks 1.2 and 0.90, our bitmap superblock and
// state bytes; and its refusal of the classic bitmap.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { examine } from '../../qemu/llbitmap-examine.js';
import { BITMAP_MAGIC, LLBITMAP_OLD_MAGIC, MD_SB_MAGIC, readMember } from '../../qemu/lib/mdimage.js';

const dir = mkdtempSync(join(tmpdir(), 'kts-examine-'));
const MiB = 1 << 20;

/** A member of `size` bytes with its md superblock at `sbAt` and the bitmap `bitmapOff` sectors after it. */
function member(
	name: string,
	opts: { v090?: boolean; magic?: number; version?: number; states: number[]; chunk: number; tagged?: boolean; syncSize?: bigint },
): string {
	const size = 16 * MiB;
	const img = Buffer.alloc(size);
	const sectors = size / 512;
	const sbAt = opts.v090 ? (sectors & ~127) - 128 : 8;
	const sb = img.subarray(sbAt * 512);
	sb.writeUInt32LE(MD_SB_MAGIC, 0);
	if (opts.v090) {
		sb.writeUInt32LE(0, 4); // major 0
		sb.writeUInt32LE(8000, 4 * 8); // size, KiB
		sb.writeUInt32LE(7, 4 * 39); // events_lo
	} else {
		sb.writeUInt32LE(1, 4);
		sb.writeInt32LE(8, 96); // bitmap offset
		sb.writeBigUInt64LE(2048n, 128); // data offset
		sb.writeBigUInt64LE(BigInt(sectors - 2048), 136);
		sb.writeBigUInt64LE(7n, 200); // events
	}
	const bm = img.subarray((sbAt + 8) * 512);
	bm.writeUInt32LE(opts.magic ?? BITMAP_MAGIC, 0);
	bm.writeUInt32LE(opts.version ?? 6, 4);
	Buffer.from('0123456789abcdeffedcba9876543210', 'hex').copy(bm, 8);
	bm.writeBigUInt64LE(7n, 24);
	bm.writeBigUInt64LE(5n, 32);
	bm.writeBigUInt64LE(opts.syncSize ?? BigInt(opts.states.length * (opts.chunk / 512)), 40);
	bm.writeUInt32LE(opts.chunk, 52);
	bm.writeUInt32LE(256, 64); // sectors reserved
	if (opts.tagged) bm[136 + 119] = 0x53; // the module's "chunk size in sectors"

	bm.writeUInt32LE(1, 56);
	Buffer.from(opts.states).copy(bm, 1024);
	const path = join(dir, name);
	writeFileSync(path, img);
	return path;
}

describe('llbitmap-examine', () => {
	test('a 1.2 member: mdadm -X fields, dirty counts what a resync would visit', () => {
		const path = member('v12.img', { chunk: 65536, states: [0, 1, 1, 2, 3, 4, 9] });
		const m = readMember(path);
		expect(m.metadata).toBe('1.2');
		const out = examine(m);
		expect(out).toContain('           Magic : 6d746962');
		expect(out).toContain('         Version : 6 (lockless)');
		expect(out).toContain('            UUID : 01234567:89abcdef:fedcba98:76543210');
		expect(out).toContain('       Chunksize : 64 KB');
		expect(out).toContain('          Daemon : 1s flush period');
		// dirty + need sync + syncing, and the unknown byte 9 reads as need sync
		expect(out).toContain('          Bitmap : 7 bits (chunks), 4 dirty (57.1%)');
		expect(out).toContain('    Chunk states : unwritten 1, clean 2, dirty 1, need sync 2, syncing 1');
		// the mdadm test suite's own parsing of mdadm -X
		expect(/.*Bitmap.* ([0-9]*) dirty.*/.exec(out)?.[1]).toBe('4');
		expect(/.*Bitmap.* ([0-9]*) bits.*/.exec(out)?.[1]).toBe('7');
	});

	test("the chunk size in sectors (the module's tagged superblock, mainline's), and in bytes (the module's before the tag)", () => {
		const tagged = readMember(member('tagged.img', { chunk: 128, tagged: true, syncSize: 7n * 128n, states: [1, 2] }));
		expect(examine(tagged)).toContain('       Chunksize : 64 KB');
		expect(tagged.chunks).toBe(7);
		// mainline: 2 MiB chunks (4096 sectors) over 200 GiB; read as bytes they would be 8 sectors, far too many to fit
		const mainline = readMember(member('mainline.img', { chunk: 4096, syncSize: 200n << 21n, states: [1] }));
		expect(mainline.bitmap.chunkSectors).toBe(4096n);
		expect(mainline.chunks).toBe(102400);
		// the module before the tag: 4096 bytes over 7 chunks
		const old = readMember(member('bytes.img', { chunk: 4096, states: [1, 1, 1, 1, 1, 1, 1] }));
		expect(old.bitmap.chunkSectors).toBe(8n);
		expect(old.chunks).toBe(7);
	});

	test("a bitmap written under the seed's own magic still reads as lockless", () => {
		const m = readMember(member('old.img', { magic: LLBITMAP_OLD_MAGIC, chunk: 65536, states: [2, 1] }));
		expect(examine(m)).toContain('Bitmap : 2 bits (chunks), 1 dirty (50.0%)');
	});

	test('a 0.90 member: superblock at the end, bitmap 4 KiB after it', () => {
		const m = readMember(member('v090.img', { v090: true, chunk: 4096, states: [1, 1, 1] }));
		expect(m.metadata).toBe('0.90');
		expect(m.events).toBe(7n);
		expect(examine(m)).toContain('Bitmap : 3 bits (chunks), 0 dirty (0.0%)');
	});

	test('the classic bitmap is left to mdadm -X: --if-lockless exits 3 and prints nothing', () => {
		const path = member('classic.img', { magic: BITMAP_MAGIC, version: 4, chunk: 65536, states: [1] });
		expect(() => readMember(path)).toThrow(/the classic bitmap, see mdadm -X/);
		const cli = (...a: string[]) =>
			spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../qemu/llbitmap-examine.ts'), ...a], { encoding: 'utf8' });
		const r = cli('--if-lockless', path);
		expect(r.status).toBe(3);
		expect(r.stdout).toBe('');
		const plain = cli(path);
		expect(plain.status).toBe(2);
		expect(plain.stderr).toContain('no lockless bitmap');
	});
});
