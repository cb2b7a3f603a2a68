// The benchmark's results: what one run of qemu/scenarios/bench.sh
// measured (results.json), and what is made from it alone - the Markdown
// table with medians and ratios, and the chart (gnuplot: SVG and PNG).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from './rng.js';

export const CONFIGS = ['none', 'classic', 'llbitmap'] as const;
export type Config = 'raw' | (typeof CONFIGS)[number];
export type Workload = 'rand4k' | 'seq1m' | 'verify';

export const WORKLOAD_NAMES: Record<Workload, string> = {
	rand4k: '4k random write',
	seq1m: '1M sequential write',
	verify: '4k random write + crc32c verify',
};

export interface BenchPlan {
	reps: number;
	/** level:members, e.g. 10:4 */
	levels: string[];
	configs: Config[];
	runtime: number;
	seq: number;
	warm: number;
	/** A sequential pass over the whole device before the random warm-up: every chunk Dirty (absent in runs before 2026-12-02's fourth session). */
	fill?: boolean;
	/**
	 * Each level's arrays, one per configuration, side by side on their own
	 * ramdisks, prepared once; a round is one measured slice on each in turn
	 * (absent in runs before 2026-12-02's fifth session: a round made each
	 * configuration's array afresh, prepared it and ran it, one after the
	 * other).
	 */
	sideBySide?: boolean;
	/** Seconds of the same load before each slice is measured (fio --ramp_time; absent: none). */
	ramp?: number;
	/**
	 * Seconds before the measured arrays' bitmaps take a chunk as idle
	 * (llbitmap barrier_idle, the classic bitmap's time_base): longer than
	 * a round, so the gaps between an array's slices are no idle time to
	 * its bitmap (absent: each kernel's default, 5 s).
	 */
	idle?: number;
	verifyMB: number;
	ramMB: number;
	/** 4k random writes of the resync cost load (round 1, llbitmap arrays; 0: none). */
	costWrites: number;
	/** KiB: the llbitmap arrays' --bitmap-chunk (this module only); absent: each kernel's own choice. */
	chunkKB?: number;
}

export interface BenchRun {
	id: string;
	rep: number;
	/** raid1, raid10, raid5 or raw */
	level: string;
	config: Config;
	workload: Workload;
	mibps: number;
	iops: number;
	p99_us: number;
	cpu_s: number;
	/** Bitmap block writes during the run (llbitmap only; -1: not counted). */
	bitmap_writes: number;
	/** Data write IOs fio issued. */
	data_writes: number;
	verify_errors?: number;
}

/**
 * What the same sparse load costs in resync on one llbitmap array
 * (qemu/scenarios/bench.sh cost): a bigger chunk is cheaper to write and
 * dearer to resync.
 */
export interface BenchCost {
	level: string;
	chunk_sectors: number;
	/** 4k writes at random offsets of the clean new array. */
	writes: number;
	/**
	 * Sectors the members took for them beyond what the same load wrote
	 * with no bitmap: the bitmap's writes, each chunk's first write's cost
	 * (absent in runs before 2026-12-02's fourth session).
	 */
	bitmap_sectors?: number;
	/** Chunks Dirty right after them: what a crash then resyncs. */
	dirty: number;
	crash_sectors: number;
	/** Sectors md wrote to a member that was out while the same load ran again, re-added (with md's metadata writes). */
	readd_sectors: number;
}

export interface BenchResults {
	date: string;
	accel: string;
	vcpus: number;
	fio_jobs: number;
	kernel: string;
	mode: string;
	seconds: number;
	plan: BenchPlan;
	runs: BenchRun[];
	costs?: BenchCost[];
	/** QEMU's -icount shift: guest time counted in instructions (absent: wall-clock TCG). */
	icount?: number;
}

/** How the guest ran and kept time, for table and chart titles. */
export function clockOf(r: Pick<BenchResults, 'accel' | 'icount'>): string {
	return `${r.accel.toUpperCase()}${r.icount !== undefined ? ` -icount shift=${r.icount}` : ''}`;
}

