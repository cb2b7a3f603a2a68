// make check: a CI-sized subset of mdadm's own test suite - the internal
// bitmap and re-add tests, and raid1/raid10 create, fail and add - with the
// classic bitmap and with llbitmap=1, one guest per mode at the same time.
// Every test must pass in both modes. (make mdadm-tests runs the whole 00-07
// families.)
import { beforeAll, describe, expect, test } from 'vitest';
import { CI_SUBSET, markdown, type Mode, runMdadmSuite, type TestResult } from '../../qemu/mdadm-tests.js';

describe("mdadm's test suite, CI subset", () => {
	let results: TestResult[] = [];
	beforeAll(async () => {
		const lines: string[] = [];
		results = await runMdadmSuite(CI_SUBSET, [0, 1], 2, { perTestSec: 400, log: (l) => lines.push(l) });
		console.log(lines.join('\n'));
	}, 3 * 3600_000);

	for (const mode of [0, 1] as Mode[]) {
		test(`llbitmap=${mode}: ${CI_SUBSET.join(', ')}`, () => {
			const mine = results.filter((r) => r.mode === mode);
			expect(mine.map((r) => r.test)).toEqual(CI_SUBSET);
			expect(mine.filter((r) => r.result !== 'pass'), markdown(mine, `mdadm suite, llbitmap=${mode}`)).toEqual([]);
		});
	}
});
