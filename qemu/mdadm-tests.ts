// `make mdadm-tests`: mdadm's own test suite (Debian's mdadm source, built
// by scripts/mdadm-src.sh into build/mdadm/src) in the guest, once with the
// classic bitmap (md_mod.llbitmap=0) and once with llbitmap=1.
//
// Each test runs on its own (`./test --tests=NAME`, fresh loop devices),
// with a timeout; a test that hangs or takes the kernel down is recorded as
// such with its log, and the guest is booted again for the rest. A kernel
// splat during a test fails that test even if the suite saw nothing.
//
//   tsx qemu/mdadm-tests.ts                  the 00-07 families (raid0/1/10/4/5/6,
//                                            assembly, add/re-add/replace, grow,
//                                            sysfs, bitmaps), both modes
//   tsx qemu/mdadm-tests.ts --tests=a,b      those tests
//   tsx qemu/mdadm-tests.ts --skip=a,b       all but those (shown as skipped)
//   tsx qemu/mdadm-tests.ts --modes=1        one mode
//   tsx qemu/mdadm-tests.ts --jobs=N         N guests at once (default: one per host core)
//   tsx qemu/mdadm-tests.ts --cpus=N         vCPUs per guest (default: host cores / jobs)
//
// Why one single-vCPU guest per core (measured on 2 cores, TCG, six tests
// of the suite, both modes): one 2-vCPU guest per mode in turn took 11 min;
// two 2-vCPU guests at once 13 min, each test up to 4x slower and 3x the
// host CPU (a vCPU spins on a lock or an IPI whose holder's vCPU thread is
// not running); two 1-vCPU guests 5.4 min, each test as fast as on one
// 2-vCPU guest; four 1-vCPU guests 4.5 min, but CPU-bound tests twice as
// slow, which the suite's timing-sensitive checks do not need. On the whole
// suite four guests lose: the first 24 tests (00*) took 2.5x as long each
// as with two guests (1476 s against 592 s), 20% less work done per hour.
//
//   tsx qemu/mdadm-tests.ts --report  build/mdadm-tests/<ts>/results.json   the table again
//   tsx qemu/mdadm-tests.ts --publish build/mdadm-tests/<ts>/results.json   into docs/ and the README
// Output: build/mdadm-tests/<timestamp>/results.{json,md}.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import { BUILD, excerpt, guestSeconds, ROOT, runGuest, SLOWDOWN } from './lib/guest.js';
import { README, replaceReadmePart } from './lib/readme.js';

export const MDADM_SRC = join(BUILD, 'mdadm', 'src');
export type Mode = 0 | 1;
/** `expected`: a classic-only test failing under llbitmap=1 exactly as CLASSIC_ONLY says. */
export type Outcome = 'pass' | 'fail' | 'skip' | 'timeout' | 'crash' | 'expected';

export interface TestResult {
	test: string;
	mode: Mode;
	result: Outcome;
	seconds: number;
	firstError: string;
	/** The suite's own note when it marks the test known broken (tests/NAME.broken). */
	knownBroken?: string;
}

/** The CI-sized subset make check runs in both modes. */
export const CI_SUBSET = [
	'00raid1',
	'00raid10',
	'01r1fail',
	'02r1add',
	'05r1-internalbitmap',
	'05r1-internalbitmap-v1a',
	'05r1-internalbitmap-v1b',
	'05r1-internalbitmap-v1c',
	'05r1-re-add',
	'05r5-internalbitmap',
];

/**
 * Tests with an assertion that holds only for the classic bitmap. Under
 * llbitmap=1 the original still runs and must fail with `error` (any other
 * failure is a failure), and an adapted copy without the `drop` lines
 * (`NAME.llbitmap`, made under build/ before the guest boots) runs the rest
 * of the test, which must pass.
 */
