// The benchmark report is made from results.json alone: medians, ratios,
// bitmap writes per 10,000 data writes, the Markdown table and the chart.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type BenchCost, type BenchResults, type BenchRun, chart, costTable, markdown, median, pairedRatio, peerMarkdown, peerRatio, ratio, summarise } from '../../qemu/lib/bench-report.js';
import { PLANS, publish } from '../../qemu/bench.js';

function run(rep: number, level: string, config: BenchRun['config'], workload: BenchRun['workload'], mibps: number, extra: Partial<BenchRun> = {}): BenchRun {
	return { id: `r${rep}-${level}-${config}-${workload}`, rep, level, config, workload, mibps, iops: mibps * 256, p99_us: 100, cpu_s: 1, bitmap_writes: -1, data_writes: 10_000, ...extra };
}

const results: BenchResults = {
	date: '2026-11-25T00:00:00.000Z',
	accel: 'tcg',
	vcpus: 2,
	fio_jobs: 8,
	kernel: '6.12.117',
	mode: 'quick',
	seconds: 240,
	plan: { ...PLANS.quick, reps: 3, levels: ['10:4'] },
	runs: [
		...[1, 2, 3].map((rep) => run(rep, 'raw', 'raw', 'rand4k', 300)),
		run(1, 'raid10', 'none', 'rand4k', 100),
		run(2, 'raid10', 'none', 'rand4k', 90),
		run(3, 'raid10', 'none', 'rand4k', 110),
		run(1, 'raid10', 'classic', 'rand4k', 50),
		run(2, 'raid10', 'classic', 'rand4k', 60),
		run(3, 'raid10', 'classic', 'rand4k', 40),
		run(1, 'raid10', 'llbitmap', 'rand4k', 98, { bitmap_writes: 3 }),
		run(2, 'raid10', 'llbitmap', 'rand4k', 97, { bitmap_writes: 1 }),
		run(3, 'raid10', 'llbitmap', 'rand4k', 99, { bitmap_writes: 2 }),
		run(1, 'raid10', 'llbitmap', 'verify', 20, { verify_errors: 0 }),
		run(1, 'raid10', 'none', 'seq1m', 400),
		run(1, 'raid10', 'classic', 'seq1m', 380),
		run(1, 'raid10', 'llbitmap', 'seq1m', 396),
	],
};