/** The fields of fio's JSON output a run needs. */
export interface FioJson {
	jobs: {
		error: number;
		write: { bw: number; iops: number; total_ios: number; clat_ns: { percentile?: Record<string, number> } };
	}[];
}

export function fromFio(fio: FioJson): Pick<BenchRun, 'mibps' | 'iops' | 'p99_us' | 'data_writes' | 'verify_errors'> {
	const j = fio.jobs[0];
	if (!j) throw new Error('fio JSON without jobs');
	return {
		mibps: j.write.bw / 1024,
		iops: j.write.iops,
		p99_us: (j.write.clat_ns.percentile?.['99.000000'] ?? 0) / 1000,
		data_writes: j.write.total_ios,
		verify_errors: j.error,
	};
}

export function median(xs: number[]): number {
	if (!xs.length) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Cell {
	level: string;
	config: Config;
	workload: Workload;
	n: number;
	mibps: number;
	min: number;
	max: number;
	iops: number;
	p99_us: number;
	cpu_s: number;
	/** Bitmap writes per 10,000 data writes, over all runs of the cell; null if not counted. */
	bitmapPer10k: number | null;
	verifyFailed: number;
}

/** Medians per level, configuration and workload. */
export function summarise(r: BenchResults): Cell[] {
	const groups = new Map<string, BenchRun[]>();
	for (const run of r.runs) {
		const k = `${run.level}|${run.config}|${run.workload}`;
		groups.set(k, [...(groups.get(k) ?? []), run]);
	}
	return [...groups.values()].map((runs) => {
		const counted = runs.filter((x) => x.bitmap_writes >= 0);
		const data = counted.reduce((a, x) => a + x.data_writes, 0);
		const mib = runs.map((x) => x.mibps);
		return {
			level: runs[0].level,
			config: runs[0].config,
			workload: runs[0].workload,
			n: runs.length,
			mibps: median(mib),
			min: Math.min(...mib),
			max: Math.max(...mib),
			iops: median(runs.map((x) => x.iops)),
			p99_us: median(runs.map((x) => x.p99_us)),
			cpu_s: median(runs.map((x) => x.cpu_s)),
			bitmapPer10k: counted.length && data ? (counted.reduce((a, x) => a + x.bitmap_writes, 0) * 10_000) / data : null,
			verifyFailed: runs.filter((x) => x.verify_errors).length,
		};
	});
}

function cell(cells: Cell[], level: string, config: Config, workload: Workload): Cell | undefined {
	return cells.find((c) => c.level === level && c.config === config && c.workload === workload);
}

export function ratio(cells: Cell[], level: string, workload: Workload, over: Config): number | null {
	const a = cell(cells, level, 'llbitmap', workload);
	const b = cell(cells, level, over, workload);
	return a && b && b.mibps ? a.mibps / b.mibps : null;
}

/** A ratio with its 95% interval. */
export interface Interval {
	/** The geometric mean of the rounds' ratios. */
	est: number;
	lo: number;
	hi: number;
	/** Rounds with both configurations. */
	n: number;
}

/**
 * `config` over `over` on one level and workload, paired by round: each
 * round ran both in the same boot one after the other (since the fifth
 * session of 2026-12-02 seconds apart, on arrays that both exist), so the drift
 * between rounds (TCG's +-20%) cancels in the round's own ratio. The
 * estimate is the geometric mean of the rounds' ratios; the interval a
 * percentile bootstrap over the rounds (10,000 resamples, fixed seed).
 * Null without a round that ran both; with one round the interval is
 * that round's ratio alone.
 */
export function pairedRatio(r: BenchResults, level: string, workload: Workload, config: Config, over: Config, resamples = 10_000): Interval | null {
	const logs = pairedLogs(r, level, workload, config, over);
	if (!logs.length) return null;
	const rand = rng(0x6b7473);
	return interval(mean(logs), logs.length, resamples, () => resampledMean(logs, rand));
}

/**
 * One kernel's llbitmap/none over another's (the peer bench): each
 * kernel's rounds are paired within its own boots, the two kernels ran in
 * different boots; the interval bootstraps both sets of rounds at once.
 */
export function peerRatio(ours: BenchResults, theirs: BenchResults, level: string, workload: Workload, resamples = 10_000): Interval | null {
	const a = pairedLogs(ours, level, workload, 'llbitmap', 'none');
	const b = pairedLogs(theirs, level, workload, 'llbitmap', 'none');
	if (!a.length || !b.length) return null;
	const rand = rng(0x70656572);
	return interval(mean(a) - mean(b), Math.min(a.length, b.length), resamples, () => resampledMean(a, rand) - resampledMean(b, rand));
}

/** The log of `config` over `over` in each round that ran both. */
function pairedLogs(r: BenchResults, level: string, workload: Workload, config: Config, over: Config): number[] {
	const at = (c: Config) => new Map(r.runs.filter((x) => x.level === level && x.workload === workload && x.config === c).map((x) => [x.rep, x.mibps]));
	const a = at(config);
	const b = at(over);
	return [...a].filter(([rep, v]) => v > 0 && (b.get(rep) ?? 0) > 0).map(([rep, v]) => Math.log(v / b.get(rep)!));
}

const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;

function resampledMean(xs: number[], rand: () => number): number {
	let sum = 0;
	for (let i = 0; i < xs.length; i++) sum += xs[Math.floor(rand() * xs.length)];
	return sum / xs.length;
}

/** A log-scale estimate and its percentile interval from `resamples` draws of `draw`. */
function interval(logEst: number, n: number, resamples: number, draw: () => number): Interval {
	const boot = Array.from({ length: resamples }, draw).sort((x, y) => x - y);
	return {
		est: Math.exp(logEst),
		lo: Math.exp(boot[Math.floor(resamples * 0.025)]),
		hi: Math.exp(boot[Math.ceil(resamples * 0.975) - 1]),
		n,
	};
}

/**
 * The peer bench's table: per level and workload, llbitmap/none on each
 * kernel and this module's over mainline's, with their intervals; "ahead"
 * or "behind" only where the interval of the ratio of ratios excludes 1.
 */
export function peerMarkdown(ours: BenchResults, theirs: BenchResults): string {
	const out: string[] = [];
	out.push(`### llbitmap/none, this module (${ours.kernel}) beside mainline's llbitmap (${theirs.kernel}): ${ours.date.slice(0, 10)}, ${ours.vcpus} vCPUs, ${clockOf(ours)}`);
	out.push('');
	out.push(
		`${ours.mode} plan on each kernel, in alternating boots: ${ours.plan.reps} rounds here, ${theirs.plan.reps} there ` +
			`(${ours.plan.levels.map((l) => `raid${l.split(':')[0]}`).join(', ')} with ${ours.plan.configs.join(', ')} in turn each round; ` +
			`4k random writes measured ${ours.plan.runtime} s after ${warmUp(ours.plan)}); ` +
			(ours.plan.chunkKB
				? `llbitmap arrays here made with mdadm --bitmap-chunk=${ours.plan.chunkKB}K under md_mod.llbitmap=1, there by mdadm 4.6 --bitmap=lockless (the kernel picks its chunk). `
				: 'llbitmap arrays made by mdadm 4.6 --bitmap=lockless on both, each kernel picking its chunk. ') +
			"Ratios: geometric means of the rounds' own ratios, 95% bootstrap intervals.",
	);
	out.push('');
	out.push('| level | workload | this module | mainline | this module / mainline | |');
	out.push('|---|---|---:|---:|---:|---|');
	for (const level of levels(ours)) {
		for (const wl of ['rand4k', 'seq1m'] as Workload[]) {
			const p = peerRatio(ours, theirs, level, wl);
			const verdict = !p ? '' : p.lo > 1 ? 'ahead' : p.hi < 1 ? 'behind' : 'level';
			out.push(
				`| ${level} | ${WORKLOAD_NAMES[wl]} | ${fmtInterval(pairedRatio(ours, level, wl, 'llbitmap', 'none'))} | ` +
					`${fmtInterval(pairedRatio(theirs, level, wl, 'llbitmap', 'none'))} | ${fmtInterval(p)} | ${verdict} |`,
			);
		}
	}
	out.push('');
	const cost = costTable([
		['this module', ours],
		['mainline', theirs],
	]);
	if (cost.length) out.push(...cost, '');
	return `${out.join('\n')}\n`;
}

const mib = (sectors: number) => (sectors / 2048).toFixed(1);

/**
 * The resync cost of the same sparse load, a row per level and kernel:
 * the chunk size, the chunks it left Dirty and what a crash then
 * resyncs, and what md recovered onto a member re-added after it.
 */
export function costTable(sides: [string, BenchResults][]): string[] {
	const first = sides.find(([, r]) => r.costs?.length)?.[1].costs?.[0];
	if (!first) return [];
	const named = sides.length > 1;
	const out = [
		`**What ${first.writes} random 4k writes on the clean new array cost** (llbitmap, round 1): ` +
			'what the bitmap writes for them (all members, beyond the same load with no bitmap); the chunks they leave Dirty, which a crash then resyncs; ' +
			'and the same load again with one member out, then re-added: what md recovers onto it (with its metadata writes)',
		'',
		`| level |${named ? ' kernel |' : ''} chunk KiB | KiB of bitmap writes | chunks Dirty | MiB to resync after a crash | MiB recovered on re-add |`,
		`|---|${named ? '---|' : ''}---:|---:|---:|---:|---:|`,
	];
	for (const level of levels(sides[0][1]))
		for (const [name, r] of sides) {
			// one per boot (the load is the same: fio's offsets from a fixed seed): medians
			const cs = r.costs?.filter((x) => x.level === level) ?? [];
			if (!cs.length) continue;
			const m = (k: keyof Omit<BenchCost, 'level' | 'bitmap_sectors'>) => median(cs.map((x) => x[k]));
			const bm = cs.flatMap((x) => (x.bitmap_sectors === undefined ? [] : [x.bitmap_sectors]));
			const bitmapKiB = bm.length ? String(median(bm) / 2) : '-';
			out.push(`| ${level} |${named ? ` ${name} |` : ''} ${m('chunk_sectors') / 2} | ${bitmapKiB} | ${m('dirty')} | ${mib(m('crash_sectors'))} | ${mib(m('readd_sectors'))} |`);
		}
	return out;
}

/** "0.97 (0.93-1.01)", or "-". */
export function fmtInterval(i: Interval | null): string {
	return i ? `${i.est.toFixed(2)} (${i.lo.toFixed(2)}-${i.hi.toFixed(2)})` : '-';
}

const COLOURS: Record<Config, string> = { raw: '#444444', none: '#9e9e9e', classic: '#e6862e', llbitmap: '#2e9e5b' };

const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));

