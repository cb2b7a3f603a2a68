// Boot the guest N times and count what went wrong at boot: kernel splats
// before the first step (a boot problem, not a test's), boots that did not
// reach it, and how long boots take. For a flaky boot, and to show one is
// gone.
//
//   tsx qemu/boots.ts [--count=50] [--cpus=2] [--jobs=1] [--mem=MB] [--append='param ...']
//   KDIR=build/linux-6.12-debug GUESTMOD=build/guest-modules-debug KTS_FLAVOUR=debug tsx qemu/boots.ts
import { fileURLToPath } from 'node:url';
import { runGuest } from './lib/guest.js';

export interface BootStats {
	boots: number;
	ok: number;
	splats: { run: string; line: string }[];
	failures: { run: string; why: string }[];
	/** Seconds from QEMU's start to the end of the (empty) step, per boot. */
	seconds: number[];
}

export async function boots(count: number, opts: { cpus: number; jobs: number; memMB?: number; append?: string[] }, log: (s: string) => void = console.log): Promise<BootStats> {
	const stats: BootStats = { boots: 0, ok: 0, splats: [], failures: [], seconds: [] };
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const i = ++next;
			const r = await runGuest({ name: `boot-${i}`, cpus: opts.cpus, memMB: opts.memMB, append: opts.append, script: 'kts_result up=1', timeoutSec: 60 });
			stats.boots++;
			stats.seconds.push(r.seconds);
			for (const line of r.bootSplats) stats.splats.push({ run: r.logPath, line });
			if (r.ok) stats.ok++;
			else stats.failures.push({ run: r.logPath, why: r.failure?.split('\n')[0] ?? '' });
			log(`boots: ${i}/${count} ${r.ok ? 'ok' : `FAILED: ${r.failure?.split('\n')[0]}`} (${r.seconds.toFixed(1)} s)`);
		}
	};
	await Promise.all(Array.from({ length: opts.jobs }, worker));
	return stats;
}

async function main(): Promise<void> {
	const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
	const [count, cpus, jobs, mem] = [arg('count', 50), arg('cpus', 2), arg('jobs', 1), arg('mem', 0)];
	const append = process.argv.find((a) => a.startsWith('--append='))?.slice(9).split(' ').filter(Boolean);
	const s = await boots(count, { cpus, jobs, memMB: mem || undefined, append });
	const sorted = [...s.seconds].sort((a, b) => a - b);
	console.log(
		`boots: ${s.ok} of ${s.boots} clean (${process.env.KTS_FLAVOUR ?? 'guest'} kernel, ${cpus} vCPU); boot to first step: median ${sorted[sorted.length >> 1].toFixed(1)} s, max ${sorted.at(-1)!.toFixed(1)} s`,
	);
	for (const x of s.splats) console.log(`boots: splat at boot: ${x.line} (${x.run})`);
	for (const x of s.failures) console.log(`boots: failed: ${x.why} (${x.run})`);
	process.exit(s.ok === s.boots ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