describe('the bench report', () => {
	test('medians, ratios and bitmap writes per 10,000 data writes', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 2, 3])).toBe(2.5);
		const cells = summarise(results);
		const ll = cells.find((c) => c.level === 'raid10' && c.config === 'llbitmap' && c.workload === 'rand4k')!;
		expect(ll.mibps).toBe(98);
		expect([ll.min, ll.max]).toEqual([97, 99]);
		// 6 bitmap writes over 30,000 data writes
		expect(ll.bitmapPer10k).toBeCloseTo(2);
		expect(cells.find((c) => c.config === 'none' && c.workload === 'rand4k')!.bitmapPer10k).toBeNull();
		expect(ratio(cells, 'raid10', 'rand4k', 'none')).toBeCloseTo(0.98);
		expect(ratio(cells, 'raid10', 'rand4k', 'classic')).toBeCloseTo(1.96);
	});

	test('the Markdown table carries the setup, the medians and the ratios', () => {
		const md = markdown(results);
		expect(md).toContain('2026-11-25, 2 vCPUs, TCG');
		expect(md).toContain('one raw ramdisk, the limit: 300.0');
		// how a round ran and what ran before the measured random writes:
		// arrays side by side, each slice after its ramp
		expect(md).toContain("3 rounds per level, its none, classic, llbitmap arrays side by side on their own ramdisks, a round one measured slice on each in turn (the first turning with the round), their bitmaps' idle delay (llbitmap barrier_idle, the classic time_base) 60 s, longer than a round;");
		expect(md).toContain('1 s after 1 s of the same load, the array prepared by a sequential pass over the device and 1 s of random warm-up;');
		// a run from before the side-by-side rounds made each array afresh in
		// its round; one from before the fill said only the warm-up
		const before = { ...results.plan, sideBySide: undefined, ramp: undefined, runtime: 3 };
		expect(markdown({ ...results, plan: before })).toContain('3 rounds (raw, then each level with none, classic, llbitmap in turn)');
		expect(markdown({ ...results, plan: before })).toContain('3 s after a sequential pass over the device and 1 s of random warm-up;');
		expect(markdown({ ...results, plan: { ...before, fill: undefined } })).toContain('3 s after 1 s of random warm-up;');
		// ratios paired by round: geometric means of 98/100, 97/90, 99/110 and of 98/50, 97/60, 99/40, with intervals
		expect(md).toMatch(/\| raid10 \| 100\.0 \(90\.0-110\.0\) \| 50\.0 \(40\.0-60\.0\) \| 98\.0 \(97\.0-99\.0\) \| 0\.98 \(0\.\d\d-1\.\d\d\) \| 1\.99 \(1\.\d\d-2\.\d\d\) \|/);
		expect(md).toContain('| 0.99 (0.99-0.99) | 1.04 (1.04-1.04) |');
		expect(md).toContain('| 2.00 |');
		expect(md).toContain('passed on all 1 arrays');
	});

	test('ratios are paired by round: drift between rounds cancels, and the interval says how far the rounds agree', () => {
		// every round 30% slower than the one before, both configurations alike: llbitmap is 0.95 of none in each
		const drift: BenchResults = {
			...results,
			runs: [1, 2, 3, 4, 5].flatMap((rep) => {
				const f = 0.7 ** rep;
				return [run(rep, 'raid1', 'none', 'rand4k', 100 * f), run(rep, 'raid1', 'llbitmap', 'rand4k', 95 * f)];
			}),
		};
		const p = pairedRatio(drift, 'raid1', 'rand4k', 'llbitmap', 'none')!;
		expect(p.n).toBe(5);
		expect(p.est).toBeCloseTo(0.95, 6);
		expect(p.hi - p.lo).toBeLessThan(1e-9);
		// the rounds disagree: the interval widens, holds the estimate, and is the same every time
		const noisy: BenchResults = {
			...results,
			runs: [1, 2, 3, 4, 5].flatMap((rep) => [run(rep, 'raid1', 'none', 'rand4k', 100), run(rep, 'raid1', 'llbitmap', 'rand4k', [80, 120, 95, 105, 100][rep - 1])]),
		};
		const q = pairedRatio(noisy, 'raid1', 'rand4k', 'llbitmap', 'none')!;
		expect(q.lo).toBeLessThan(q.est);
		expect(q.hi).toBeGreaterThan(q.est);
		expect(q.hi - q.lo).toBeGreaterThan(0.1);
		expect(pairedRatio(noisy, 'raid1', 'rand4k', 'llbitmap', 'none')).toEqual(q);
		// a round that lacks one configuration is left out; no pair at all: null
		expect(pairedRatio({ ...noisy, runs: noisy.runs.filter((x) => !(x.rep === 1 && x.config === 'none')) }, 'raid1', 'rand4k', 'llbitmap', 'none')!.n).toBe(4);
		expect(pairedRatio(noisy, 'raid10', 'rand4k', 'llbitmap', 'none')).toBeNull();
	});

	test("the peer bench: one kernel's llbitmap/none over the other's, ahead or behind only where the interval excludes 1", () => {
		const kernel = (name: string, ll: number[], none = [100, 90, 110, 105]): BenchResults => ({
			...results,
			kernel: name,
			plan: { ...results.plan, levels: ['1:2'] },
			runs: ll.flatMap((v, i) => [run(i + 1, 'raid1', 'none', 'rand4k', none[i]), run(i + 1, 'raid1', 'llbitmap', 'rand4k', (v * none[i]) / 100)]),
		});
		// ours 0.99 of none each round, mainline 0.80: 1.24 ahead
		const ours = kernel('6.12.117', [99, 99, 99, 99]);
		const theirs = kernel('7.3.4', [80, 80, 80, 80], [50, 70, 60, 55]);
		const p = peerRatio(ours, theirs, 'raid1', 'rand4k')!;
		expect(p.est).toBeCloseTo(0.99 / 0.8, 6);
		expect(p.lo).toBeCloseTo(p.est, 6);
		const md = peerMarkdown(ours, theirs);
		expect(md).toContain('this module (6.12.117) beside mainline');
		expect(md).toContain('| raid1 | 4k random write | 0.99 (0.99-0.99) | 0.80 (0.80-0.80) | 1.24 (1.24-1.24) | ahead |');
		// rounds that disagree either way: level, not ahead
		const noisy = kernel('7.3.4', [70, 130, 95, 105]);
		expect(peerMarkdown(ours, noisy)).toMatch(/\| raid1 \| 4k random write \| 0\.99 \(0\.99-0\.99\) \| [\d.]+ \(0\.\d\d-1\.\d\d\) \| [\d.]+ \(0\.\d\d-1\.\d\d\) \| level \|/);
		expect(peerRatio(ours, { ...theirs, runs: [] }, 'raid1', 'rand4k')).toBeNull();
	});

	test('what the same load costs: chunk, bitmap writes, chunks Dirty, MiB a crash resyncs and a re-add recovers, medians over boots', () => {
		const cost = (chunk_sectors: number, dirty: number, readd_sectors: number, bitmap_sectors?: number): BenchCost => ({
			level: 'raid10', chunk_sectors, writes: 256, dirty, crash_sectors: dirty * chunk_sectors, readd_sectors,
			...(bitmap_sectors === undefined ? {} : { bitmap_sectors }),
		});
		const ours = { ...results, costs: [cost(512, 240, 250_000, 960), cost(512, 240, 260_000, 1000), cost(512, 240, 255_000, 968)] };
		// a run from before the bitmap's writes were counted
		const theirs = { ...results, kernel: '7.3.4', costs: [cost(128, 252, 64_000)] };
		expect(markdown(results)).not.toContain('random 4k writes on the clean new array');
		const one = markdown(ours);
		expect(one).toContain('**What 256 random 4k writes on the clean new array cost**');
		// 240 x 256 KiB = 60 MiB; the median re-add, 255,000 sectors; the median bitmap writes, 968 sectors
		expect(one).toContain('| raid10 | 256 | 484 | 240 | 60.0 | 124.5 |');
		const peer = costTable([
			['this module', ours],
			['mainline', theirs],
		]);
		expect(peer).toContain('| raid10 | this module | 256 | 484 | 240 | 60.0 | 124.5 |');
		expect(peer).toContain('| raid10 | mainline | 64 | - | 252 | 15.8 | 31.3 |');
		expect(peerMarkdown(ours, theirs)).toContain('| raid10 | mainline | 64 | - | 252 | 15.8 | 31.3 |');
		expect(peerMarkdown(ours, theirs)).toContain('each kernel picking its chunk');
		expect(peerMarkdown({ ...ours, plan: { ...ours.plan, chunkKB: 64 } }, theirs)).toContain('--bitmap-chunk=64K');
	});

	test('gnuplot draws the chart as SVG and PNG', () => {
		const dir = mkdtempSync(join(tmpdir(), 'kts-bench-'));
		const { svg, png } = chart(results, dir);
		expect(readFileSync(svg, 'utf8')).toContain('<svg');
		expect(readFileSync(svg, 'utf8')).toContain('/none x0.98');
		expect(readFileSync(svg, 'utf8')).toMatch(/\(0\.\d\d-1\.\d\d\)/);
		expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
	});

	test('--publish puts the table and chart in docs/bench/ and between the README markers, nowhere else', () => {
		const dir = mkdtempSync(join(tmpdir(), 'kts-publish-'));
		const json = join(dir, 'run', 'results.json');
		mkdirSync(join(dir, 'run'));
		writeFileSync(json, JSON.stringify(results));
		const readme = join(dir, 'README.md');
		const before = '# title\n\nintro\n\n<!-- bench:begin (tsx qemu/bench.ts --publish writes this part) -->\nold table\n<!-- bench:end -->\n\nafter\n';
		writeFileSync(readme, before);
		publish(json, join(dir, 'docs'), readme);
		const text = readFileSync(readme, 'utf8');
		expect(text.startsWith('# title\n\nintro\n\n<!-- bench:begin')).toBe(true);
		expect(text.endsWith('<!-- bench:end -->\n\nafter\n')).toBe(true);
		expect(text).not.toContain('old table');
		expect(text).toContain('#### fio on brd ramdisks: 2026-11-25, 2 vCPUs, TCG');
		expect(text).toContain('![fio MiB/s per level and bitmap](docs/bench/chart.svg)');
		for (const f of ['results.json', 'results.md', 'chart.svg', 'chart.png']) expect(existsSync(join(dir, 'docs', f))).toBe(true);
		// a second publish replaces, it does not stack
		publish(json, join(dir, 'docs'), readme);
		expect(readFileSync(readme, 'utf8')).toBe(text);
		writeFileSync(readme, '# no markers\n');
		expect(() => publish(json, join(dir, 'docs'), readme)).toThrow(/no .*bench:begin/);
	});
});
