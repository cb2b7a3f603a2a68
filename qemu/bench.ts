// `make bench`: one guest boot runs qemu/scenarios/bench.sh - fio on the raw
// ramdisk and on raid1/10/5 with no bitmap, the classic bitmap and llbitmap,
// interleaved and repeated - and this collects results.json, the Markdown
// table and the chart under build/bench/<timestamp>/.
//
//   tsx qemu/bench.ts            full run (about 50 minutes under TCG)
//   tsx qemu/bench.ts --quick    12 short rounds, about 12 minutes
//   tsx qemu/bench.ts --smoke    about a minute: raid1, none vs llbitmap (make check)
//   tsx qemu/bench.ts --report build/bench/<ts>/results.json
//                                redo the table and chart from the JSON
//   tsx qemu/bench.ts --publish build/bench/<ts>/results.json
//                                put them in docs/bench/ and the README
//   tsx qemu/bench.ts --peer [--quick|--smoke] [--chunk=KIB]
//                                the same plan on this module and on mainline
//                                7.3's llbitmap (make kernel-mainline), in
//                                alternating boots, llbitmap arrays made by
//                                mdadm 4.6 --bitmap=lockless on both; both
//                                tables and their ratio (make bench-peer);
//                                --chunk=KIB gives this module's arrays that
//                                chunk (mdadm --bitmap-chunk, llbitmap=1)
//                                where mainline picks its own (64 KiB here)
//   tsx qemu/bench.ts --publish-peer build/bench-peer/<ts>
//                                put those in docs/bench/peer/ and the README
//   tsx qemu/bench.ts --icount[=SHIFT] [--quick|--smoke]
//                                the plan with guest time counted in
//                                instructions (QEMU -icount shift=SHIFT,
//                                default 0: 1 ns each), not the host's clock
//   tsx qemu/bench.ts --profile [--peer] [--chunk=KIB]
//                                4k random writes on raid1 and raid10, none
//                                and llbitmap (mdadm 4.6 --bitmap=lockless,
//                                as in the peer bench; --chunk: llbitmap=1 and
//                                --bitmap-chunk), under perf record in the guest;
//                                profile.md compares them symbol by symbol
//                                in CPU per write (make bench-profile);
//                                --peer profiles mainline's llbitmap too
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchCost, type BenchPlan, type BenchResults, type BenchRun, chart, type Config, type FioJson, fromFio, markdown, peerMarkdown } from './lib/bench-report.js';
import { type Profile, parsePerfReport, profileMarkdown } from './lib/bench-profile.js';
import { BUILD, type Kernel, MAINLINE, runGuest } from './lib/guest.js';
import { README, replaceReadmePart } from './lib/readme.js';

export const PLANS: Record<'full' | 'quick' | 'smoke' | 'profile', BenchPlan> = {
	full: { sideBySide: true, fill: true, reps: 40, levels: ['1:2', '10:4', '5:4'], configs: ['none', 'classic', 'llbitmap'], runtime: 2, seq: 1, ramp: 1, idle: 60, warm: 3, verifyMB: 32, ramMB: 256, costWrites: 256 },
	quick: { sideBySide: true, fill: true, reps: 12, levels: ['1:2', '10:4', '5:4'], configs: ['none', 'classic', 'llbitmap'], runtime: 1, seq: 1, ramp: 1, idle: 60, warm: 1, verifyMB: 8, ramMB: 256, costWrites: 256 },
	smoke: { sideBySide: true, fill: true, reps: 1, levels: ['1:2'], configs: ['none', 'llbitmap'], runtime: 1, seq: 1, ramp: 1, idle: 60, warm: 1, verifyMB: 4, ramMB: 64, costWrites: 64 },
	profile: { sideBySide: true, fill: true, reps: 1, levels: ['1:2', '10:4'], configs: ['none', 'llbitmap'], runtime: 10, seq: 1, ramp: 0, idle: 60, warm: 2, verifyMB: 0, ramMB: 256, costWrites: 0 },
};

/** perf's sampling frequency in the profile plan, Hz. */
export const PROFILE_HZ = 1000;