export const CLASSIC_ONLY: Record<string, { error: RegExp; why: string; drop: string[] }> = {
	'05r1-re-add': {
		error: /no resync happening/,
		why: 'its first check wants a resync right after --create: llbitmap starts a new raid1 Unwritten and has nothing to resync (so does mainline llbitmap)',
		drop: ['check resync'],
	},
};
/**
 * Tests that fail with the classic bitmap too, on kernel 6.12 in this guest,
 * and why: nothing to do with the bitmap. The table and the README show the
 * reason next to the result; they still count as failed.
 */
export const FAILS_HERE: Record<string, string> = {
	'07autoassemble':
		'needs udev: it expects the udev rules (mdadm -I) to assemble the raid0 stacked on two raid1s as the foreign md127; the guest runs no udevd, so `mdadm -As --homehost=testing` assembles it as md0 and /dev/md127 never appears',
};

/**
 * Tests whose outcome changes from run to run with either bitmap: timing
 * against a reshape or rebuild under way. The table shows the reason next
 * to a failure, and a regression line names them apart.
 */
export const FLAKY: Record<string, string> = {
	'07changelevelintr':
		"stops and re-assembles a raid5 in the middle of each reshape: depending on how far the reshape got, the re-assembly fails ('Failed to restore critical section for reshape', 'no reshape happening', or sync_max busy); passed here in 2 of 5 runs with the classic bitmap, 4 of 5 with llbitmap=1 (2026-11-30)",
	'03r5assemV1':
		"re-assembles a raid5 with a half-rebuilt spare and expects [U_U] at once; passed here in 1 of 5 runs with the classic bitmap, 2 of 5 with llbitmap=1 (2026-11-30)",
};

/**
 * Tests that go round a loop of RAID layouts, each layout a dozen member
 * failures, re-adds and `check wait`s (at least 7 s of the suite's own
 * sleeps each, 15 s under TCG): 01raid6integ does 208 of them, about 54
 * minutes, far past the watchdog. They run as one copy per layout
 * (`NAME.layout-L`, the loop header `loop` made `for layout in L`), dealt
 * to the guests like any other test; the test passes when every copy does.
 */
export const BY_LAYOUT: Record<string, { loop: string; layouts: string[] }> = {
	'01r5integ': { loop: 'for layout in ls rs la ra', layouts: ['ls', 'rs', 'la', 'ra'] },
	'01raid6integ': {
		loop: 'for layout in $layouts',
		// 'ls rs la ra', and on kernels from 2.6.30 the rest
		layouts: [
			'ls', 'rs', 'la', 'ra', 'parity-first', 'ddf-zero-restart', 'ddf-N-restart', 'ddf-N-continue',
			'left-asymmetric-6', 'right-asymmetric-6', 'left-symmetric-6', 'right-symmetric-6', 'parity-first-6',
		],
	},
};

/**
 * Tests that need more than the default watchdog under TCG, in seconds:
 * 07layouts restripes a 5-member raid5 through 7 layouts and a raid6
 * through 15, each a reshape of the whole array; it was still going at
 * 600 s in both modes.
 */
export const SLOW: Record<string, number> = { '07layouts': 1800 };
/** The watchdog's default seconds for a test, and for one the suite marks known broken. */
const PER_TEST_SEC = 600;
const BROKEN_SEC = 240;

export const ADAPTED = join(BUILD, 'mdadm', 'adapted');
/** qemu/llbitmap-examine.ts compiled to JavaScript for the guest's mdadm -X shim. */
export const EXAMINE = join(BUILD, 'mdadm', 'examine', 'llbitmap-examine.js');

/**
 * Compile qemu/llbitmap-examine.ts and what it imports for the guest: the
 * suite runs mdadm -X a few times a test, and node with the tsx loader
 * took seconds a call in a 1-vCPU guest under TCG.
 */
