// make check: a CI-sized subset of mdadm's own test suite - the internal
// bitmap and re-add tests, and raid1/raid10 create, fail and add - with the
// classic bitmap and with llbitmap=1. Every test must pass in both modes,
// except that under llbitmap=1 a test with a classic-only check
// (CLASSIC_ONLY) must fail at exactly that check, and its copy without the
// check must pass. (make mdadm-tests runs the whole 00-07 families.)
import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, test } from 'vitest';
import { CI_SUBSET, guestShape, markdown, type Mode, runMdadmSuite, suiteSeconds, type TestResult, testsFor } from '../../qemu/mdadm-tests.js';

const OPTS = { perTestSec: 400 };
const MODES: Mode[] = [0, 1];

describe("mdadm's test suite, CI subset", () => {
	let results: TestResult[] = [];
	beforeAll(async () => {
		const lines: string[] = [];
		// the two modes side by side, as make mdadm-tests runs them
		const { jobs, cpus } = guestShape(availableParallelism());
		results = await runMdadmSuite(CI_SUBSET, MODES, jobs, { ...OPTS, cpus, log: (l) => lines.push(l) });
		console.log(lines.join('\n'));
		// the guests' own watchdogs fire first: this is the longest they can take
	}, (suiteSeconds(CI_SUBSET, MODES, OPTS) + 60) * 1000);

	for (const mode of MODES) {
		test(`llbitmap=${mode}: ${testsFor(CI_SUBSET, mode).join(', ')}`, () => {
			const mine = results.filter((r) => r.mode === mode);
			expect(mine.map((r) => r.test)).toEqual(testsFor(CI_SUBSET, mode));
			const bad = mine.filter((r) => r.result !== 'pass' && r.result !== 'expected');
			expect(bad, markdown(mine, `mdadm suite, llbitmap=${mode}`)).toEqual([]);
		});
	}
});
