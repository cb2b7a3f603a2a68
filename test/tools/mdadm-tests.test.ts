// The mdadm suite runner's bookkeeping, without a guest: which tests each
// mode runs, the adapted copies of classic-only tests, and the summary.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { adaptTest, CLASSIC_ONLY, CI_SUBSET, MDADM_SRC, markdown, summary, type TestResult, testsFor } from '../../qemu/mdadm-tests.js';

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
});