function writeExamine(): void {
	const out = dirname(EXAMINE);
	for (const [src, dst] of [
		['qemu/llbitmap-examine.ts', 'llbitmap-examine.js'],
		['qemu/lib/mdimage.ts', 'lib/mdimage.js'],
	]) {
		const r = ts.transpileModule(readFileSync(join(ROOT, src), 'utf8'), {
			compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
			fileName: src,
			reportDiagnostics: true,
		});
		if (r.diagnostics?.length) throw new Error(`mdadm-tests: ${src}: ${ts.flattenDiagnosticMessageText(r.diagnostics[0].messageText, '\n')}`);
		mkdirSync(dirname(join(out, dst)), { recursive: true });
		writeFileSync(join(out, dst), r.outputText);
	}
	writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
}
export const adapted = (test: string) => `${test}.llbitmap`;
export const layoutCopy = (test: string, layout: string) => `${test}.layout-${layout}`;
/** The suite's test a copy was made from. */
export const baseTest = (test: string) => test.replace(/\.(llbitmap|layout-[\w-]+)$/, '');

/**
 * The tests a mode runs: a test looping over layouts as its copies, one
 * per layout; under llbitmap=1 each classic-only test followed by its
 * adapted copy.
 */
export function testsFor(tests: string[], mode: Mode): string[] {
	return tests.flatMap((t) => {
		if (BY_LAYOUT[t]) return BY_LAYOUT[t].layouts.map((l) => layoutCopy(t, l));
		return mode === 1 && CLASSIC_ONLY[t] ? [t, adapted(t)] : [t];
	});
}

/** The adapted copy of a classic-only test: the first line equal to each `drop` line removed. */
export function adaptTest(test: string, src = MDADM_SRC): string {
	const c = CLASSIC_ONLY[test];
	if (!c) throw new Error(`mdadm-tests: ${test} is not in CLASSIC_ONLY`);
	const lines = readFileSync(join(src, 'tests', test), 'utf8').split('\n');
	for (const d of c.drop) {
		const i = lines.findIndex((l) => l.trim() === d);
		if (i < 0) throw new Error(`mdadm-tests: ${test} has no line "${d}" to drop; CLASSIC_ONLY needs a look`);
		lines.splice(i, 1);
	}
	return `# ${test} for llbitmap=1, without: ${c.drop.join('; ')} (qemu/mdadm-tests.ts)\n${lines.join('\n')}`;
}

/** The copy of a layout-looping test that runs one layout: its loop header, and only that, changed. */
export function layoutTest(test: string, layout: string, src = MDADM_SRC): string {
	const c = BY_LAYOUT[test];
	if (!c?.layouts.includes(layout)) throw new Error(`mdadm-tests: ${test} has no layout ${layout} in BY_LAYOUT`);
	const text = readFileSync(join(src, 'tests', test), 'utf8');
	const lines = text.split('\n');
	const at = lines.flatMap((l, i) => (l.trim() === c.loop ? [i] : []));
	if (at.length !== 1) throw new Error(`mdadm-tests: ${test} has ${at.length} lines "${c.loop}", not one; BY_LAYOUT needs a look`);
	const missing = c.layouts.filter((l) => !new RegExp(`[\\s'"]${l.replace(/-/g, '\\-')}(?=[\\s'"]|$)`, 'm').test(text));
	if (missing.length) throw new Error(`mdadm-tests: ${test} does not name the layouts ${missing.join(', ')}; BY_LAYOUT needs a look`);
	lines[at[0]] = lines[at[0]].replace(c.loop, `for layout in ${layout}`);
	return `# ${test} for layout ${layout} alone (qemu/mdadm-tests.ts)\n${lines.join('\n')}`;
}

/** Write the copies these tests need into ADAPTED, which the guest adds to the suite's tests/. */
function writeAdapted(tests: string[]): void {
	mkdirSync(ADAPTED, { recursive: true });
	for (const t of tests) {
		if (CLASSIC_ONLY[t]) writeFileSync(join(ADAPTED, adapted(t)), adaptTest(t));
		for (const l of BY_LAYOUT[t]?.layouts ?? []) writeFileSync(join(ADAPTED, layoutCopy(t, l)), layoutTest(t, l));
	}
}