function levels(r: BenchResults): string[] {
	return r.plan.levels.map((l) => `raid${l.split(':')[0]}`);
}

/** What ran before each measured 4k random-write run. */
export function warmUp(plan: BenchPlan): string {
	const prep = `${plan.fill ? 'a sequential pass over the device and ' : ''}${plan.warm} s of random warm-up`;
	if (!plan.sideBySide) return prep;
	return `${plan.ramp ? `${plan.ramp} s of the same load, the array prepared by ` : 'the array prepared by '}${prep}`;
}

/** How a round ran its configurations. */
function rounds(r: BenchResults): string {
	const configs = r.plan.configs.filter((c) => c !== 'raw').join(', ');
	const n = `${r.plan.reps} round${r.plan.reps === 1 ? '' : 's'}`;
	return r.plan.sideBySide
		? `${n} per level, its ${configs} arrays side by side on their own ramdisks, a round one measured slice on each in turn (the first turning with the round)` +
				(r.plan.idle ? `, their bitmaps' idle delay (llbitmap barrier_idle, the classic time_base) ${r.plan.idle} s, longer than a round` : '')
		: `${n} (raw, then each level with ${configs} in turn)`;
}

/** The Markdown report: setup, medians with ratios, latency and CPU, bitmap writes, verify. */
export function markdown(r: BenchResults): string {
	const cells = summarise(r);
	const configs = r.plan.configs.filter((c) => c !== 'raw');
	const out: string[] = [];
	out.push(`### fio on brd ramdisks: ${r.date.slice(0, 10)}, ${r.vcpus} vCPUs, ${clockOf(r)}`);
	out.push('');
	out.push(
		`Kernel ${r.kernel}, one guest boot, ${r.mode} mode: ${rounds(r)}; medians shown; ` +
			`4k random write: ${r.fio_jobs} jobs x QD32, ${r.plan.runtime} s after ${warmUp(r.plan)}; ` +
			`1M sequential write: ${r.vcpus} jobs x QD8, ${r.plan.seq} s; all arrays --assume-clean; ` +
			`${r.plan.ramMB} MiB ramdisks; run took ${Math.round(r.seconds / 60)} min.`,
	);
	out.push('');
	for (const wl of ['rand4k', 'seq1m'] as Workload[]) {
		const raw = cell(cells, 'raw', 'raw', wl);
		out.push(
			`**${WORKLOAD_NAMES[wl]}, MiB/s** (min-max over rounds; ratios paired by round, with their 95% interval)` +
				`${raw ? `; one raw ramdisk, the limit: ${fmt(raw.mibps)}` : ''}`,
		);
		out.push('');
		out.push(`| level | ${configs.join(' | ')} | llbitmap/none | llbitmap/classic |`);
		out.push(`|---|${configs.map(() => '---:').join('|')}|---:|---:|`);
		for (const level of levels(r)) {
			const row = configs.map((c) => {
				const x = cell(cells, level, c, wl);
				return x ? `${fmt(x.mibps)} (${fmt(x.min)}-${fmt(x.max)})` : '-';
			});
			const ratios = (['none', 'classic'] as Config[]).map((over) => fmtInterval(pairedRatio(r, level, wl, 'llbitmap', over)));
			out.push(`| ${level} | ${row.join(' | ')} | ${ratios.join(' | ')} |`);
		}
		out.push('');
	}
	out.push('**4k random write: p99 latency (us), guest CPU (s) per run, bitmap writes per 10,000 data writes (warm)**');
	out.push('');
	out.push(`| level | ${configs.map((c) => `${c} p99`).join(' | ')} | ${configs.map((c) => `${c} CPU`).join(' | ')} | llbitmap writes/10k |`);
	out.push(`|---|${configs.map(() => '---:').join('|')}|${configs.map(() => '---:').join('|')}|---:|`);
	for (const level of levels(r)) {
		const p99 = configs.map((c) => fmt(cell(cells, level, c, 'rand4k')?.p99_us, 0));
		const cpu = configs.map((c) => fmt(cell(cells, level, c, 'rand4k')?.cpu_s, 1));
		out.push(`| ${level} | ${p99.join(' | ')} | ${cpu.join(' | ')} | ${fmt(cell(cells, level, 'llbitmap', 'rand4k')?.bitmapPer10k, 2)} |`);
	}
	out.push('');
	const verify = cells.filter((c) => c.workload === 'verify');
	if (verify.length) {
		const bad = verify.filter((c) => c.verifyFailed);
		out.push(
			`Write + crc32c verify under load (${r.plan.verifyMB} MiB per array): ` +
				(bad.length ? `FAILED on ${bad.map((c) => `${c.level} ${c.config}`).join(', ')}` : `passed on all ${verify.length} arrays`) +
				'.',
		);
		out.push('');
	}
	if (r.costs?.length) out.push(...costTable([['', r]]), '');
	out.push(
		"A ratio is the geometric mean of the rounds' own ratios (both configurations ran in the same round, one after the other), " +
			'its interval a percentile bootstrap over the rounds. The classic bitmap keeps no count of its writes, so only llbitmap has one.',
	);
	return `${out.join('\n')}\n`;
}

