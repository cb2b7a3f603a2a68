// The crash replay's own parts: the sparse image and its undo, and the two
// maps between bitmap chunks and the members' sectors (each the other's
// inverse on every level it knows).
import { describe, expect, test } from 'vitest';
import { chunkGroups, chunksOf, type Geometry, rng, SparseImage } from '../../qemu/lib/crashreplay.js';

describe('SparseImage', () => {
	test('reads what was written, zeros elsewhere; restore undoes writes in any overlap', () => {
		const img = new SparseImage(1 << 20);
		img.write(4096 - 512, 1024, Buffer.alloc(1024, 0xaa));
		const before = img.read(0, 3 * 4096);
		const undo: Parameters<SparseImage['restore']>[0] = [];
		img.write(4096 - 100, 5000, Buffer.alloc(5000, 0x55), undo);
		img.write(0, 512, null, undo);
		img.write(12288, 512, Buffer.alloc(512, 1), undo);
		expect(img.read(4096 - 100, 5000).every((b) => b === 0x55)).toBe(true);
		img.restore(undo);
		expect(img.read(0, 3 * 4096).equals(before)).toBe(true);
		expect([...img.pages.keys()].sort()).toEqual([0, 1]);
		expect(() => img.write((1 << 20) - 100, 512, null)).toThrow(/past the end/);
	});
});

describe('chunk maps', () => {
	const geometries: Geometry[] = [
		{ level: 1, members: 2, memberBytes: 64 << 20, dataOffset: [2048, 2048], dataSize: 120000, chunkSectors: 2048, chunks: 59, raidChunk: 1024 },
		{ level: 5, members: 3, memberBytes: 64 << 20, dataOffset: [4096, 4096, 4096], dataSize: 126976, chunkSectors: 1024, chunks: 124, raidChunk: 1024 },
		{ level: 10, members: 4, memberBytes: 64 << 20, dataOffset: [2048, 2048, 2048, 2048], dataSize: 126976, chunkSectors: 2048, chunks: 124, raidChunk: 1024 },
		{ level: 10, members: 3, memberBytes: 64 << 20, dataOffset: [2048, 2048, 2048], dataSize: 126976, chunkSectors: 512, chunks: 372, raidChunk: 1024 },
	];
	for (const g of geometries) {
		test(`raid${g.level}, ${g.members} members: every piece of chunk c maps back to c, and every data sector lies in one chunk's pieces`, () => {
			const owner = new Map<number, number>();
			for (let c = 0; c < g.chunks; c++) {
				const groups = chunkGroups(g, c);
				expect(groups.length).toBeGreaterThan(0);
				for (const group of groups) {
					// copies: raid1 all members, raid10 two; parity sets: every member
					expect(group.length).toBe(g.level === 10 ? 2 : g.members);
					for (const p of group) {
						expect(chunksOf(g, p.start / 512, p.len / 512)).toEqual([c]);
						for (let s = p.start / 512; s < (p.start + p.len) / 512; s += 64) {
							expect(owner.get(s)).toBeUndefined();
							owner.set(s, c);
						}
					}
				}
			}
			// metadata before the data maps to no chunk
			expect(chunksOf(g, 0, g.dataOffset[0])).toEqual([]);
		});
	}
	test('a random write maps to the chunks whose pieces it overlaps', () => {
		const g = geometries[2];
		const random = rng(7);
		for (let i = 0; i < 500; i++) {
			const m = Math.floor(random() * g.members);
			const sector = m * (g.memberBytes / 512) + g.dataOffset[m] + Math.floor(random() * (g.dataSize - 300));
			const n = 1 + Math.floor(random() * 256);
			const expected = new Set<number>();
			for (let c = 0; c < g.chunks; c++)
				for (const group of chunkGroups(g, c))
					for (const p of group) if (p.start / 512 < sector + n && sector < (p.start + p.len) / 512) expected.add(c);
			expect(chunksOf(g, sector, n).sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
		}
	});
});