/** The families to run: 00-07 (none of them needs IMSM, DDF or a cluster). */
export function familyTests(src = MDADM_SRC): string[] {
	return readdirSync(join(src, 'tests'))
		.filter((t) => /^0[0-7][a-z0-9]/.test(t) && !/\.(broken|inject_error)$|~$/.test(t))
		.filter((t) => !/imsm|ddf|cluster/i.test(t))
		.sort();
}

function knownBroken(test: string, src = MDADM_SRC): string | undefined {
	const f = join(src, 'tests', `${baseTest(test)}.broken`);
	return existsSync(f) ? readFileSync(f, 'utf8').split('\n')[0].trim() : undefined;
}

export interface RunOptions {
	/** Seconds one test may take under TCG (times the debug kernel's slowdown). */
	perTestSec?: number;
	/**
	 * Seconds for a test the suite marks known broken (tests/NAME.broken):
	 * 07changelevels ("R5 -> R6 migration makes md unresponsive") hangs
	 * in both modes and would hold a guest for the whole perTestSec.
	 */
	brokenSec?: number;
	log?: (line: string) => void;
	/** Names this guest's runs apart from other guests running at the same time. */
	shard?: number;
	/** vCPUs per guest (default 2). */
	cpus?: number;
	/** Seconds each test is expected to take (default: the published run's). */
	estimate?: Estimate;
}

/** Between two tests of a boot: what a test left behind must not leak into the next. */
const RESET = 'mdadm.real -Ssq 2> /dev/null; losetup -D 2> /dev/null; true';

/** One test of the suite in one mode: what a guest is dealt. */
export interface Job {
	test: string;
	mode: Mode;
}

/** A job's step name in the guest (a test runs in both modes on one guest). */
const stepName = (j: Job) => `m${j.mode}-${j.test}`;

/**
 * Run `jobs` (tests as testsFor gives them, copies written) on one guest,
 * each a step of the boot with its own watchdog that first sets
 * md_mod.llbitmap to its mode; past a test that hung or took the kernel
 * down, the guest is booted again for the rest. A kernel splat while a test
 * ran, or in the clean-up after it, fails that test; one in the set-up
 * fails the run.
 */