/**
 * The chart: MiB/s medians per level for the two throughput workloads,
 * a bar per configuration with the min-max over rounds as error bars,
 * llbitmap's paired ratio over none with its interval above its bar.
 * gnuplot draws it as SVG and PNG from the same data.
 */
export function chart(r: BenchResults, dir: string): { svg: string; png: string } {
	const cells = summarise(r);
	const configs = r.plan.configs.filter((c) => c !== 'raw');
	const lv = levels(r);
	for (const wl of ['rand4k', 'seq1m'] as Workload[]) {
		const rows = lv.map((level, i) => {
			const vals = configs.map((c) => {
				const x = cell(cells, level, c, wl);
				return x ? `${x.mibps.toFixed(2)} ${x.min.toFixed(2)} ${x.max.toFixed(2)}` : 'NaN NaN NaN';
			});
			// llbitmap over none (the claim; over classic is in the table), on two short lines
			const n = pairedRatio(r, level, wl, 'llbitmap', 'none');
			const label = n ? `/none x${n.est.toFixed(2)}\\n(${n.lo.toFixed(2)}-${n.hi.toFixed(2)})` : '';
			return `${i} "${level}" ${vals.join(' ')} "${label}"`;
		});
		writeFileSync(join(dir, `chart-${wl}.dat`), `# idx level ${configs.map((c) => `${c} ${c}-min ${c}-max`).join(' ')} label\n${rows.join('\n')}\n`);
	}
	const title = `md bitmaps under fio, ${r.date.slice(0, 10)}, ${r.vcpus} vCPUs ${clockOf(r)}, median of ${r.plan.reps} (bars: min-max)`;
	const ll = configs.indexOf('llbitmap');
	const panel = (wl: Workload) => {
		const file = join(dir, `chart-${wl}.dat`);
		// per configuration: median, min, max (error bars: min-max over rounds)
		const bars = configs.map((c, i) => `'${file}' using ${3 * i + 3}:${3 * i + 4}:${3 * i + 5}:xtic(2) title '${c}' lc rgb '${COLOURS[c]}'`);
		const labels =
			ll >= 0
				? `, '${file}' using ($1 + ${(ll - (configs.length - 1) / 2) / (configs.length + 1)}):${3 * ll + 5}:${3 * configs.length + 3} with labels offset 0,1.6 font ',8' notitle`
				: '';
		return [`set title '${WORKLOAD_NAMES[wl]}' font ',12'`, `plot ${bars.join(', ')}${labels}`];
	};
	const body = [
		'set style data histograms',
		'set style histogram errorbars gap 1 lw 1',
		'set style fill solid 0.85 border -1',
		'set boxwidth 0.9',
		"set ylabel 'MiB/s'",
		'set yrange [0:*]',
		'set offsets 0, 0, graph 0.25, 0',
		'set key top left',
		'set grid ytics',
		`set multiplot layout 1,2 title '${title}' font ',13'`,
		...panel('rand4k'),
		...panel('seq1m'),
		'unset multiplot',
	];
	const svg = join(dir, 'chart.svg');
	const png = join(dir, 'chart.png');
	for (const [term, out] of [
		["svg size 1100,480 dynamic font 'DejaVu Sans,10' background '#ffffff'", svg],
		["pngcairo size 1100,480 font 'DejaVu Sans,10'", png],
	]) {
		const script = [`set terminal ${term}`, `set output '${out}'`, ...body].join('\n');
		writeFileSync(join(dir, out.endsWith('.svg') ? 'chart-svg.gp' : 'chart-png.gp'), `${script}\n`);
		const g = spawnSync('gnuplot', { input: script, encoding: 'utf8' });
		if (g.error) throw new Error(`gnuplot: ${g.error.message} (Debian package gnuplot-nox)`);
		if (g.status !== 0) throw new Error(`gnuplot failed: ${g.stderr}`);
	}
	return { svg, png };
}
