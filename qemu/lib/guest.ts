// The one way to boot the QEMU guest and run a scenario in it.
//
// The guest's root is the host's / over virtio-9p, read-only (virtme-style),
// so the guest runs the host's mdadm, fio, bash and coreutils as they are.
// Each run gets a directory under build/runs/ that is shared writable with
// the guest as /run/kts: the scenario script goes in, results come out.
// The serial console (kernel log + scenario output) is streamed to a log
// file and scanned for kernel splats.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BUILD = join(ROOT, 'build');

/** A blank disk image of `bytes` at `path`: sparse, so it costs only what is written. */
export function blankImage(path: string, bytes: number): void {
	writeFileSync(path, '');
	truncateSync(path, bytes);
}

export interface Disk {
	/** Host path of a raw image, attached as a virtio-blk disk. */
	path: string;
	/** Cache mode; 'none' keeps the host page cache out of crash tests. */
	cache?: 'none' | 'writeback' | 'unsafe';
}

/**
 * One scenario run in a guest: a boot can run several in turn (each in its
 * own subshell with its own results, the guest reset between them), so
 * tests that need the same kernel share a boot.
 */
export interface Step {
	/** Names the step in markers, logs and the step's output directory. */
	name: string;
	/** A file under qemu/scenarios/ (without .sh), or inline bash. */
	scenario?: string;
	script?: string;
	args?: string[];
	/** Seconds the step may take (times SLOWDOWN on the debug kernel). */
	timeoutSec?: number;
}

export interface GuestOptions {
	/** Short name for logs and the run directory. */
	name: string;
	/** The scenarios, in order... */
	steps?: Step[];
	/** ...or one, named after the run. */
	scenario?: string;
	script?: string;
	args?: string[];
	timeoutSec?: number;
	/**
	 * Bash run before the first step in the shell that runs them all, so
	 * the steps have what it defines and exports. If it exits, no step runs.
	 */
	setup?: string;
	/**
	 * Bash run after each step but the last, so the next one starts clean
	 * (default kts_reset: arrays stopped, md, brd, loop and dm unloaded).
	 */
	reset?: string;
	env?: Record<string, string>;
	cpus?: number;
	memMB?: number;
	/** Kernel command-line parameters added to the harness's own. */
	append?: string[];
	disks?: Disk[];
	accel?: 'tcg' | 'kvm';
	/**
	 * TCG with QEMU's instruction-counted clock (-icount shift=N,sleep=off):
	 * guest time is 2^N ns per instruction, whatever the host's load, and
	 * idle time skips to the next timer. The vCPUs share one host thread.
	 */
	icount?: number;
	/** Kernel splats that the scenario provokes on purpose (regexps). */
	allowSplats?: RegExp[];
	/** Called with each console line as it arrives. */
	onLine?: (line: string) => void;
	/** Called when a step ends, with its result (before the guest powers off). */
	onStep?: (step: StepResult) => void;
	/** Kill QEMU (SIGKILL) when this returns true for a console line (crash tests)... */
	killWhen?: (line: string) => boolean;
	/** ...this many milliseconds later. */
	killAfterMs?: number;
	/** Kill QEMU when this is aborted (a test that gives up). */
	signal?: AbortSignal;
	/** Another kernel than KDIR's (default build/linux-6.12) and its modules: the mainline peer. */
	kernel?: Kernel;
}

/** A built kernel tree and the guest's module tree for it (scripts/guest-modules.sh). */
export interface Kernel {
	kdir: string;
	guestModules: string;
}

/** The mainline kernel with its own lockless bitmap (make kernel-mainline). */
export const MAINLINE: Kernel = { kdir: join(BUILD, 'linux-mainline'), guestModules: join(BUILD, 'guest-modules-mainline') };

export interface StepResult {
	name: string;
	ok: boolean;
	/** The step's exit status; null if it did not finish. */
	exitCode: number | null;
	/** It outlasted its timeout (the guest was killed). */
	timedOut: boolean;
	/** Never started: an earlier step hung or took the guest down. */
	notRun: boolean;
	/** Splats while it ran, and in the reset after it. */
	splats: string[];
	results: Record<string, unknown>[];
	/** Its output directory on the host ($KTS_OUT in the guest). */
	dir: string;
	seconds: number;
	/** Why it failed, with the relevant part of the guest's log. */
	failure?: string;
}