async function runMdadmTests(jobs: Job[], opts: RunOptions = {}): Promise<TestResult[]> {
	const log = opts.log ?? console.log;
	const perTest = opts.perTestSec ?? PER_TEST_SEC;
	const perBroken = Math.min(perTest, opts.brokenSec ?? BROKEN_SEC);
	// seconds under TCG; runGuest scales them for the debug kernel
	const watchdogSec = (test: string) => (knownBroken(test) ? perBroken : (SLOW[baseTest(test)] ?? perTest));
	const results: TestResult[] = [];
	let remaining = [...jobs];
	let boot = 0;
	const job = (name: string) => jobs.find((j) => stepName(j) === name)!;
	while (remaining.length) {
		boot++;
		const r = await runGuest({
			name: `mdadm-${opts.shard ?? 0}-${boot}`,
			setup: readFileSync(join(ROOT, 'qemu/scenarios/mdadm-suite.sh'), 'utf8'),
			reset: RESET,
			steps: remaining.map((j) => ({ name: stepName(j), script: `kts_mdadm_mode ${j.mode} && kts_mdadm_test ${j.test}`, timeoutSec: watchdogSec(j.test) })),
			env: { MDADM_SRC, MDADM_ADAPTED: ADAPTED, KTS_EXAMINE: EXAMINE },
			memMB: 4096,
			cpus: opts.cpus,
			onStep: (s) => {
				const { test, mode } = job(s.name);
				const x = s.results.find((y) => 'test' in y);
				const classic = mode === 1 && CLASSIC_ONLY[test] && x?.result === 'fail' ? ' (classic-only: must fail at its known check)' : '';
				log(`mdadm-tests: llbitmap=${mode} ${test.padEnd(34)} ${String(x?.result ?? 'no result').padEnd(5)} ${Math.round(s.seconds)}s${classic}`);
			},
		});
		const ran = r.steps.filter((s) => !s.notRun);
		if (!ran.length || r.bootSplats.length)
			throw new Error(`mdadm-tests: the guest did not get to the first test\n${r.failure ?? excerpt(r.log)}`);
		for (const s of ran) {
			const { test, mode } = job(s.name);
			const x = s.results.find((y) => 'test' in y);
			const splat = s.splats[0];
			let result: Outcome;
			let firstError: string;
			if (!x) {
				// hung (the step's watchdog) or took the kernel down
				result = s.timedOut ? 'timeout' : 'crash';
				const why = [splat && `kernel: ${splat}`, s.timedOut ? `no end after ${watchdogSec(test) * SLOWDOWN} s${watchdogSec(test) < perTest ? ' (known broken)' : ''}` : s.failure?.split('\n')[0]]
					.filter(Boolean)
					.join('; ');
				firstError = `${why} (log: ${r.logPath})`;
				log(`mdadm-tests: llbitmap=${mode} ${test.padEnd(34)} ${result.toUpperCase()}: ${why}; booting again for the rest`);
			} else {
				result = splat ? 'fail' : (x.result as Outcome);
				firstError = splat ? `kernel: ${splat}` : String(x.first_error ?? '');
			}
			const classic = mode === 1 ? CLASSIC_ONLY[test] : undefined;
			if (classic && result === 'fail' && classic.error.test(firstError)) {
				result = 'expected';
				firstError = `expected: ${classic.why} (${firstError})`;
			}
			results.push({ test, mode, result, seconds: Math.round(s.seconds), firstError, knownBroken: knownBroken(test) });
		}
		remaining = r.steps.filter((s) => s.notRun).map((s) => job(s.name));
	}
	return results;
}

/**
 * The longest runMdadmSuite can take, in seconds, whatever happens: every
 * test of every mode hitting its watchdog and costing a boot of its own.
 * What a caller's own timeout is derived from.
 */
export function suiteSeconds(tests: string[], modes: Mode[], opts: RunOptions = {}): number {
	const perTest = opts.perTestSec ?? PER_TEST_SEC;
	const perBroken = Math.min(perTest, opts.brokenSec ?? BROKEN_SEC);
	return modes
		.flatMap((m) => testsFor(tests, m))
		.reduce((a, t) => a + guestSeconds({ name: t, script: '', timeoutSec: knownBroken(t) ? perBroken : (SLOW[baseTest(t)] ?? perTest) }), 0);
}

/**
 * How many guests at once and how many vCPUs each, for `cores` host cores:
 * by default one guest per core with one vCPU (see the top of this file
 * for the measurements); `jobs` alone gives each guest its share of the
 * cores; a vCPU count never overcommits unless asked for.
 */
export function guestShape(cores: number, jobs?: number, cpus?: number): { jobs: number; cpus: number } {
	const j = jobs ?? Math.max(1, cpus ? Math.floor(cores / cpus) : cores);
	return { jobs: j, cpus: cpus ?? Math.max(1, Math.floor(cores / j)) };
}

/** Seconds a test took in mode `mode` in a run: what dealing the tests to guests goes by. */
export type Estimate = (test: string, mode: Mode) => number;

/**
 * Estimates from a run's results (the published one by default): a test's
 * own seconds; for a test the run did not have, a layout copy included,
 * the run's median.
 */
