// The one way to boot the QEMU guest and run a scenario in it.
//
// The guest's root is the host's / over virtio-9p, read-only (virtme-style),
// so the guest runs the host's mdadm, fio, bash and coreutils as they are.
// Each run gets a directory under build/runs/ that is shared writable with
// the guest as /run/kts: the scenario script goes in, results come out.
// The serial console (kernel log + scenario output) is streamed to a log
// file and scanned for kernel splats.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BUILD = join(ROOT, 'build');

export interface Disk {
	/** Host path of a raw image, attached as a virtio-blk disk. */
	path: string;
	/** Cache mode; 'none' keeps the host page cache out of crash tests. */
	cache?: 'none' | 'writeback' | 'unsafe';
}

export interface GuestOptions {
	/** Short name for logs and the run directory. */
	name: string;
	/** Scenario: a file under qemu/scenarios/ (without .sh) or inline bash. */
	scenario?: string;
	script?: string;
	args?: string[];
	env?: Record<string, string>;
	timeoutSec?: number;
	cpus?: number;
	memMB?: number;
	disks?: Disk[];
	accel?: 'tcg' | 'kvm';
	/** Kernel splats that the scenario provokes on purpose (regexps). */
	allowSplats?: RegExp[];
	/** Called with each console line as it arrives. */
	onLine?: (line: string) => void;
	/** Kill QEMU (SIGKILL) when this returns true for a console line (crash tests)... */
	killWhen?: (line: string) => boolean;
	/** ...this many milliseconds later. */
	killAfterMs?: number;
	/** Kill QEMU when this is aborted (a runner's own watchdog). */
	signal?: AbortSignal;
}

export interface GuestResult {
	name: string;
	ok: boolean;
	exitCode: number | null;
	timedOut: boolean;
	killed: boolean;
	splats: string[];
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

export function paths(): Paths {
	// absolute: the guest sees the host's paths, not its working directory
	const kdir = resolve(process.env.KDIR || join(BUILD, 'linux-6.12'));
	const guestModules = resolve(process.env.GUESTMOD || join(BUILD, 'guest-modules'));
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

/** Boot the guest, run one scenario, power off; never throws for guest failures. */
export async function runGuest(opts: GuestOptions): Promise<GuestResult> {
	const p = paths();
	const accel = opts.accel ?? (await chooseAccel());
	const runDir = runDirFor(opts.name);
	// The debug kernel (KASAN, lockdep) runs everything a few times slower.
	const timeoutSec = (opts.timeoutSec ?? 300) * SLOWDOWN;

	let script: string;
	if (opts.script !== undefined) script = opts.script;
	else if (opts.scenario) script = readFileSync(join(ROOT, 'qemu/scenarios', `${opts.scenario}.sh`), 'utf8');
	else throw new Error('runGuest: scenario or script required');
	writeFileSync(
		join(runDir, 'scenario.sh'),
		[
			'set -o pipefail',
			`set -- ${(opts.args ?? []).map(shellQuote).join(' ')}`,
			`. ${shellQuote(join(ROOT, 'qemu/guest/lib.sh'))}`,
			script,
			'',
		].join('\n'),
	);
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
	const args = [
		'-name', `kts-${opts.name}`,
		'-machine', 'pc',
		'-accel', accel,
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
			// KASAN and lockdep under TCG: a vCPU can lag for many seconds
			// without anything being wrong; the soft-lockup limit is 2x this
			...(SLOWDOWN > 1 ? ['watchdog_thresh=60'] : []),
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

	const logPath = join(runDir, 'console.log');
	const logStream = createWriteStream(logPath);
	const started = Date.now();
	const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	let partial = '';
	let timedOut = false;
	let killed = false;
	const splats: string[] = [];
	const allow = opts.allowSplats ?? [];

	const onData = (buf: Buffer) => {
		const text = buf.toString('utf8').replace(/\r/g, '');
		logStream.write(text);
		log += text;
		partial += text;
		const lines = partial.split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) {
			if (SPLAT_PATTERNS.some((re) => re.test(line)) && !allow.some((re) => re.test(line))) splats.push(line);
			opts.onLine?.(line);
			if (!killed && opts.killWhen?.(line)) {
				killed = true;
				setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 0);
			}
		}
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	const timer = setTimeout(() => {
		timedOut = true;
		child.kill('SIGKILL');
	}, timeoutSec * 1000);
	const abort = () => {
		killed = true;
		child.kill('SIGKILL');
	};
	if (opts.signal?.aborted) abort();
	opts.signal?.addEventListener('abort', abort);
	const status: number | null = await new Promise((res) => child.on('close', (code) => res(code)));
	clearTimeout(timer);
	opts.signal?.removeEventListener('abort', abort);
	await new Promise<void>((res) => logStream.end(res));

	const codeFile = join(runDir, 'exit-code');
	const exitCode = existsSync(codeFile) ? Number(readFileSync(codeFile, 'utf8').trim()) : null;
	const results: Record<string, unknown>[] = [];
	const resFile = join(runDir, 'results.jsonl');
	if (existsSync(resFile))
		for (const line of readFileSync(resFile, 'utf8').split('\n'))
			if (line.trim()) results.push(JSON.parse(line) as Record<string, unknown>);

	const seconds = (Date.now() - started) / 1000;
	let failure: string | undefined;
	if (timedOut) failure = `guest timed out after ${timeoutSec} s`;
	else if (splats.length) failure = `kernel splat: ${splats[0]}`;
	else if (killed) failure = undefined;
	else if (exitCode === null) failure = `guest died without finishing (qemu exit ${status})`;
	else if (exitCode !== 0) failure = `scenario exited with ${exitCode}`;
	if (failure) failure += `\n--- guest log (${logPath}) ---\n${excerpt(log, splats[0])}`;

	return {
		name: opts.name,
		ok: !failure && !killed,
		exitCode,
		timedOut,
		killed,
		splats,
		results,
		log,
		logPath,
		runDir,
		seconds,
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