export interface GuestResult {
	name: string;
	ok: boolean;
	/** The exit status of the first step that failed, else of the last. */
	exitCode: number | null;
	timedOut: boolean;
	killed: boolean;
	/** Every splat, wherever it came. */
	splats: string[];
	/** Splats before the set-up and the first step: a boot problem, not the scenario's. */
	bootSplats: string[];
	steps: StepResult[];
	/** All steps' results, in order. */
	results: Record<string, unknown>[];
	log: string;
	logPath: string;
	runDir: string;
	seconds: number;
	accel: string;
	/** Why the run failed, with the relevant part of the guest's log. */
	failure?: string;
}

/** How much slower the guest kernel flavour under test is (make check-debug). */
export const SLOWDOWN = process.env.KTS_FLAVOUR === 'debug' ? 3 : 1;

/** Console lines that mean the kernel is unhappy. */
export const SPLAT_PATTERNS: RegExp[] = [
	/\bBUG: /,
	/\bWARNING: /,
	/\bOops\b/,
	/\bCall Trace:/,
	/\bKernel panic\b/,
	/\bINFO: task .* blocked for more than/,
	/\bwatchdog: BUG: soft lockup/,
	/\bgeneral protection fault\b/,
	/\bUBSAN: /,
	/\bKASAN: /,
	/\bpossible circular locking dependency\b/,
	/\bsuspicious RCU usage\b/,
	/\bODEBUG: /,
	/\binconsistent lock state\b/,
];

export interface Paths {
	kdir: string;
	bzImage: string;
	guestModules: string;
	release: string;
}

export function paths(kernel?: Kernel): Paths {
	// absolute: the guest sees the host's paths, not its working directory
	const kdir = resolve(kernel?.kdir || process.env.KDIR || join(BUILD, 'linux-6.12'));
	const guestModules = resolve(kernel?.guestModules || process.env.GUESTMOD || join(BUILD, 'guest-modules'));
	const bzImage = join(kdir, 'arch/x86/boot/bzImage');
	const relFile = join(guestModules, 'release');
	if (!existsSync(bzImage) || !existsSync(relFile))
		throw new Error(`guest: no kernel or modules yet (${bzImage}, ${relFile}); run make first`);
	return { kdir, bzImage, guestModules, release: readFileSync(relFile, 'utf8').trim() };
}

let probedAccel: 'tcg' | 'kvm' | undefined;

/**
 * TCG unless QEMU_ACCEL says otherwise or a short KVM probe boot finishes.
 * KVM guests have been seen to hang at boot on these machines, so KVM is
 * used only after it has proved itself, once per process.
 */
export async function chooseAccel(): Promise<'tcg' | 'kvm'> {
	const env = process.env.QEMU_ACCEL;
	if (env === 'tcg' || env === 'kvm') return env;
	if (env && env !== 'auto') throw new Error(`QEMU_ACCEL must be tcg, kvm or auto, not '${env}'`);
	if (probedAccel) return probedAccel;
	// One probe per kernel image: its verdict is kept next to the runs.
	const p = paths();
	const cache = join(BUILD, 'accel-probe.json');
	const key = `${p.bzImage}:${statSync(p.bzImage).mtimeMs}`;
	if (existsSync(cache)) {
		const c = JSON.parse(readFileSync(cache, 'utf8')) as { key: string; accel: 'tcg' | 'kvm' };
		if (c.key === key) return (probedAccel = c.accel);
	}
	probedAccel = 'tcg';
	if (existsSync('/dev/kvm')) {
		const r = await runGuest({ name: 'kvm-probe', script: 'true', accel: 'kvm', timeoutSec: 20 });
		if (r.ok) probedAccel = 'kvm';
		else process.stderr.write(`guest: KVM probe boot failed (${r.failure?.split('\n')[0]}); using TCG\n`);
	}
	writeFileSync(cache, JSON.stringify({ key, accel: probedAccel }));
	return probedAccel;
}

let runCounter = 0;