export function estimates(results: TestResult[]): Estimate {
	const seconds = new Map(results.filter((r) => r.result !== 'skip').map((r) => [`${r.mode}:${r.test}`, r.seconds]));
	const sorted = [...seconds.values()].sort((a, b) => a - b);
	const median = sorted.length ? sorted[sorted.length >> 1] : 60;
	return (test, mode) => seconds.get(`${mode}:${test}`) ?? median;
}

/**
 * Deal `tests` to `n` guests so that they finish together: longest first,
 * each to the guest with the least so far (LPT). Each guest runs its tests
 * in the order of `tests`.
 */
export function deal(tests: string[], n: number, estimate: (test: string) => number): string[][] {
	const load = new Array<number>(n).fill(0);
	const guest = new Map<string, number>();
	for (const t of [...tests].sort((a, b) => estimate(b) - estimate(a))) {
		const g = load.indexOf(Math.min(...load));
		guest.set(t, g);
		load[g] += estimate(t);
	}
	return load.map((_, g) => tests.filter((t) => guest.get(t) === g));
}

const readRun = (json: string) => JSON.parse(readFileSync(json, 'utf8')) as SuiteRun;

/** The published run's results, if there is one, else none. */
function publishedResults(): TestResult[] {
	const json = join(DOCS_MDADM, 'results.json');
	return existsSync(json) ? readRun(json).results : [];
}

/**
 * Run `tests` in each of `modes` on `jobs` guests at once: every (mode,
 * test) job is dealt by `deal`, with the published run's times, so the
 * guests finish together whichever mode is slower (a guest switches
 * md_mod.llbitmap between its tests). Results come back in the order of
 * `modes` and `tests`.
 */
export async function runMdadmSuite(tests: string[], modes: Mode[], jobs: number, opts: RunOptions = {}): Promise<TestResult[]> {
	if (!existsSync(join(MDADM_SRC, 'mdadm'))) throw new Error(`mdadm-tests: ${MDADM_SRC}/mdadm is missing; run make mdadm-tests (scripts/mdadm-src.sh)`);
	writeAdapted(tests);
	writeExamine();
	const at = (r: TestResult) => testsFor(tests, r.mode).indexOf(r.test);
	const all: Job[] = modes.flatMap((mode) => testsFor(tests, mode).map((test) => ({ test, mode })));
	const estimate = opts.estimate ?? estimates(publishedResults());
	const names = all.map(stepName);
	const dealt = deal(names, jobs, (n) => {
		const j = all[names.indexOf(n)];
		return estimate(j.test, j.mode);
	}).map((list) => list.map((n) => all[names.indexOf(n)]));
	const results = (await Promise.all(dealt.filter((list) => list.length).map((list, shard) => runMdadmTests(list, { ...opts, shard })))).flat();
	return results.sort((a, b) => modes.indexOf(a.mode) - modes.indexOf(b.mode) || at(a) - at(b));
}

export function summary(results: TestResult[], mode: Mode): string {
	const mine = results.filter((r) => r.mode === mode);
	const n = (o: Outcome[]) => mine.filter((r) => o.includes(r.result)).length;
	const expected = n(['expected']) ? `, ${n(['expected'])} classic-only (failed as expected)` : '';
	return `llbitmap=${mode}: ${n(['pass'])} passed, ${n(['fail', 'timeout', 'crash'])} failed${expected}, ${n(['skip'])} skipped`;
}

const ok = (r?: TestResult) => r?.result === 'pass' || r?.result === 'expected';

/** Tests that pass with the classic bitmap and not with llbitmap=1: what this suite is run to find. */
export function regressions(results: TestResult[]): string[] {
	return results.filter((c) => c.mode === 0 && c.result === 'pass' && !ok(results.find((l) => l.mode === 1 && l.test === c.test))).map((c) => c.test);
}

function regressionLine(results: TestResult[]): string {
	if (!results.some((r) => r.mode === 0) || !results.some((r) => r.mode === 1)) return '';
	const reg = regressions(results).map((t) => (FLAKY[t] ? `${t} (timing-dependent with either bitmap, see its row)` : t));
	return `Passed with the classic bitmap, not with llbitmap=1: ${reg.length ? reg.join(', ') : 'none'}.`;
}

