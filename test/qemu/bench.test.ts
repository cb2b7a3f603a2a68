// make check runs the benchmark's smoke plan: the harness boots, fio runs
// on the raw ramdisk and on raid1 with and without llbitmap, and the
// results, the table and the chart come out, and the resync cost load
// (a member failed and re-added) runs. Speed is not asserted here
// (make bench measures it).
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { BENCH_SECONDS, bench, report } from '../../qemu/bench.js';
import { BUILD, guestSeconds } from '../../qemu/lib/guest.js';

test('make bench: the smoke plan runs in one boot and produces results, table and chart', async () => {
	const dir = mkdtempSync(join(BUILD, 'bench-smoke-'));
	const lines: string[] = [];
	const r = await bench('smoke', dir, (l) => lines.push(l));
	// raw: rand4k + seq1m; raid1 x {none, llbitmap} x {rand4k, seq1m, verify}
	expect(r.runs.map((x) => x.id).sort()).toEqual(
		['r1-raw-rand4k', 'r1-raw-seq1m', ...['none', 'llbitmap'].flatMap((c) => ['rand4k', 'seq1m', 'verify'].map((w) => `r1-raid1-${c}-${w}`))].sort(),
	);
	for (const x of r.runs) {
		expect(x.mibps, x.id).toBeGreaterThan(0);
		expect(x.data_writes, x.id).toBeGreaterThan(0);
		expect(x.verify_errors ?? 0, x.id).toBe(0);
		// llbitmap counts its writes; nothing else has a counter
		if (x.config === 'llbitmap') expect(x.bitmap_writes, x.id).toBeGreaterThanOrEqual(0);
		else expect(x.bitmap_writes, x.id).toBe(-1);
	}
	expect(lines.some((l) => l.includes('bench: r1-raid1-llbitmap-rand4k done'))).toBe(true);
	// the warm-up leaves every chunk Dirty: the measured run is the steady
	// state, not a fresh array's first writes (the cost load has those)
	expect(lines.find((l) => l.includes('bench: raid1-llbitmap: after the warm-up'))).toMatch(/: unwritten 0 clean 0 dirty [1-9]\d* need sync 0 syncing 0 $/);
	// and the rounds kept it there: the gaps between the array's slices were
	// no idle time to its bitmap (BENCH_IDLE), and no chunk went Clean
	expect(lines.find((l) => l.includes('bench: raid1-llbitmap: after the rounds'))).toMatch(/: unwritten 0 clean 0 dirty [1-9]\d* need sync 0 syncing 0 $/);
	// the cost load: its writes left chunks Dirty, and the re-add recovered
	// what was written while the member was out, not the whole member
	expect(r.costs).toHaveLength(1);
	const c = r.costs![0];
	expect(c.dirty).toBeGreaterThan(0);
	expect(c.dirty).toBeLessThanOrEqual(c.writes);
	expect(c.crash_sectors).toBe(c.dirty * c.chunk_sectors);
	// the bitmap wrote for them: a block on both members at least, and no
	// more than a 4 KiB block per write on each (md's superblock writes,
	// in both counts, may differ by one per member)
	expect(c.bitmap_sectors).toBeGreaterThanOrEqual(2);
	expect(c.bitmap_sectors).toBeLessThanOrEqual(c.writes * 2 * 8 + 16);
	expect(c.readd_sectors).toBeGreaterThanOrEqual(c.chunk_sectors);
	// (the chunks of both loads at most, and md's superblock and bitmap)
	expect(c.readd_sectors).toBeLessThanOrEqual(2 * c.writes * c.chunk_sectors + 256);
	expect(c.readd_sectors).toBeLessThan(r.plan.ramMB * 2048);
	const files = report(r, dir);
	// one round: the paired ratio's interval is that round's ratio
	expect(readFileSync(files.md, 'utf8')).toMatch(/\| raid1 \| [\d.]+ \([\d.]+-[\d.]+\) \| [\d.]+ \([\d.]+-[\d.]+\) \| ([\d.]+) \(\1-\1\) \| - \|/);
	expect(readFileSync(files.png).subarray(1, 4).toString()).toBe('PNG');
}, (guestSeconds({ name: 'bench', script: '', timeoutSec: BENCH_SECONDS.smoke }) + 60) * 1000);
