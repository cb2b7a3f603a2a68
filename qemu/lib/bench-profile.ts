// The bench's CPU profile (make bench-profile): qemu/scenarios/bench.sh
// runs each measured 4k random-write run under `perf record -a -e
// cpu-clock` in the guest and leaves perf report's samples by symbol; this
// turns them into CPU time per data write, so llbitmap and no bitmap on
// one level compare symbol by symbol although they ran at different rates.
import { type BenchResults, type BenchRun, clockOf } from './bench-report.js';

/** One row of `perf report --stdio -n -q -g none --sort sym`. */
export interface PerfRow {
	sym: string;
	/** [k] kernel or [.] user space. */
	space: 'k' | '.';
	/** Samples in the symbol itself. */
	self: number;
	/** Samples in it and what it calls (the --children report; else self). */
	total: number;
}

/**
 * Parse perf report's text. Without --children a row is
 * "  30.49%  404  [k] sym"; with it "  30.72%  30.49%  404  [k] sym"
 * (children %, self %, self samples). A children row's samples are its
 * percentage of all samples, which are the self report's sum.
 */
export function parsePerfReport(selfText: string, childrenText?: string): PerfRow[] {
	const rows = new Map<string, PerfRow>();
	for (const line of selfText.split('\n')) {
		const m = /^\s*([\d.]+)%\s+(\d+)\s+\[([k.])\]\s+(.+?)\s*$/.exec(line);
		if (!m) continue;
		// (one name in two places, e.g. two modules, is one row)
		const row = rows.get(m[4]) ?? { sym: m[4], space: m[3] as 'k' | '.', self: 0, total: 0 };
		row.self += Number(m[2]);
		row.total = row.self;
		rows.set(m[4], row);
	}
	const all = [...rows.values()].reduce((a, r) => a + r.self, 0);
	for (const line of (childrenText ?? '').split('\n')) {
		const m = /^\s*([\d.]+)%\s+([\d.]+)%\s+(\d+)\s+\[([k.])\]\s+(.+?)\s*$/.exec(line);
		if (!m) continue;
		const total = Math.round((Number(m[1]) * all) / 100);
		const row = rows.get(m[5]);
		if (row) row.total = Math.max(row.total, total);
		else rows.set(m[5], { sym: m[5], space: m[4] as 'k' | '.', self: 0, total });
	}
	return [...rows.values()];
}

/** One profiled run: its fio figures and perf's rows. */
export interface Profile {
	run: BenchRun;
	/** perf's sampling frequency, Hz. */
	hz: number;
	rows: PerfRow[];
}

/** Microseconds of guest CPU per data write that `samples` stand for. */
export function usPerWrite(p: Profile, samples: number): number {
	return p.run.data_writes ? (samples / p.hz / p.run.data_writes) * 1e6 : NaN;
}

/** All samples of a run (the self rows' sum). */
export function totalSamples(p: Profile): number {
	return p.rows.reduce((a, r) => a + r.self, 0);
}

export interface ProfileDiff {
	sym: string;
	/** µs per write with no bitmap and with llbitmap, in the symbol itself. */
	self: [number, number];
	/** The same with what it calls. */
	total: [number, number];
}

/**
 * Symbol by symbol, llbitmap's CPU time per write less no bitmap's, by
 * self time; the symbols that exist on one side only count 0 on the other.
 */
export function profileDiff(none: Profile, ll: Profile): ProfileDiff[] {
	const by = (p: Profile) => new Map(p.rows.map((r) => [r.sym, r]));
	const a = by(none);
	const b = by(ll);
	const syms = new Set([...a.keys(), ...b.keys()]);
	return [...syms]
		.map((sym) => {
			const x = a.get(sym);
			const y = b.get(sym);
			return {
				sym,
				self: [usPerWrite(none, x?.self ?? 0), usPerWrite(ll, y?.self ?? 0)] as [number, number],
				total: [usPerWrite(none, x?.total ?? 0), usPerWrite(ll, y?.total ?? 0)] as [number, number],
			};
		})
		.sort((p, q) => Math.abs(q.self[1] - q.self[0]) - Math.abs(p.self[1] - p.self[0]));
}