function row(results: TestResult[], t: string): string {
	const cell = (r?: TestResult) => (r ? (r.result === 'pass' ? 'pass' : r.result === 'expected' ? 'classic-only' : `**${r.result}**`) : '-');
	const c = results.find((r) => r.test === t && r.mode === 0);
	const l = results.find((r) => r.test === t && r.mode === 1);
	const why = [
		c && l && !ok(c) && !ok(l) && FAILS_HERE[t] ? `fails in both here: ${FAILS_HERE[t]}` : '',
		(!ok(c) || !ok(l)) && FLAKY[t] ? `timing-dependent with either bitmap: ${FLAKY[t]}` : '',
		...[c, l].filter((r): r is TestResult => !!r && r.result !== 'pass' && !!r.firstError).map((r) => `${r.mode ? 'llbitmap' : 'classic'}: ${r.firstError}`),
	]
		.filter(Boolean)
		.map((x) => x.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' '))
		.join('<br>');
	const broken = (c ?? l)?.knownBroken ? ` (suite: known broken, "${(c ?? l)!.knownBroken}")` : '';
	return `| ${t}${broken} | ${cell(c)} | ${cell(l)} | ${c?.seconds ?? '-'} / ${l?.seconds ?? '-'} | ${why} |`;
}

const HEAD = ['| test | classic (llbitmap=0) | llbitmap=1 | seconds | first error |', '|---|---|---|---:|---|'];

/** The Markdown table: a row per test, the two modes side by side. */
export function markdown(results: TestResult[], header: string): string {
	const tests = [...new Set(results.map((r) => r.test))].sort();
	const modes = [...new Set(results.map((r) => r.mode))].sort();
	const reg = regressionLine(results);
	return [header, '', `${modes.map((m) => summary(results, m)).join('; ')}.`, ...(reg ? ['', reg] : []), '', ...HEAD, ...tests.map((t) => row(results, t)), ''].join('\n');
}

export interface SuiteRun {
	mdadm: string;
	date?: string;
	minutes: number;
	jobs?: number;
	cpus?: number;
	results: TestResult[];
}

export function runHeader(run: SuiteRun, level = '###'): string {
	const shape = run.jobs ? `, ${run.jobs} guests of ${run.cpus} vCPU at once, TCG` : '';
	return `${level} mdadm ${run.mdadm} test suite, kernel 6.12${run.date ? `, ${run.date}` : ''} (${run.minutes} min${shape})`;
}

export const DOCS_MDADM = join(ROOT, 'docs', 'mdadm-tests');

/**
 * The README shows the latest published full run: its summary, the tests
 * that did not pass in both modes with the reason, and a link to the whole
 * table, which goes to docs/mdadm-tests/ with the JSON.
 */