function runDirFor(name: string): string {
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
	const dir = join(BUILD, 'runs', `${stamp}-${process.pid}-${++runCounter}-${name}`);
	mkdirSync(dir, { recursive: true });
	return dir;
}

function shellQuote(s: string): string {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Seconds from QEMU's start to the first step: boot, modules, set-up (times SLOWDOWN). */
export const BOOT_SEC = 120;
/** Seconds a step may take when it does not say (times SLOWDOWN). */
export const STEP_SEC = 300;
/** Seconds from the last step's end to QEMU's exit: the power-off. */
const SHUTDOWN_SEC = 60;
/** Seconds the reset between two steps may take (times SLOWDOWN). */
const RESET_SEC = 120;

/** The steps a run has: its own, or the one its scenario/script makes. */
export function stepsOf(opts: GuestOptions): Step[] {
	if (opts.steps) {
		if (opts.scenario || opts.script) throw new Error('runGuest: steps, or scenario/script, not both');
		if (!opts.steps.length) throw new Error('runGuest: no steps');
		return opts.steps;
	}
	if (opts.scenario === undefined && opts.script === undefined) throw new Error('runGuest: steps, scenario or script required');
	return [{ name: opts.name, scenario: opts.scenario, script: opts.script, args: opts.args, timeoutSec: opts.timeoutSec }];
}

/**
 * The longest a run can take before its own watchdogs kill it, in seconds:
 * what a test's own timeout is derived from, so that the guest's timeout
 * (which shows the console) always fires first.
 */
export function guestSeconds(opts: GuestOptions): number {
	const steps = stepsOf(opts);
	return (BOOT_SEC + (steps.length - 1) * RESET_SEC + steps.reduce((a, s) => a + (s.timeoutSec ?? STEP_SEC), 0)) * SLOWDOWN + SHUTDOWN_SEC;
}

/**
 * The host's cores, shared by the guests of this process: a guest starts
 * when its vCPUs fit (each vCPU is a host thread that spins when it cannot
 * run, so overcommitting makes everything slower).
 */
const cores = availableParallelism();
let freeCores = cores;
let waiting: (() => void)[] = [];
async function takeCores(n: number): Promise<() => void> {
	const want = Math.min(n, cores);
	while (freeCores < want) await new Promise<void>((go) => waiting.push(go));
	freeCores -= want;
	return () => {
		freeCores += want;
		const wake = waiting;
		waiting = [];
		for (const go of wake) go();
	};
}

/** The guest's /run/kts/scenario.sh: set-up, then each step in a subshell, a reset between them. */
function driver(steps: Step[], opts: GuestOptions): string {
	const lines = ['set -o pipefail', `. ${shellQuote(join(ROOT, 'qemu/guest/lib.sh'))}`];
	// in this shell: what it defines and exports, the steps have
	if (opts.setup) lines.push('echo "KTS-SETUP-BEGIN"', opts.setup, 'echo "KTS-SETUP-END"');
	for (const [i, s] of steps.entries()) {
		const dir = `/run/kts/steps/${s.name}`;
		lines.push(
			`mkdir -p ${dir}; dmesg -C`,
			`echo "KTS-STEP-BEGIN ${s.name}"`,
			`(export KTS_OUT=${dir}; set -- ${(s.args ?? []).map(shellQuote).join(' ')}; . ${dir}/scenario.sh)`,
			'rc=$?',
			`echo "$rc" > ${dir}/exit-code`,
			`echo "KTS-STEP-END ${s.name} $rc"`,
		);
		if (i < steps.length - 1)
			lines.push(`if ! out=$( { ${opts.reset ?? 'kts_reset'}; } 2>&1); then echo "KTS-RESET-FAILED after ${s.name}: $out"; exit 1; fi`);
	}
	return `${lines.join('\n')}\n`;
}

/**
 * Boot the guest, run its steps in turn, power off; never throws for guest
 * failures. Each step has its own timeout (the guest is killed when one
 * outlasts it; the steps after it are not run), results and splats; a splat
 * before the first step is a boot problem and fails every step as such.
 */
export async function runGuest(opts: GuestOptions): Promise<GuestResult> {
	const steps = stepsOf(opts);
	for (const s of steps) if (!/^[\w.-]+$/.test(s.name)) throw new Error(`runGuest: step name '${s.name}' is not [A-Za-z0-9_.-]+`);
	if (new Set(steps.map((s) => s.name)).size !== steps.length) throw new Error('runGuest: two steps have the same name');
	const p = paths(opts.kernel);
	const accel = opts.accel ?? (await chooseAccel());
	const runDir = runDirFor(opts.name);
	for (const s of steps) {
		let text: string;
		if (s.script !== undefined) text = s.script;
		else if (s.scenario) text = readFileSync(join(ROOT, 'qemu/scenarios', `${s.scenario}.sh`), 'utf8');
		else throw new Error(`runGuest: step ${s.name} needs a scenario or a script`);
		mkdirSync(join(runDir, 'steps', s.name), { recursive: true });
		writeFileSync(join(runDir, 'steps', s.name, 'scenario.sh'), `${text}\n`);
	}
	writeFileSync(join(runDir, 'scenario.sh'), driver(steps, opts));
	const env: Record<string, string> = {
		KTS_ROOT: ROOT,
		KTS_MODULES: join(p.guestModules, 'lib/modules', p.release, 'extra'),
		KTS_GUEST_MODULES: join(p.guestModules, 'lib/modules'),
		KTS_OUT: '/run/kts',
		...opts.env,
	};
	writeFileSync(
		join(runDir, 'env'),
		Object.entries(env)
			.map(([k, v]) => `export ${k}=${shellQuote(v)}`)
			.join('\n') + '\n',
	);

	const cpus = opts.cpus ?? 2;
	if (opts.icount !== undefined && (accel !== 'tcg' || !Number.isInteger(opts.icount) || opts.icount < 0 || opts.icount > 10))
		throw new Error(`runGuest: icount needs TCG and a shift of 0 to 10 (got ${opts.icount} on ${accel})`);
	const args = [
		'-name', `kts-${opts.name}`,
		'-machine', 'pc',
		'-accel', accel,
		...(opts.icount !== undefined ? ['-icount', `shift=${opts.icount},sleep=off`] : []),
		'-cpu', 'max',
		'-smp', String(cpus),
		'-m', String(opts.memMB ?? 4096),
		'-display', 'none', '-vga', 'none', '-monitor', 'none',
		'-serial', 'stdio',
		'-no-reboot',
		'-nodefaults',
		'-kernel', p.bzImage,
		'-append', [
			'console=ttyS0,115200', 'earlyprintk=serial,ttyS0', 'panic=-1',
			'root=hostroot', 'rootfstype=9p', 'rootflags=trans=virtio,version=9p2000.L,msize=524288,cache=loose', 'ro',
			`init=${join(ROOT, 'qemu/guest/init')}`,
			'loglevel=6', 'hung_task_panic=0', 'nokaslr',
			// 4-level paging: with -cpu max TCG offers LA57, and on the
			// KASAN kernel an interrupt in identify_cpu(), while the CPU's
			// feature bits are cleared and re-read, saw KASAN's 4-level
			// shadow bounds and reported its 5-level irq_desc as a
			// wild-memory-access (2 of 17 debug boots; 0 of 50 with this)
			'no5lvl',
			// no ACPI interrupt routing: evaluating the PCI link objects
			// for the two virtio-9p devices took 21 s of the debug
			// kernel's boot; virtio-pci uses MSI-X and needs none of it
			'acpi=noirq',
			// KASAN and lockdep under TCG: a vCPU can lag for many seconds
			// without anything being wrong; the soft-lockup limit is 2x this
			...(SLOWDOWN > 1 ? ['watchdog_thresh=60'] : []),
			...(opts.append ?? []),
		].join(' '),
		'-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
		'-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
		'-fsdev', `local,id=kts,path=${runDir},security_model=none`,
		'-device', 'virtio-9p-pci,fsdev=kts,mount_tag=kts',
	];
	for (const [i, d] of (opts.disks ?? []).entries()) {
		args.push('-drive', `file=${d.path},format=raw,if=none,id=d${i},cache=${d.cache ?? 'none'},aio=threads`);
		args.push('-device', `virtio-blk-pci,drive=d${i},serial=kts${i}`);
	}

	const release = await takeCores(opts.icount !== undefined ? 1 : cpus);
	const logPath = join(runDir, 'console.log');
	const logStream = createWriteStream(logPath);
	const started = Date.now();
	const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	let partial = '';
	let killed = false;
	let watchdogFired: string | undefined;
	const allow = opts.allowSplats ?? [];
	const bootSplats: string[] = [];
	const splats: string[] = [];
	interface Seen { began: number; ended?: number; exitCode?: number; splats: string[]; from: number; to?: number }
	const seen = new Map<string, Seen>();
	let current: string | undefined;
	let last: string | undefined;
	let lastEnd = 0;
	let resetFailed: string | undefined;
	/** Where the console is: booting, in the set-up, or past it. */
	let phase: 'boot' | 'setup' | 'steps' = 'boot';
	const setupSplats: string[] = [];
	let timedOutStep: string | undefined;
	const kill = () => child.kill('SIGKILL');
	const qemuExit = () => (child.signalCode ? `qemu killed by ${child.signalCode}` : `qemu exit ${child.exitCode}`);

	const stepResult = (s: Step): StepResult => {
		const st = seen.get(s.name);
		const dir = join(runDir, 'steps', s.name);
		const results: Record<string, unknown>[] = [];
		const resFile = join(dir, 'results.jsonl');
		if (existsSync(resFile))
			for (const line of readFileSync(resFile, 'utf8').split('\n'))
				if (line.trim()) results.push(JSON.parse(line) as Record<string, unknown>);
		const timedOut = timedOutStep === s.name;
		// The serial console can drop characters (seen: the end marker of a
		// last step cut short just before the power-off); the step writes its
		// exit code to a file before it prints the marker.
		const codeFile = join(dir, 'exit-code');
		const exitCode =
			st?.exitCode ?? (st && !killed && !timedOut && existsSync(codeFile) ? Number(readFileSync(codeFile, 'utf8').trim()) : null);
		const stepSec = (s.timeoutSec ?? STEP_SEC) * SLOWDOWN;
		let failure: string | undefined;
		const setupFailed = !seen.size && phase === 'setup' ? 'the set-up before the first step did not finish' : undefined;
		if (bootSplats.length) failure = `kernel splat during boot, before any step ran (a boot problem, not this step's): ${bootSplats[0]}`;
		else if (setupSplats.length) failure = `kernel splat in the set-up before the first step: ${setupSplats[0]}`;
		else if (!st)
			failure = killed
				? undefined
				: `not run: ${setupFailed ?? resetFailed ?? (timedOutStep ? `step ${timedOutStep} timed out before it` : (watchdogFired ?? `the guest stopped before it (${qemuExit()})`))}`;
		else if (timedOut) failure = `step ${s.name} timed out after ${stepSec} s`;
		else if (st.splats.length) failure = `kernel splat: ${st.splats[0]}`;
		else if (killed) failure = undefined;
		else if (exitCode === null) failure = `the guest died during step ${s.name} without finishing it (${qemuExit()})`;
		else if (exitCode !== 0) failure = `scenario exited with ${exitCode}`;
		if (failure) {
			const part = st ? log.slice(st.from, st.to) : log;
			failure += `\n--- guest log (${logPath}) ---\n${excerpt(part, [...bootSplats, ...setupSplats, ...(st?.splats ?? [])][0])}`;
		}
		const r: StepResult = {
			name: s.name,
			ok: !failure && !!st && exitCode === 0,
			exitCode,
			timedOut,
			notRun: !st,
			splats: st?.splats ?? [],
			results,
			dir,
			seconds: st ? ((st.ended ?? Date.now()) - st.began) / 1000 : 0,
			failure,
		};
		return r;
	};

	const onData = (buf: Buffer) => {
		const text = buf.toString('utf8').replace(/\r/g, '');
		logStream.write(text);
		partial += text;
		const lines = partial.split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) {
			const at = log.length;
			log += `${line}\n`;
			const m = /^KTS-STEP-(BEGIN|END) ([\w.-]+)(?: (\d+))?$/.exec(line);
			if (m?.[1] === 'BEGIN') {
				phase = 'steps';
				if (last) seen.get(last)!.to = at;
				current = m[2];
				seen.set(current, { began: Date.now(), splats: [], from: at });
			} else if (m?.[1] === 'END' && seen.has(m[2])) {
				const st = seen.get(m[2])!;
				st.ended = lastEnd = Date.now();
				st.exitCode = Number(m[3]);
				current = undefined;
				last = m[2];
				const s = steps.find((x) => x.name === m[2]);
				if (s && opts.onStep) opts.onStep(stepResult(s));
			} else if (line.startsWith('KTS-RESET-FAILED ')) {
				resetFailed = `the reset ${line.slice(17)}`;
			} else if (line === 'KTS-SETUP-BEGIN') {
				phase = 'setup';
			} else if (line === 'KTS-SETUP-END') {
				phase = 'steps';
			} else if (SPLAT_PATTERNS.some((re) => re.test(line)) && !allow.some((re) => re.test(line))) {
				splats.push(line);
				// during a step, or in the reset after it: that step's
				const owner = current ?? last;
				if (owner) seen.get(owner)!.splats.push(line);
				else (phase === 'boot' ? bootSplats : setupSplats).push(line);
			}
			opts.onLine?.(line);
			if (!killed && opts.killWhen?.(line)) {
				killed = true;
				setTimeout(kill, opts.killAfterMs ?? 0);
			}
		}
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	const watchdog = setInterval(() => {
		const now = Date.now();
		if (!seen.size && now - started > BOOT_SEC * SLOWDOWN * 1000) {
			watchdogFired = `the guest did not reach its first step in ${BOOT_SEC * SLOWDOWN} s`;
			kill();
		} else if (current) {
			const s = steps.find((x) => x.name === current)!;
			if (now - seen.get(current)!.began > (s.timeoutSec ?? STEP_SEC) * SLOWDOWN * 1000) {
				timedOutStep = current;
				kill();
			}
		} else if (lastEnd && now - lastEnd > (last === steps.at(-1)?.name ? SHUTDOWN_SEC : RESET_SEC * SLOWDOWN) * 1000) {
			watchdogFired = last === steps.at(-1)?.name ? `the guest did not power off after its last step` : `the reset after step ${last} hung`;
			kill();
		}
	}, 500);
	const abort = () => {
		killed = true;
		kill();
	};
	if (opts.signal?.aborted) abort();
	opts.signal?.addEventListener('abort', abort);
	const status: number | null = await new Promise((res) => child.on('close', (code) => res(code)));
	clearInterval(watchdog);
	release();
	opts.signal?.removeEventListener('abort', abort);
	if (partial) onData(Buffer.from('\n'));
	await new Promise<void>((res) => logStream.end(res));

	const stepResults = steps.map(stepResult);
	const bad = stepResults.find((s) => s.failure);
	let failure: string | undefined;
	if (bad) failure = steps.length > 1 ? `step ${bad.name}: ${bad.failure}` : bad.failure;
	else if (!killed && watchdogFired) failure = `${watchdogFired}\n--- guest log (${logPath}) ---\n${excerpt(log)}`;
	else if (!killed && status !== 0 && stepResults.every((s) => s.ok) && !existsSync(join(runDir, 'exit-code')))
		failure = `the guest did not power off cleanly (qemu exit ${status})\n--- guest log (${logPath}) ---\n${excerpt(log)}`;
	const firstBad = stepResults.find((s) => s.exitCode !== 0);
	return {
		name: opts.name,
		ok: !failure && !killed,
		exitCode: (firstBad ?? stepResults.at(-1))!.exitCode,
		timedOut: !!timedOutStep,
		killed,
		splats,
		bootSplats,
		steps: stepResults,
		results: stepResults.flatMap((s) => s.results),
		log,
		logPath,
		runDir,
		seconds: (Date.now() - started) / 1000,
		accel,
		failure,
	};
}

/** The part of a guest log worth showing: around the first splat, else the tail. */
export function excerpt(log: string, around?: string, before = 20, after = 40): string {
	const lines = log.split('\n');
	let at = around ? lines.findIndex((l) => l === around) : -1;
	if (at < 0) return lines.slice(-80).join('\n');
	return lines.slice(Math.max(0, at - before), at + after).join('\n');
}