const us = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

/**
 * The profile report: per level, the CPU per write of both runs, the
 * symbols whose self time differs most, and the llbitmap functions with
 * what they call.
 */
export function profileMarkdown(results: BenchResults, profiles: Profile[], top = 15): string {
	const out: string[] = [];
	const hz = profiles[0]?.hz ?? 0;
	out.push(`### CPU profile of 4k random writes, llbitmap beside no bitmap: ${results.kernel}, ${results.date.slice(0, 10)}, ${results.vcpus} vCPUs, ${clockOf(results)}`);
	out.push('');
	out.push(
		`\`perf record -a -g -e cpu-clock -F ${hz}\` in the guest over each measured fio run (${results.plan.runtime} s, ${results.fio_jobs} jobs at QD32)` +
			`${results.plan.chunkKB ? `, llbitmap chunk ${results.plan.chunkKB} KiB` : ''}. ` +
			'Figures are µs of guest CPU per data write (samples / Hz / writes), so runs at different rates compare; ' +
			'"self" is time in the symbol itself, "with callees" what it calls too. Idle time counts: the guest idles where it waits.',
	);
	for (const level of [...new Set(profiles.map((p) => p.run.level))]) {
		for (const rep of [...new Set(profiles.filter((p) => p.run.level === level).map((p) => p.run.rep))]) {
			const none = profiles.find((p) => p.run.level === level && p.run.rep === rep && p.run.config === 'none');
			const ll = profiles.find((p) => p.run.level === level && p.run.rep === rep && p.run.config === 'llbitmap');
			if (!none || !ll) continue;
			const idle = (p: Profile) => p.rows.filter((r) => /^(default_idle|pv_native_safe_halt|native_safe_halt|acpi_safe_halt|cpu_idle_poll)/.test(r.sym)).reduce((a, r) => a + r.self, 0);
			out.push('');
			out.push(`#### ${level}, round ${rep}`);
			out.push('');
			out.push('| | no bitmap | llbitmap |');
			out.push('|---|---:|---:|');
			out.push(`| MiB/s | ${none.run.mibps.toFixed(1)} | ${ll.run.mibps.toFixed(1)} |`);
			out.push(`| data writes | ${none.run.data_writes} | ${ll.run.data_writes} |`);
			out.push(`| samples | ${totalSamples(none)} | ${totalSamples(ll)} |`);
			out.push(`| µs of CPU per write, all | ${us(usPerWrite(none, totalSamples(none)))} | ${us(usPerWrite(ll, totalSamples(ll)))} |`);
			out.push(`| µs per write idle | ${us(usPerWrite(none, idle(none)))} | ${us(usPerWrite(ll, idle(ll)))} |`);
			out.push(`| µs per write busy | ${us(usPerWrite(none, totalSamples(none) - idle(none)))} | ${us(usPerWrite(ll, totalSamples(ll) - idle(ll)))} |`);
			const diff = profileDiff(none, ll);
			out.push('');
			out.push(`The ${top} symbols whose self time per write differs most:`);
			out.push('');
			out.push('| symbol | no bitmap | llbitmap | difference | with callees: no bitmap | llbitmap |');
			out.push('|---|---:|---:|---:|---:|---:|');
			for (const d of diff.slice(0, top)) {
				out.push(`| \`${d.sym}\` | ${us(d.self[0])} | ${us(d.self[1])} | ${signed(d.self[1] - d.self[0])} | ${us(d.total[0])} | ${us(d.total[1])} |`);
			}
			const llfns = ll.rows.filter((r) => /llbitmap|md_bitmap|bitmap_start|bitmap_end/.test(r.sym) && r.total > 0).sort((p, q) => q.total - p.total);
			if (llfns.length) {
				out.push('');
				out.push('The bitmap functions under llbitmap, with what they call:');
				out.push('');
				out.push('| function | self | with callees |');
				out.push('|---|---:|---:|');
				for (const r of llfns.slice(0, top)) out.push(`| \`${r.sym}\` | ${us(usPerWrite(ll, r.self))} | ${us(usPerWrite(ll, r.total))} |`);
			}
		}
	}
	return `${out.join('\n')}\n`;
}
