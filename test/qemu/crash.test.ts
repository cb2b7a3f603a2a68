// Crash consistency: the guest is killed (SIGKILL to QEMU, no shutdown)
// at a random moment under a random-write load, and the members' raw
// images are then checked from the host: every chunk whose two copies
// differ must be marked in the bitmap (neither Clean nor Unwritten) on each
// member.  The next boot assembles the array, resyncs what the bitmap
// says, and a `check` pass must find no mismatch.
//
// make check runs a few kill points; `make crash-tests` runs
// KTS_CRASH_ROUNDS (default 20) per level.
//
// Write-behind: raid1 ends a write once the members that are not
// write-mostly have it; the write-mostly member's copy is still queued
// (behind dm-delay here) when the guest is killed after a daemon pass.
import { mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD, type GuestResult, guestSeconds, runGuest } from '../../qemu/lib/guest.js';
import { checkRaid1, readMember } from '../../qemu/lib/mdimage.js';

const ROUNDS = Number(process.env.KTS_CRASH_ROUNDS ?? 3);
const IMAGE_MB = 128;
/** Seconds a round's guest may take; the test's own timeout is all rounds' worst case. */
const ROUND_SEC = 300;

/** A reproducible random source, so a failing kill point can be replayed. */
function rng(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s >>>= 0;
		s ^= s >>> 17;
		s ^= s << 5;
		s >>>= 0;
		return s / 2 ** 32;
	};
}

/** Two blank member images of `mb` MiB in build/crash/NAME (host files that survive a kill). */
function freshImages(name: string, mb: number): string[] {
	const dir = join(BUILD, 'crash', name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const images = ['a', 'b'].map((n) => join(dir, `${n}.img`));
	for (const img of images) {
		writeFileSync(img, '');
		truncateSync(img, mb << 20);
	}
	return images;
}

function shown(r: GuestResult): string {
	return r.failure ?? `guest exit ${r.exitCode}, killed=${r.killed}\n${r.logPath}`;
}

describe('crash consistency', () => {
	for (const level of ['1', '10']) {
		test(`raid${level}: ${ROUNDS} kills under load, the bitmap covers every differing chunk, resync leaves no mismatch`, async () => {
			const seed = Number(process.env.KTS_CRASH_SEED ?? Date.now() % 1_000_000);
			const random = rng(seed);
			const images = freshImages(`raid${level}`, IMAGE_MB);
			const disks = images.map((path) => ({ path }));
			const log: string[] = [`seed ${seed} (KTS_CRASH_SEED=${seed} replays it)`];
			let lastRegion: number[] = [];
			let lastDiffering = 0;

			for (let round = 0; round <= ROUNDS; round++) {
				const phase = round === 0 ? 'create' : round === ROUNDS ? 'final' : 'recover';
				const delay = Math.round(500 + random() * 4500);
				// The load writes to one region; the next boot must resync about that much.
				const sizeMB = 8 + Math.floor(random() * 24);
				const offsetMB = Math.floor(random() * (IMAGE_MB - 8 - sizeMB));
				const r = await runGuest({
					name: `crash-r${level}-${round}`,
					scenario: 'crash-cycle',
					args: [phase, level, String(offsetMB), String(sizeMB)],
					disks,
					timeoutSec: ROUND_SEC,
					...(phase === 'final' ? {} : { killWhen: (l: string) => l.includes('KTS-LOAD-RUNNING'), killAfterMs: delay }),
				});
				const context = `${log.join('\n')}\nround ${round} (${phase}, load on ${sizeMB} MiB at ${offsetMB} MiB, kill ${delay} ms after it started)`;
				expect(r.splats, context).toEqual([]);
				if (phase !== 'create') {
					// The previous kill's bitmap was loaded, resynced and checked.
					expect(r.results, `${context}\n${shown(r)}`).toContainEqual(expect.objectContaining({ mismatch_cnt: 0 }));
					const need = r.results.find((x) => 'need_sync' in x) as { need_sync: number; chunks: number };
					log.push(`round ${round}: ${need.need_sync} of ${need.chunks} chunks needed resync`);
					// Only the previous round's region (and its edge chunks) was resynced.
					expect(need.need_sync, context).toBeGreaterThanOrEqual(lastDiffering);
					expect(need.need_sync, context).toBeLessThanOrEqual(lastRegion.length);
				}
				if (phase === 'final') {
					expect(r.ok, `${context}\n${shown(r)}`).toBe(true);
					expect(r.results).toContainEqual({ done: 1 });
					break;
				}
				expect(r.killed, `${context}\n${shown(r)}`).toBe(true);

				const report = checkRaid1(images);
				// The members agree on what happened: same events count or one behind.
				const [a, b] = images.map(readMember);
				log.push(
					`round ${round}: killed ${delay} ms into the load; ${report.differing.length} chunks differ, ` +
						`${report.notClean} of ${report.chunks} marked`,
				);
				expect(report.violations, context).toEqual([]);
				// What is marked and what differs lies in the region the load wrote.
				const chunkMB = a.bitmap.chunksize / (1 << 20);
				const first = Math.floor(offsetMB / chunkMB);
				lastRegion = Array.from({ length: Math.ceil(sizeMB / chunkMB) + 1 }, (_, i) => first + i);
				lastDiffering = report.differing.length;
				expect(report.differing.filter((c) => !lastRegion.includes(c)), context).toEqual([]);
				expect(report.notClean, context).toBeLessThanOrEqual(lastRegion.length);
				expect(Math.abs(Number(a.events - b.events)), context).toBeLessThanOrEqual(1);
			}
			console.log(`raid${level} crash rounds:\n  ${log.join('\n  ')}`);
		}, ((ROUNDS + 1) * guestSeconds({ name: 'crash', script: '', timeoutSec: ROUND_SEC }) + 60) * 1000);
	}
});

describe('crash with a write-behind copy queued', () => {
	test('raid1 --write-behind, vdb write-mostly behind dm-delay: killed after a daemon pass, the bitmap still covers the chunk whose copy was queued; the next boot resyncs it', async () => {
		const images = freshImages('behind', 64);
		const disks = images.map((path) => ({ path }));
		const create = await runGuest({
			name: 'crash-behind-create',
			scenario: 'crash-behind',
			disks,
			timeoutSec: ROUND_SEC,
			killWhen: (l: string) => l.includes('KTS-BEHIND-QUEUED'),
			killAfterMs: 0,
		});
		expect(create.splats).toEqual([]);
		expect(create.killed, shown(create)).toBe(true);
		const report = checkRaid1(images);
		console.log(`write-behind crash: the write took ${(create.results.find((x) => 'write_ms' in x) as { write_ms: number }).write_ms} ms; chunks differing ${JSON.stringify(report.differing)}, ${report.notClean} marked`);
		expect(report.violations).toEqual([]);
		// the crash rounds' final boot: assemble, resync what the bitmap says, check
		const final = await runGuest({ name: 'crash-behind-final', scenario: 'crash-cycle', args: ['final', '1'], disks, timeoutSec: ROUND_SEC });
		expect(final.splats).toEqual([]);
		expect(final.ok, shown(final)).toBe(true);
		expect(final.results).toContainEqual({ mismatch_cnt: 0 });
		expect(final.results).toContainEqual({ done: 1 });
	}, (2 * guestSeconds({ name: 'crash', script: '', timeoutSec: ROUND_SEC }) + 60) * 1000);
});
