// The mdadm suite runner's bookkeeping, without a guest: which tests each
// mode runs, the adapted copies of classic-only tests, and the summary.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
	adaptTest,
	baseTest,
	BY_LAYOUT,
	CLASSIC_ONLY,
	CI_SUBSET,
	deal,
	estimates,
	FAILS_HERE,
	FLAKY,
	guestShape,
	layoutTest,
	MDADM_SRC,
	markdown,
	publish,
	regressions,
	summary,
	type TestResult,
	testsFor,
} from '../../qemu/mdadm-tests.js';

describe('mdadm suite runner', () => {
	test('under llbitmap=1 a classic-only test is followed by its adapted copy; classic runs the list as given', () => {
		expect(testsFor(['00raid1', '05r1-re-add', '02r1add'], 0)).toEqual(['00raid1', '05r1-re-add', '02r1add']);
		expect(testsFor(['00raid1', '05r1-re-add', '02r1add'], 1)).toEqual(['00raid1', '05r1-re-add', '05r1-re-add.llbitmap', '02r1add']);
		for (const t of Object.keys(CLASSIC_ONLY)) expect(CI_SUBSET).toContain(t);
	});

	test("each adapted copy is the suite's own test minus exactly the dropped lines (make check has the suite)", () => {
		for (const [t, c] of Object.entries(CLASSIC_ONLY)) {
			const original = readFileSync(join(MDADM_SRC, 'tests', t), 'utf8').split('\n');
			const copy = adaptTest(t).split('\n');
			expect(copy[0]).toMatch(/^# .* for llbitmap=1, without: /);
			expect(copy.length - 1).toBe(original.length - c.drop.length);
			for (const d of c.drop) expect(copy.filter((l) => l.trim() === d).length).toBe(original.filter((l) => l.trim() === d).length - 1);
		}
	});

	test('a suite whose test no longer has the line to drop is an error, not a silent copy', () => {
		const src = mkdtempSync(join(tmpdir(), 'kts-mdadm-'));
		mkdirSync(join(src, 'tests'));
		for (const t of Object.keys(CLASSIC_ONLY)) writeFileSync(join(src, 'tests', t), 'mdadm -CR $md0 -l1 -n2 $dev1 $dev2\ncheck wait\n');
		for (const t of Object.keys(CLASSIC_ONLY)) expect(() => adaptTest(t, src)).toThrow(/has no line .* to drop/);
	});

	test('the summary and table count a classic-only failure apart from real failures', () => {
		const r = (test: string, mode: 0 | 1, result: TestResult['result']): TestResult => ({ test, mode, result, seconds: 1, firstError: result === 'pass' ? '' : 'x' });
		const results = [r('00raid1', 0, 'pass'), r('05r1-re-add', 0, 'pass'), r('00raid1', 1, 'pass'), r('05r1-re-add', 1, 'expected'), r('05r1-re-add.llbitmap', 1, 'pass'), r('02r1add', 1, 'timeout')];
		expect(summary(results, 0)).toBe('llbitmap=0: 2 passed, 0 failed, 0 skipped');
		expect(summary(results, 1)).toBe('llbitmap=1: 2 passed, 1 failed, 1 classic-only (failed as expected), 0 skipped');
		const md = markdown(results, 'h');
		expect(md).toContain('| 05r1-re-add | pass | classic-only |');
		expect(md).toContain('| 02r1add | - | **timeout** |');
	});

	test('guests: one single-vCPU guest per host core unless told; never more vCPUs than cores by default', () => {
		expect(guestShape(2)).toEqual({ jobs: 2, cpus: 1 });
		expect(guestShape(8)).toEqual({ jobs: 8, cpus: 1 });
		expect(guestShape(1)).toEqual({ jobs: 1, cpus: 1 });
		expect(guestShape(8, 2)).toEqual({ jobs: 2, cpus: 4 });
		expect(guestShape(2, 4)).toEqual({ jobs: 4, cpus: 1 });
		expect(guestShape(8, undefined, 2)).toEqual({ jobs: 4, cpus: 2 });
		expect(guestShape(2, undefined, 2)).toEqual({ jobs: 1, cpus: 2 });
		expect(guestShape(2, 1, 2)).toEqual({ jobs: 1, cpus: 2 });
	});

	const r = (test: string, mode: 0 | 1, result: TestResult['result'], firstError = result === 'pass' ? '' : `${test} broke`): TestResult => ({ test, mode, result, seconds: 1, firstError });
	const known = Object.keys(FAILS_HERE)[0];

	test('tests are dealt longest first to the least loaded guest, each guest keeping the suite order', () => {
		const secs: Record<string, number> = { a: 600, b: 300, c: 300, d: 100, e: 100, f: 100, g: 50 };
		const dealt = deal(Object.keys(secs), 2, (t) => secs[t]);
		expect(dealt).toEqual([['a', 'd', 'f'], ['b', 'c', 'e', 'g']]);
		const loads = dealt.map((g) => g.reduce((n, t) => n + secs[t], 0));
		expect(loads).toEqual([800, 750]);
		// round-robin would give 1050 / 500
		expect(deal(['a'], 3, () => 1)).toEqual([['a'], [], []]);
	});

	test('estimates: the run\'s own seconds per mode; a test it did not have gets its median; skips do not count', () => {
		const r = (test: string, mode: 0 | 1, seconds: number, result: TestResult['result'] = 'pass'): TestResult => ({ test, mode, result, seconds, firstError: '' });
		const est = estimates([r('a', 0, 10), r('a', 1, 20), r('b', 0, 30), r('c', 0, 600, 'timeout'), r('d', 0, 0, 'skip')]);
		expect([est('a', 0), est('a', 1), est('c', 0)]).toEqual([10, 20, 600]);
		expect(est('01raid6integ.layout-ls', 1)).toBe(30);
		expect(est('d', 0)).toBe(30);
		expect(estimates([])('x', 0)).toBe(60);
	});

	test('a regression is a test that passes with the classic bitmap and not with llbitmap=1, and nothing else', () => {
		const results = [
			r('a', 0, 'pass'), r('a', 1, 'fail'),
			r('b', 0, 'pass'), r('b', 1, 'timeout'),
			r('c', 0, 'pass'), r('c', 1, 'expected'),
			r('d', 0, 'fail'), r('d', 1, 'fail'),
			r('e', 0, 'fail'), r('e', 1, 'pass'),
			r('f', 0, 'pass'), r('f', 1, 'pass'),
			r('g', 0, 'pass'),
		];
		expect(regressions(results)).toEqual(['a', 'b', 'g']);
		expect(markdown(results, 'h')).toContain('Passed with the classic bitmap, not with llbitmap=1: a, b, g.');
		expect(markdown([r('f', 0, 'pass'), r('f', 1, 'pass')], 'h')).toContain('not with llbitmap=1: none.');
		// one mode alone has nothing to compare
		expect(markdown([r('f', 1, 'fail')], 'h')).not.toContain('Passed with the classic bitmap');
	});

	test('a test failing in both modes for a known reason shows the reason; one failing in a single mode does not', () => {
		const both = markdown([r(known, 0, 'fail'), r(known, 1, 'fail')], 'h');
		expect(both).toContain(`fails in both here: ${FAILS_HERE[known]}`);
		expect(both).toContain(`classic: ${known} broke<br>llbitmap: ${known} broke`);
		expect(markdown([r(known, 0, 'pass'), r(known, 1, 'fail')], 'h')).not.toContain('fails in both here');
		expect(markdown([r('x|y', 0, 'fail', 'a | b')], 'h')).toContain('classic: a \\| b');
		// a first error over several lines stays in its row
		const md = markdown([r('x', 0, 'fail', "++ die 'state U_U not found!'\n\tERROR: state U_U not found!")], 'h');
		expect(md).toContain("| classic: ++ die 'state U_U not found!' ERROR: state U_U not found! |");
		// one mode alone does not say "in both"
		expect(markdown([r(known, 0, 'fail')], 'h')).not.toContain('fails in both here');
	});

	test('a timing-dependent test shows why when it fails in either mode, and its regression says so', () => {
		const flaky = Object.keys(FLAKY)[0];
		const md = markdown([r(flaky, 0, 'pass'), r(flaky, 1, 'fail')], 'h');
		expect(md).toContain(`timing-dependent with either bitmap: ${FLAKY[flaky]}`);
		expect(md).toContain(`not with llbitmap=1: ${flaky} (timing-dependent with either bitmap, see its row).`);
		expect(markdown([r(flaky, 0, 'pass'), r(flaky, 1, 'pass')], 'h')).not.toContain('timing-dependent');
	});

	test('--publish puts the whole table in docs/ and the summary with the non-passing rows between the README markers', () => {
		const dir = mkdtempSync(join(tmpdir(), 'kts-mdadm-publish-'));
		const json = join(dir, 'results.json');
		const results = [r('00raid1', 0, 'pass'), r('00raid1', 1, 'pass'), r(known, 0, 'fail'), r(known, 1, 'fail'), r('05r1-re-add', 0, 'pass'), r('05r1-re-add', 1, 'expected')];
		writeFileSync(json, JSON.stringify({ mdadm: '4.4-11', date: '2026-11-30', minutes: 47, jobs: 2, cpus: 1, results }));
		const readme = join(dir, 'README.md');
		writeFileSync(readme, '# t\n\n<!-- mdadm-tests:begin (tsx qemu/mdadm-tests.ts --publish writes this part) -->\nold\n<!-- mdadm-tests:end -->\n\nafter\n');
		publish(json, join(dir, 'docs'), readme);
		const text = readFileSync(readme, 'utf8');
		expect(text).toMatch(/^# t\n\n<!-- mdadm-tests:begin .*-->\n#### mdadm 4\.4-11 test suite, kernel 6\.12, 2026-11-30 \(47 min, 2 guests of 1 vCPU at once, TCG\)\n/);
		expect(text.endsWith('<!-- mdadm-tests:end -->\n\nafter\n')).toBe(true);
		expect(text).not.toContain('old');
		expect(text).toContain('llbitmap=0: 2 passed, 1 failed, 0 skipped; llbitmap=1: 1 passed, 1 failed, 1 classic-only (failed as expected), 0 skipped.');
		expect(text).toContain('not with llbitmap=1: none.');
		expect(text).toContain(`| ${known} |`);
		expect(text).toContain('| 05r1-re-add | pass | classic-only |');
		expect(text).not.toContain('| 00raid1 |');
		expect(readFileSync(join(dir, 'docs', 'results.md'), 'utf8')).toContain('| 00raid1 | pass | pass |');
		expect(existsSync(join(dir, 'docs', 'results.json'))).toBe(true);
		publish(json, join(dir, 'docs'), readme);
		expect(readFileSync(readme, 'utf8')).toBe(text);
		writeFileSync(readme, '# no markers\n');
		expect(() => publish(json, join(dir, 'docs'), readme)).toThrow(/no .*mdadm-tests:begin/);
	});

	test('a test looping over layouts runs as one copy per layout, in both modes, and its copies name it', () => {
		for (const mode of [0, 1] as const)
			expect(testsFor(['00raid1', '01r5integ'], mode)).toEqual(['00raid1', '01r5integ.layout-ls', '01r5integ.layout-rs', '01r5integ.layout-la', '01r5integ.layout-ra']);
		expect(testsFor(['01raid6integ'], 0)).toHaveLength(13);
		expect(baseTest('01raid6integ.layout-ddf-N-restart')).toBe('01raid6integ');
		expect(baseTest('05r1-re-add.llbitmap')).toBe('05r1-re-add');
		expect(baseTest('00raid1')).toBe('00raid1');
	});

	test("each layout copy is the suite's own test with only its loop header changed (make check has the suite)", () => {
		for (const [t, c] of Object.entries(BY_LAYOUT)) {
			const original = readFileSync(join(MDADM_SRC, 'tests', t), 'utf8').split('\n');
			for (const l of c.layouts) {
				const copy = layoutTest(t, l).split('\n');
				expect(copy[0]).toBe(`# ${t} for layout ${l} alone (qemu/mdadm-tests.ts)`);
				const changed = copy.slice(1).flatMap((line, i) => (line === original[i] ? [] : [[original[i], line]]));
				expect(changed).toEqual([[c.loop, `for layout in ${l}`]]);
			}
		}
	});

	test('a suite whose layout loop or layouts changed is an error, not a silent copy', () => {
		const src = mkdtempSync(join(tmpdir(), 'kts-mdadm-'));
		mkdirSync(join(src, 'tests'));
		writeFileSync(join(src, 'tests', '01r5integ'), 'for layout in ls rs la\ndo\n  true\ndone\n');
		expect(() => layoutTest('01r5integ', 'ls', src)).toThrow(/has 0 lines "for layout in ls rs la ra"/);
		writeFileSync(join(src, 'tests', '01raid6integ'), "layouts='ls rs la ra'\nfor layout in $layouts\ndo\n  true\ndone\n");
		expect(() => layoutTest('01raid6integ', 'ls', src)).toThrow(/does not name the layouts parity-first, /);
		expect(() => layoutTest('01raid6integ', 'nonsense', src)).toThrow(/no layout nonsense/);
	});
});
