// `make bench`: one guest boot runs qemu/scenarios/bench.sh - fio on the raw
// ramdisk and on raid1/10/5 with no bitmap, the classic bitmap and llbitmap,
// interleaved and repeated - and this collects results.json, the Markdown
// table and the chart under build/bench/<timestamp>/.
//
//   tsx qemu/bench.ts            full run (about 30 minutes under TCG)
//   tsx qemu/bench.ts --quick    3 short rounds, about 5 minutes
//   tsx qemu/bench.ts --smoke    about a minute: raid1, none vs llbitmap (make check)
//   tsx qemu/bench.ts --report build/bench/<ts>/results.json
//                                redo the table and chart from the JSON
//   tsx qemu/bench.ts --publish build/bench/<ts>/results.json
//                                put them in docs/bench/ and the README
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchPlan, type BenchResults, type BenchRun, chart, type FioJson, fromFio, markdown } from './lib/bench-report.js';
import { BUILD, runGuest } from './lib/guest.js';
import { README, replaceReadmePart } from './lib/readme.js';

export const PLANS: Record<'full' | 'quick' | 'smoke', BenchPlan> = {
	full: { reps: 5, levels: ['1:2', '10:4', '5:4'], configs: ['none', 'classic', 'llbitmap'], runtime: 20, seq: 8, warm: 3, verifyMB: 32, ramMB: 512 },
	quick: { reps: 3, levels: ['1:2', '10:4', '5:4'], configs: ['none', 'classic', 'llbitmap'], runtime: 3, seq: 1, warm: 1, verifyMB: 8, ramMB: 256 },
	smoke: { reps: 1, levels: ['1:2'], configs: ['none', 'llbitmap'], runtime: 1, seq: 1, warm: 1, verifyMB: 4, ramMB: 64 },
};

/** Seconds the guest may take for each plan (its watchdog; test/qemu/bench.test.ts derives its own from it). */
export const BENCH_SECONDS: Record<keyof typeof PLANS, number> = { full: 5400, quick: 900, smoke: 300 };

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

/** Boot the guest, run the plan, return the results (throws if the guest failed). */
export async function bench(mode: keyof typeof PLANS, out: string, log: (s: string) => void = console.log): Promise<BenchResults> {
	const plan = PLANS[mode];
	const t0 = Date.now();
	const elapsed = () => `${Math.round((Date.now() - t0) / 1000)}s`.padStart(6);
	const est = mode === 'full' ? 'about 30 minutes' : mode === 'quick' ? 'about 5 minutes' : 'about a minute';
	log(`bench: ${mode} run (${est}): ${plan.reps} rounds of raw + ${plan.levels.map((l) => `raid${l.split(':')[0]}`).join(', ')} x ${plan.configs.join(', ')}`);
	const r = await runGuest({
		name: `bench-${mode}`,
		scenario: 'bench',
		memMB: 6144,
		timeoutSec: BENCH_SECONDS[mode],
		env: {
			BENCH_REPS: String(plan.reps),
			BENCH_LEVELS: plan.levels.join(' '),
			BENCH_CONFIGS: plan.configs.join(' '),
			BENCH_RUNTIME: String(plan.runtime),
			BENCH_SEQ: String(plan.seq),
			BENCH_WARM: String(plan.warm),
			BENCH_VERIFY_MB: String(plan.verifyMB),
			BENCH_RAM_MB: String(plan.ramMB),
		},
		onLine: (line) => {
			if (line.startsWith('bench:') || line.startsWith('FAIL')) log(`${elapsed()} ${line}`);
		},
	});
	if (!r.ok) throw new Error(`bench: the guest run failed: ${r.failure}`);
	const info = r.results.find((x) => 'vcpus' in x) as { vcpus: number; fio_jobs: number; kernel: string };
	const runs: BenchRun[] = [];
	for (const x of r.results) {
		if (!('workload' in x)) continue;
		const m = x as unknown as Omit<BenchRun, 'mibps' | 'iops' | 'p99_us' | 'data_writes'>;
		const fio = JSON.parse(readFileSync(join(r.steps[0].dir, 'fio', `${m.id}.json`), 'utf8')) as FioJson;
		runs.push({ ...m, ...fromFio(fio) });
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
	};
	mkdirSync(out, { recursive: true });
	writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
	return results;
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
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
	const unknown = args.filter((a) => !['--quick', '--smoke'].includes(a));
	if (unknown.length) throw new Error(`bench: unknown argument ${unknown[0]} (use --quick, --smoke, --report FILE or --publish FILE)`);
	const mode = args.includes('--smoke') ? 'smoke' : args.includes('--quick') ? 'quick' : 'full';
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
	const out = join(BUILD, 'bench', `${stamp}-${mode}`);
	const results = await bench(mode, out);
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
