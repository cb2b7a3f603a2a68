// make bench-profile's report is made from perf report's text and fio's
// counts alone: samples by symbol, CPU per data write, the difference.
import { describe, expect, test } from 'vitest';
import { type Profile, parsePerfReport, profileDiff, profileMarkdown, totalSamples, usPerWrite } from '../../qemu/lib/bench-profile.js';
import type { BenchResults, BenchRun } from '../../qemu/lib/bench-report.js';
import { PLANS } from '../../qemu/bench.js';

// perf 6.1's text, as bench.sh asks for it (-n -q -g none --sort sym)
const SELF = `
    50.00%           500  [k] pv_native_safe_halt
    30.00%           300  [k] raid1_write_request
    15.00%           150  [.] fio_io_u_queue
     5.00%            50  [k] raid1_write_request
`;
const CHILDREN = `
    90.00%     0.00%             0  [k] do_syscall_64
    40.00%    35.00%           350  [k] raid1_write_request
    50.00%    50.00%           500  [k] pv_native_safe_halt
`;

function run(config: BenchRun['config'], writes: number): BenchRun {
	return { id: `r1-raid1-${config}-rand4k`, rep: 1, level: 'raid1', config, workload: 'rand4k', mibps: writes / 2560, iops: writes / 10, p99_us: 1, cpu_s: 1, bitmap_writes: -1, data_writes: writes };
}

describe('perf report parsing', () => {
	test('self rows with their samples; a name twice is one row', () => {
		const rows = parsePerfReport(SELF);
		expect(rows.find((r) => r.sym === 'raid1_write_request')).toEqual({ sym: 'raid1_write_request', space: 'k', self: 350, total: 350 });
		expect(rows.find((r) => r.sym === 'fio_io_u_queue')?.space).toBe('.');
		expect(rows.reduce((a, r) => a + r.self, 0)).toBe(1000);
	});

	test('children rows give what a symbol and its callees took, as samples of the whole', () => {
		const rows = parsePerfReport(SELF, CHILDREN);
		// 40% of the 1000 samples
		expect(rows.find((r) => r.sym === 'raid1_write_request')?.total).toBe(400);
		// in children only: no self samples
		expect(rows.find((r) => r.sym === 'do_syscall_64')).toEqual({ sym: 'do_syscall_64', space: 'k', self: 0, total: 900 });
	});

	test('lines that are not rows are skipped', () => {
		expect(parsePerfReport('# comment\n\nWarning: something\n')).toEqual([]);
	});
});

describe('CPU per write', () => {
	const none: Profile = { run: run('none', 20_000), hz: 1000, rows: parsePerfReport(SELF, CHILDREN) };
	const ll: Profile = {
		run: run('llbitmap', 10_000),
		hz: 1000,
		rows: parsePerfReport(`${SELF}     2.00%            20  [k] llbitmap_start_write\n`, CHILDREN),
	};

	test('samples / Hz / writes in microseconds', () => {
		// 1000 samples at 1000 Hz = 1 s over 20,000 writes = 50 us each
		expect(usPerWrite(none, totalSamples(none))).toBeCloseTo(50);
		expect(usPerWrite(ll, 20)).toBeCloseTo(2);
	});

	test('the difference per symbol is per write, so runs at different rates compare', () => {
		const d = profileDiff(none, ll);
		// the same samples over half the writes: twice the time per write
		const w = d.find((x) => x.sym === 'raid1_write_request')!;
		expect(w.self[1]).toBeCloseTo(2 * w.self[0]);
		const lb = d.find((x) => x.sym === 'llbitmap_start_write')!;
		expect(lb.self).toEqual([0, 2]);
		// sorted by the size of the difference
		const sizes = d.map((x) => Math.abs(x.self[1] - x.self[0]));
		expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
	});

	test('the report has both runs, the differences and the bitmap functions', () => {
		const results: BenchResults = { date: '2026-12-02T00:00:00Z', accel: 'tcg', vcpus: 2, fio_jobs: 8, kernel: '6.12.118', mode: 'profile', seconds: 60, plan: PLANS.profile, runs: [none.run, ll.run] };
		const md = profileMarkdown(results, [none, ll]);
		expect(md).toContain('#### raid1, round 1');
		expect(md).toMatch(/\| µs of CPU per write, all \| 50\.00 \| 102\.00 \|/);
		expect(md).toMatch(/\| µs per write idle \| 25\.00 \| 50\.00 \|/);
		expect(md).toContain('| `llbitmap_start_write` | 0.00 | 2.00 | +2.00 |');
		expect(md).toContain('The bitmap functions under llbitmap');
	});
});