/** Seconds the guest may take for each plan (its watchdog; test/qemu/bench.test.ts derives its own from it). */
export const BENCH_SECONDS: Record<keyof typeof PLANS, number> = { full: 5400, quick: 1800, smoke: 300, profile: 900 };

/** Write results.md and the chart next to results.json. */
export function report(results: BenchResults, dir: string): { md: string; svg: string; png: string } {
	const md = join(dir, 'results.md');
	writeFileSync(md, markdown(results));
	return { md, ...chart(results, dir) };
}

export const DOCS_BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'bench');

/**
 * The README shows the latest published run: the JSON, table and chart are
 * copied to docs/bench/ and the README's bench part is replaced by the
 * table (headings one level down) and the chart.
 */
export function publish(json: string, docs = DOCS_BENCH, readme = README): void {
	const results = JSON.parse(readFileSync(json, 'utf8')) as BenchResults;
	mkdirSync(docs, { recursive: true });
	const files = report(results, dirname(json));
	copyFileSync(json, join(docs, 'results.json'));
	for (const f of [files.md, files.svg, files.png]) copyFileSync(f, join(docs, f.slice(f.lastIndexOf('/') + 1)));
	const table = readFileSync(files.md, 'utf8').replace(/^###/m, '####').trim();
	const part = `${table}\n\n![fio MiB/s per level and bitmap](docs/bench/chart.svg)\n\n(\`docs/bench/results.json\`; \`tsx qemu/bench.ts --report docs/bench/results.json\` redoes table and chart.)`;
	replaceReadmePart(readme, 'bench', 'tsx qemu/bench.ts --publish', part);
}

export interface BenchOptions {
	/** Another kernel (the peer bench: mainline). */
	kernel?: Kernel;
	/** How llbitmap arrays are made (qemu/scenarios/bench.sh BENCH_LLBITMAP). */
	llbitmap?: 'param' | 'lockless';
	/** KiB: the llbitmap arrays' --bitmap-chunk (needs llbitmap 'param'). */
	chunkKB?: number;
	/** QEMU's -icount shift: guest time in instructions, not the host's clock. */
	icount?: number;
	/** The configurations each round runs (default: the plan's). */
	configs?: Config[];
	/** Rounds in this boot (default: the plan's), numbered from repBase + 1. */
	reps?: number;
	repBase?: number;
}

/** Boot the guest, run the plan, return the results (throws if the guest failed). */
export async function bench(mode: keyof typeof PLANS, out: string, log: (s: string) => void = console.log, opts: BenchOptions = {}): Promise<BenchResults> {
	const plan: BenchPlan = {
		...PLANS[mode],
		reps: opts.reps ?? PLANS[mode].reps,
		configs: opts.configs ?? PLANS[mode].configs,
		...(opts.chunkKB ? { chunkKB: opts.chunkKB } : {}),
	};
	const t0 = Date.now();
	const elapsed = () => `${Math.round((Date.now() - t0) / 1000)}s`.padStart(6);
	const est = { full: 'about 50 minutes', quick: 'about 12 minutes', smoke: 'about a minute', profile: 'about 4 minutes' }[mode];
	log(`bench: ${mode} run (${est}): ${plan.reps} rounds of each of ${plan.levels.map((l) => `raid${l.split(':')[0]}`).join(', ')} x ${plan.configs.join(', ')}`);
	const r = await runGuest({
		name: `bench-${mode}`,
		scenario: 'bench',
		memMB: 6144,
		// under -icount the vCPUs share one host thread: about 3x the time
		timeoutSec: BENCH_SECONDS[mode] * (opts.icount !== undefined ? 4 : 1),
		kernel: opts.kernel,
		icount: opts.icount,
		env: {
			BENCH_LLBITMAP: opts.llbitmap ?? 'param',
			BENCH_REPS: String(plan.reps),
			BENCH_LEVELS: plan.levels.join(' '),
			BENCH_CONFIGS: plan.configs.join(' '),
			BENCH_RUNTIME: String(plan.runtime),
			BENCH_SEQ: String(plan.seq),
			BENCH_WARM: String(plan.warm),
			BENCH_RAMP: String(plan.ramp ?? 0),
			BENCH_IDLE: plan.idle ? String(plan.idle) : '',
			BENCH_FILL: plan.fill ? '1' : '',
			BENCH_VERIFY_MB: String(plan.verifyMB),
			BENCH_RAM_MB: String(plan.ramMB),
			BENCH_COST_WRITES: String(plan.costWrites),
			BENCH_LLBITMAP_CHUNK: opts.chunkKB ? String(opts.chunkKB) : '',
			BENCH_PERF: mode === 'profile' ? String(PROFILE_HZ) : '',
		},
		onLine: (line) => {
			if (line.startsWith('bench:') || line.startsWith('FAIL')) log(`${elapsed()} ${line}`);
		},
	});
	if (!r.ok) throw new Error(`bench: the guest run failed: ${r.failure}`);
	// bench.sh's $KTS_OUT/fio: fio's JSON and perf's reports
	const fioDir = join(r.steps[0].dir, 'fio');
	const info = r.results.find((x) => 'vcpus' in x) as { vcpus: number; fio_jobs: number; kernel: string };
	const runs: BenchRun[] = [];
	const costs: BenchCost[] = r.results
		.filter((x) => 'cost' in x)
		.map((x) => {
			const n = (k: string) => Number((x as Record<string, unknown>)[k]);
			return {
				level: String(x.level),
				chunk_sectors: n('chunk_sectors'),
				writes: n('writes'),
				bitmap_sectors: n('bitmap_sectors'),
				dirty: n('dirty'),
				crash_sectors: n('crash_sectors'),
				readd_sectors: n('readd_sectors'),
			};
		});
	for (const x of r.results) {
		if (!('workload' in x)) continue;
		const m = x as unknown as Omit<BenchRun, 'mibps' | 'iops' | 'p99_us' | 'data_writes'>;
		const fio = JSON.parse(readFileSync(join(fioDir, `${m.id}.json`), 'utf8')) as FioJson;
		runs.push({ ...m, rep: Number(m.rep) + (opts.repBase ?? 0), ...fromFio(fio) });
	}
	const results: BenchResults = {
		date: new Date().toISOString(),
		accel: r.accel,
		vcpus: info.vcpus,
		fio_jobs: info.fio_jobs,
		kernel: info.kernel,
		mode,
		seconds: r.seconds,
		plan,
		runs,
		costs,
		...(opts.icount !== undefined ? { icount: opts.icount } : {}),
	};
	mkdirSync(out, { recursive: true });
	writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
	if (mode === 'profile') {
		const perf = (run: BenchRun, kind: string) => readFileSync(join(fioDir, `${run.id}.${kind}.txt`), 'utf8');
		const profiles: Profile[] = runs
			.filter((x) => x.workload === 'rand4k' && x.level !== 'raw')
			.map((run) => ({ run, hz: PROFILE_HZ, rows: parsePerfReport(perf(run, 'self'), perf(run, 'children')) }));
		writeFileSync(join(out, 'profile.json'), `${JSON.stringify(profiles, null, 1)}\n`);
		writeFileSync(join(out, 'profile.md'), profileMarkdown(results, profiles));
	}
	return results;
}

/**
 * How one side of a peer comparison runs: mainline's kernel or this
 * module's, llbitmap arrays by mdadm 4.6 --bitmap=lockless on both; that
 * takes no chunk size, so a chunk makes this module's arrays with
 * md_mod.llbitmap=1 and mdadm --bitmap-chunk instead.
 */
function peerSide(side: 'ours' | 'mainline', chunkKB?: number): BenchOptions {
	if (side === 'mainline') return { kernel: MAINLINE, llbitmap: 'lockless' };
	return chunkKB ? { llbitmap: 'param', chunkKB } : { llbitmap: 'lockless' };
}

/**
 * What the peer bench runs each round: llbitmap/none is the comparison;
 * the classic bitmap differs too much between the kernels to be a common
 * yardstick, and leaving it out buys a third more rounds.
 */
const PEER_CONFIGS: Config[] = ['none', 'llbitmap'];

/** Boots per kernel in the peer bench, alternating: drift over the run hits both kernels alike. */
const PEER_BOOTS: Record<keyof typeof PLANS, number> = { full: 2, quick: 2, smoke: 1, profile: 1 };

/**
 * The peer bench: the plan on this module and on mainline (llbitmap
 * arrays by mdadm 4.6 --bitmap=lockless on both), in alternating boots;
 * each kernel's rounds are merged into one results.json under out/ours and
 * out/mainline, and out/peer.md compares them.
 */
export async function peer(
	mode: keyof typeof PLANS,
	out: string,
	log: (s: string) => void = console.log,
	opts: { chunkKB?: number; reps?: number } = {},
): Promise<{ ours: BenchResults; mainline: BenchResults }> {
	const { chunkKB } = opts;
	const boots = PEER_BOOTS[mode];
	const reps = Math.ceil((opts.reps ?? PLANS[mode].reps) / boots);
	const got: Record<'ours' | 'mainline', BenchResults[]> = { ours: [], mainline: [] };
	for (let b = 0; b < boots; b++) {
		for (const side of ['ours', 'mainline'] as const) {
			log(`bench-peer: boot ${b + 1} of ${boots} on ${side}`);
			got[side].push(await bench(mode, join(out, side, `boot${b + 1}`), log, { ...peerSide(side, chunkKB), configs: PEER_CONFIGS, reps, repBase: b * reps }));
		}
	}
	const merged = (rs: BenchResults[]): BenchResults => ({
		...rs[0],
		seconds: rs.reduce((a, x) => a + x.seconds, 0),
		plan: { ...rs[0].plan, reps: reps * rs.length },
		runs: rs.flatMap((x) => x.runs),
		costs: rs.flatMap((x) => x.costs ?? []),
	});
	const result = { ours: merged(got.ours), mainline: merged(got.mainline) };
	for (const side of ['ours', 'mainline'] as const) {
		writeFileSync(join(out, side, 'results.json'), `${JSON.stringify(result[side], null, 1)}\n`);
		report(result[side], join(out, side));
	}
	writeFileSync(join(out, 'peer.md'), peerMarkdown(result.ours, result.mainline));
	return result;
}

/** docs/bench/peer/ and the README's bench-peer part, from a peer run's directory. */
export function publishPeer(dir: string, docs = join(DOCS_BENCH, 'peer'), readme = README): void {
	const ours = JSON.parse(readFileSync(join(dir, 'ours', 'results.json'), 'utf8')) as BenchResults;
	const mainline = JSON.parse(readFileSync(join(dir, 'mainline', 'results.json'), 'utf8')) as BenchResults;
	const md = peerMarkdown(ours, mainline);
	for (const side of ['ours', 'mainline'] as const) {
		const d = join(docs, side);
		mkdirSync(d, { recursive: true });
		const r = side === 'ours' ? ours : mainline;
		writeFileSync(join(d, 'results.json'), `${JSON.stringify(r, null, 1)}\n`);
		report(r, d);
	}
	writeFileSync(join(docs, 'peer.md'), md);
	const part = `${md.replace(/^###/m, '####').trim()}\n\nEach kernel's own table and chart: \`docs/bench/peer/ours/\`, \`docs/bench/peer/mainline/\`.`;
	replaceReadmePart(readme, 'bench-peer', 'tsx qemu/bench.ts --publish-peer', part);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const pp = args.indexOf('--publish-peer');
	if (pp >= 0) {
		const dir = args[pp + 1];
		if (!dir || !existsSync(join(dir ?? '', 'peer.md'))) throw new Error(`bench: --publish-peer needs a peer run's directory (got ${dir ?? 'nothing'})`);
		publishPeer(dir);
		console.log(`bench: ${join(DOCS_BENCH, 'peer')}/ and README.md updated from ${dir}`);
		return;
	}
	const pub = args.indexOf('--publish');
	if (pub >= 0) {
		const json = args[pub + 1];
		if (!json || !existsSync(json)) throw new Error(`bench: --publish needs a results.json (got ${json ?? 'nothing'})`);
		publish(json);
		console.log(`bench: ${DOCS_BENCH}/ and README.md updated from ${json}`);
		return;
	}
	const at = args.indexOf('--report');
	if (at >= 0) {
		const json = args[at + 1];
		if (!json || !existsSync(json)) throw new Error(`bench: --report needs a results.json (got ${json ?? 'nothing'})`);
		const files = report(JSON.parse(readFileSync(json, 'utf8')) as BenchResults, dirname(json));
		console.log(`bench: ${files.md}, ${files.svg}, ${files.png}`);
		return;
	}
	const chunkArg = args.find((a) => a.startsWith('--chunk='));
	const chunkKB = chunkArg ? Number(chunkArg.slice(8)) : undefined;
	if (chunkKB !== undefined && !(Number.isInteger(chunkKB) && chunkKB >= 4 && (chunkKB & (chunkKB - 1)) === 0))
		throw new Error(`bench: --chunk=KIB takes a power of two of at least 4 (got ${chunkArg})`);
	const repsArg = args.find((a) => a.startsWith('--reps='));
	const reps = repsArg ? Number(repsArg.slice(7)) : undefined;
	if (reps !== undefined && !(Number.isInteger(reps) && reps >= 1 && reps <= 50))
		throw new Error(`bench: --reps=N takes 1 to 50 rounds (got ${repsArg})`);
	const icountArg = args.find((a) => a === '--icount' || a.startsWith('--icount='));
	const icount = icountArg === undefined ? undefined : icountArg === '--icount' ? 0 : Number(icountArg.slice(9));
	if (repsArg && args.includes('--profile')) throw new Error(`bench: ${repsArg}: --profile runs one round`);
	if (icountArg && (args.includes('--peer') || args.includes('--profile')))
		throw new Error(`bench: ${icountArg} runs the plain bench, not --peer or --profile`);
	const unknown = args.filter((a) => !['--quick', '--smoke', '--peer', '--profile'].includes(a) && a !== chunkArg && a !== icountArg && a !== repsArg);
	if (unknown.length)
		throw new Error(`bench: unknown argument ${unknown[0]} (use --quick, --smoke, --profile, --peer, --chunk=KIB, --reps=N, --icount[=SHIFT], --report FILE, --publish FILE or --publish-peer DIR)`);
	const modes = (['smoke', 'quick', 'profile'] as const).filter((m) => args.includes(`--${m}`));
	if (modes.length > 1) throw new Error(`bench: --${modes[0]} and --${modes[1]} are two plans: pick one`);
	const mode = modes[0] ?? 'full';
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
	const run = `${stamp}-${mode}${chunkKB ? `-chunk${chunkKB}k` : ''}${icount !== undefined ? `-icount${icount}` : ''}`;
	if (mode === 'profile') {
		const out = join(BUILD, 'bench-profile', run);
		const sides = args.includes('--peer') ? (['ours', 'mainline'] as const) : (['ours'] as const);
		for (const side of sides) {
			await bench(mode, join(out, side), console.log, peerSide(side, chunkKB));
			console.log(`\n${readFileSync(join(out, side, 'profile.md'), 'utf8')}`);
		}
		console.log(`bench: profile in ${out}/{${sides.join(',')}}/profile.md`);
		return;
	}
	if (args.includes('--peer')) {
		const out = join(BUILD, 'bench-peer', run);
		await peer(mode, out, console.log, { chunkKB, reps });
		console.log(`\n${readFileSync(join(out, 'peer.md'), 'utf8')}`);
		console.log(`bench: peer run in ${out}/ (tsx qemu/bench.ts --publish-peer ${out})`);
		return;
	}
	const out = join(BUILD, 'bench', run);
	const results = await bench(mode, out, console.log, { ...(chunkKB ? { chunkKB } : {}), icount, reps });
	const files = report(results, out);
	const latest = join(BUILD, 'bench', 'latest');
	rmSync(latest, { force: true });
	symlinkSync(out, latest);
	console.log(`\n${readFileSync(files.md, 'utf8')}`);
	console.log(`bench: ${mode} run took ${Math.round(results.seconds / 60)} min; results in ${out}/ (build/bench/latest)`);
	console.log(`bench: ${readdirSync(out).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	main().catch((e: Error) => {
		console.error(e.message);
		process.exit(1);
	});
}