export function publish(json: string, docs = DOCS_MDADM, readme = README): void {
	const run = readRun(json);
	mkdirSync(docs, { recursive: true });
	if (json !== join(docs, 'results.json')) copyFileSync(json, join(docs, 'results.json'));
	writeFileSync(join(docs, 'results.md'), markdown(run.results, runHeader(run)));
	const tests = [...new Set(run.results.map((r) => r.test))].sort();
	const notBoth = tests.filter((t) => run.results.some((r) => r.test === t && r.result !== 'pass'));
	const part = [
		runHeader(run, '####'),
		'',
		`${[0, 1].map((m) => summary(run.results, m as Mode)).join('; ')}.`,
		'',
		regressionLine(run.results),
		'',
		`The tests that did not pass in both modes (all ${tests.length}: [docs/mdadm-tests/results.md](docs/mdadm-tests/results.md)):`,
		'',
		...HEAD,
		...notBoth.map((t) => row(run.results, t)),
		'',
		'(`tsx qemu/mdadm-tests.ts --report docs/mdadm-tests/results.json` redoes the table from the JSON.)',
	].join('\n');
	replaceReadmePart(readme, 'mdadm-tests', 'tsx qemu/mdadm-tests.ts --publish', part);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const redo = args.findIndex((a) => a === '--report' || a === '--publish');
	if (redo >= 0) {
		const json = args[redo + 1];
		if (!json || !existsSync(json)) throw new Error(`mdadm-tests: ${args[redo]} needs a results.json (got ${json ?? 'nothing'})`);
		const run = readRun(json);
		if (args[redo] === '--publish') publish(json);
		else console.log(markdown(run.results, runHeader(run)));
		return;
	}
	let tests = familyTests();
	let modes: Mode[] = [0, 1];
	let jobs: number | undefined;
	let cpus: number | undefined;
	let skip: string[] = [];
	for (const a of args) {
		if (a.startsWith('--tests=')) tests = a.slice(8).split(',').filter(Boolean);
		else if (a.startsWith('--skip=')) skip = a.slice(7).split(',').filter(Boolean);
		else if (/^--modes=[01](,[01])?$/.test(a)) modes = a.slice(8).split(',').map((m) => (m === '1' ? 1 : 0));
		else if (/^--jobs=[1-9][0-9]*$/.test(a)) jobs = Number(a.slice(7));
		else if (/^--cpus=[1-9][0-9]*$/.test(a)) cpus = Number(a.slice(7));
		else throw new Error(`mdadm-tests: bad argument ${a} (--tests=a,b --skip=a,b --modes=0,1 --jobs=N --cpus=N, or --report/--publish results.json)`);
	}
	const unknown = skip.filter((t) => !tests.includes(t));
	if (unknown.length) throw new Error(`mdadm-tests: --skip names tests not in this run: ${unknown.join(', ')}`);
	tests = tests.filter((t) => !skip.includes(t));
	const version = readFileSync(join(BUILD, 'mdadm', 'version'), 'utf8').trim();
	const t0 = Date.now();
	const shape = guestShape(availableParallelism(), jobs, cpus);
	console.log(
		`mdadm-tests: mdadm ${version}, ${tests.length} tests x llbitmap=${modes.join(',')} on ${shape.jobs} guests of ${shape.cpus} vCPU (a test may take ${PER_TEST_SEC * SLOWDOWN} s, one the suite marks known broken ${BROKEN_SEC * SLOWDOWN} s, ${Object.entries(SLOW).map(([t, sec]) => `${t} ${sec * SLOWDOWN} s`).join(', ')})`,
	);
	const results = await runMdadmSuite(tests, modes, shape.jobs, { cpus: shape.cpus });
	for (const mode of modes)
		for (const test of skip) results.push({ test, mode, result: 'skip', seconds: 0, firstError: 'left out of this run (--skip)' });
	const run: SuiteRun = { mdadm: version, date: new Date().toISOString().slice(0, 10), minutes: Math.round((Date.now() - t0) / 60000), ...shape, results };
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
	const out = join(BUILD, 'mdadm-tests', stamp);
	mkdirSync(out, { recursive: true });
	writeFileSync(join(out, 'results.json'), `${JSON.stringify(run, null, 1)}\n`);
	const md = markdown(results, runHeader(run));
	writeFileSync(join(out, 'results.md'), md);
	const latest = join(BUILD, 'mdadm-tests', 'latest');
	rmSync(latest, { force: true });
	symlinkSync(out, latest);
	console.log(`\n${md}`);
	for (const m of modes) console.log(`mdadm-tests: ${summary(results, m)}`);
	console.log(`mdadm-tests: ${run.minutes} min; ${out}/results.{json,md} (--publish ${out}/results.json puts them in docs/ and the README)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	main().catch((e: Error) => {
		console.error(e.message);
		process.exit(1);
	});
}
