// make check: a CI-sized subset of mdadm's own test suite - the internal
// bitmap and re-add tests, and raid1/raid10 create, fail and add - with the
// classic bitmap and with llbitmap=1. Every test must pass in both modes.
// (make mdadm-tests runs the whole 00-07 families.)
import { describe, expect, test } from 'vitest';
import { CI_SUBSET, markdown, type Mode, runMdadmTests } from '../../qemu/mdadm-tests.js';

describe("mdadm's test suite, CI subset", () => {
	for (const mode of [0, 1] as Mode[]) {
		test(`llbitmap=${mode}: ${CI_SUBSET.join(', ')}`, async () => {
			const lines: string[] = [];
			const results = await runMdadmTests(CI_SUBSET, mode, { perTestSec: 400, log: (l) => lines.push(l) });
			const table = markdown(results, `mdadm suite, llbitmap=${mode}`);
			console.log(lines.join('\n'));
			expect(results.map((r) => r.test)).toEqual(CI_SUBSET);
			expect(results.filter((r) => r.result !== 'pass'), table).toEqual([]);
		}, 3 * 3600_000);
	}
});
