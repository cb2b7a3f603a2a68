// `make check`: every test, in phases that fail early and cost little
// first, each phase timed; a table of the times at the end (also when a
// phase fails) and build/check-times.json = {"total": s, "phases": {name: s}}.
//
//   tsx scripts/check.ts [--since=EPOCH_MS] [--no-debug | --debug-only]
//
// --since: when `make deps` started (the Makefile runs it before this, since
// this file needs npm's packages); --no-debug: KDIR is the user's own tree,
// so there is no debug flavour to build; --debug-only: make check-debug,
// the debug kernel's phases alone.
//
// Order: the committed generated/ against ktsc's output (before anything
// regenerates it), the tests that need nothing but Node, the kernel (cached
// by its inputs: scripts/kernel.sh), the modules and the C quality gates,
// the QEMU tests, then the debug kernel and its tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BUILD = join(ROOT, 'build');
const OUT = join(BUILD, 'check');
export const TIMES = join(BUILD, 'check-times.json');

/** The test files that need only Node (and, for test/tools, mdadm's source). */
export const NODE_TESTS = ['test/compiler', 'test/sim', 'test/tools', 'test/bench'];
/** The C quality gates (W=1, sparse, checkpatch): they need the kernel tree. */
export const GATE_TESTS = ['test/build'];
/**
 * On the guest kernel; the interop tests need mainline's kernel too (a
 * second kernel build): make interop-tests, in make check-full.
 */
export const GUEST_TESTS = ['test/qemu', '--exclude', 'test/qemu/interop.test.ts'];
/** On the debug kernel (make check-debug runs the same list). */
export const DEBUG_TESTS = ['test/qemu/llbitmap.test.ts'];

export interface Times {
	total: number;
	phases: Record<string, number>;
}

interface Phase {
	name: string;
	/** A command, or a vitest run whose per-file times become phases of their own. */
	run: string[] | { vitest: string[]; env?: Record<string, string>; tag?: string };
}

const DEBUG_ENV = { KDIR: join(BUILD, 'linux-6.12-debug'), GUESTMOD: join(BUILD, 'guest-modules-debug'), KTS_FLAVOUR: 'debug' };

export function phases(which: 'all' | 'no-debug' | 'debug-only'): Phase[] {
	const make = (...t: string[]) => ['make', '--no-print-directory', ...t];
	const debug: Phase[] = [
		{ name: 'kernel (debug)', run: make('kernel-debug') },
		{ name: 'modules (debug)', run: make('guest-modules-debug') },
		{ name: 'debug tests', run: { vitest: DEBUG_TESTS, env: DEBUG_ENV, tag: ' (debug)' } },
	];
	if (which === 'debug-only') return debug;
	return [
		{ name: 'generated/ is what ktsc writes', run: ['node', 'compiler/bin/ktsc.js', 'kmod-src', '-o', 'generated', '--check'] },
		{ name: 'mdadm source', run: make('mdadm') },
		// the differential tests' random programs: 2,000 (issue 15's target)
		{ name: 'Node tests', run: { vitest: NODE_TESTS, env: { KTS_DIFF_PROGRAMS: '2000' } } },
		{ name: 'kernel', run: make('kernel') },
		{ name: 'modules', run: make('guest-modules') },
		{ name: 'C quality gates', run: { vitest: GATE_TESTS } },
		{ name: 'guest tests', run: { vitest: GUEST_TESTS } },
		...(which === 'all' ? debug : []),
	];
}

function spawnInherit(cmd: string[], env: Record<string, string> = {}): Promise<number> {
	return new Promise((res) => {
		const c = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
		c.on('close', (code, sig) => res(code ?? (sig ? 128 : 1)));
	});
}

interface VitestJson {
	/** When the run started. */
	startTime: number;
	testResults: { name: string; startTime: number; endTime: number; status: string }[];
}

/**
 * Seconds per test file from vitest's JSON report, in the order they ran:
 * from the end of the file before (the files run one at a time), so that
 * a file's collection and its beforeAll hooks count, which its own
 * startTime leaves out (the mdadm suite runs in a beforeAll).
 */
export function fileTimes(json: VitestJson, tag = ''): Record<string, number> {
	const out: Record<string, number> = {};
	let prev = json.startTime;
	for (const f of [...json.testResults].sort((a, b) => a.endTime - b.endTime)) {
		out[`${relative(ROOT, f.name)}${tag}`] = Math.round((f.endTime - Math.min(prev, f.startTime)) / 100) / 10;
		prev = f.endTime;
	}
	return out;
}

/** The table printed at the end: one row a phase, the total last. */
export function table(t: Times, failed?: string): string {
	const w = Math.max(...Object.keys(t.phases).map((k) => k.length), 5);
	const row = (k: string, s: number) => `${k.padEnd(w)}  ${s.toFixed(1).padStart(7)} s  ${(s / 60).toFixed(1).padStart(5)} min`;
	return [
		`make check: time per phase${failed ? ` (stopped: ${failed} failed)` : ''}`,
		...Object.entries(t.phases).map(([k, s]) => row(k, s)),
		'-'.repeat(w + 22),
		row('total', t.total),
	].join('\n');
}

async function main(): Promise<number> {
	const args = process.argv.slice(2);
	const since = Number(args.find((a) => a.startsWith('--since='))?.slice(8) ?? Date.now());
	const which = args.includes('--debug-only') ? 'debug-only' : args.includes('--no-debug') ? 'no-debug' : 'all';
	mkdirSync(OUT, { recursive: true });
	const times: Times = { total: 0, phases: {} };
	const start = Date.now();
	if (since < start) times.phases.deps = Math.round((start - since) / 100) / 10;
	let failed: string | undefined;
	const finish = () => {
		times.total = Math.round((Date.now() - Math.min(since, start)) / 100) / 10;
		writeFileSync(TIMES, `${JSON.stringify(times, null, '\t')}\n`);
		console.log(`\n${table(times, failed)}\n(${relative(ROOT, TIMES)})`);
	};

	for (const p of phases(which)) {
		console.log(`\n=== check: ${p.name}`);
		const t0 = Date.now();
		let rc: number;
		if (Array.isArray(p.run)) {
			rc = await spawnInherit(p.run);
			times.phases[p.name] = Math.round((Date.now() - t0) / 100) / 10;
		} else {
			const json = join(OUT, `${p.name.replace(/\W+/g, '-')}.json`);
			rc = await spawnInherit(
				['node_modules/.bin/vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, ...p.run.vitest],
				p.run.env,
			);
			const wall = (Date.now() - t0) / 1000;
			const files = existsSync(json) ? fileTimes(JSON.parse(readFileSync(json, 'utf8')) as VitestJson, p.run.tag) : {};
			Object.assign(times.phases, files);
			// vitest's own start-up and collection, and anything between files
			const rest = wall - Object.values(files).reduce((a, b) => a + b, 0);
			times.phases[`${p.name}: vitest itself`] = Math.round(Math.max(0, rest) * 10) / 10;
		}
		if (rc !== 0) {
			failed = p.name;
			finish();
			return rc;
		}
	}
	finish();
	return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main());
