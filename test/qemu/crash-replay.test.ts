// Crash consistency that sees write order: the guest records every write
// of an array under load with dm-log-writes (qemu/scenarios/crash-log.sh),
// and the host replays the log to crash states - at every flush and
// between them with any subset of the writes not yet flushed - and checks
// the write-intent invariant in each (qemu/lib/crashreplay.ts): a chunk
// whose copies differ, or whose parity does not match, is marked in the
// bitmap md would load.
//
// Broken bitmaps (test/qemu/crash-variants.ts) must each fail it: the proof
// that the replay can see what it claims to.
//
// A few crash states per level are then written out as member images and
// assembled in a guest: md resyncs what the bitmap says, and a check pass
// over the chunks that differed finds no mismatch.
//
// make check checks a sample of each log's crash points (>= 500 states in
// all); make crash-tests (KTS_REPLAY_FULL=1) every point, >= 10,000.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { replayLog, type ReplayResult, showViolation } from '../../qemu/lib/crashreplay.js';
import { BUILD, blankImage, guestSeconds, runGuest } from '../../qemu/lib/guest.js';
import { readWriteLog } from '../../qemu/lib/writelog.js';
import { buildVariants, VARIANTS } from './crash-variants.js';

const FULL = process.env.KTS_REPLAY_FULL === '1';
const SEED = Number(process.env.KTS_CRASH_SEED ?? 1);
const MEMBER_GB = 9;
const STEP_SEC = 600;

interface Recorded {
	log: string;
	results: Record<string, unknown>[];
	/** The base device: `members` slices of `memberSectors` (the guest's result). */
	members: number;
	memberSectors: number;
}

/** Record a load on a new array in a guest; the log stays in build/crash-replay/NAME/. */
async function record(name: string, level: string, members: number, bursts: number, module?: string, readd = true): Promise<Recorded> {
	const dir = join(BUILD, 'crash-replay', name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const base = join(dir, 'base.img');
	const log = join(dir, 'log.img');
	blankImage(base, members * MEMBER_GB * 2 ** 30);
	blankImage(log, 4 * 2 ** 30);
	const r = await runGuest({
		name: `crash-log-${name}`,
		scenario: 'crash-log',
		args: [level, String(members), String(bursts), ...(module ? [module] : [])],
		env: { KTS_MEMBER_GB: String(MEMBER_GB), KTS_READD: readd ? '1' : '0' },
		// the base's FUA and flushes reach the host's disk: a FUA write
		// completes later than a plain one, as on a disk with a cache
		disks: [{ path: base, cache: 'none' }, { path: log, cache: 'unsafe' }],
		timeoutSec: STEP_SEC,
	});
	expect(r.splats).toEqual([]);
	expect(r.ok, r.failure).toBe(true);
	rmSync(base);
	const info = r.results.find((x) => 'member_sectors' in x) as { members: number; member_sectors: number };
	return { log, results: r.results, members: info.members, memberSectors: info.member_sectors };
}

const rows: string[] = [];
function row(what: string, r: ReplayResult): void {
	rows.push(
		`${what.padEnd(22)} ${String(r.writes).padStart(7)} ${String(r.flushes).padStart(7)} ${String(r.states).padStart(8)} ${String(r.violations.length).padStart(10)} ${r.seconds.toFixed(1).padStart(7)}`,
	);
}
afterAll(() => {
	if (rows.length)
		console.log(
			['crash replay: level, logged writes, flush points, states checked, violations, seconds', `${'level'.padEnd(22)} ${'writes'.padStart(7)} ${'flushes'.padStart(7)} ${'states'.padStart(8)} ${'violations'.padStart(10)} ${'seconds'.padStart(7)}`, ...rows].join('\n'),
		);
});

function replay(rec: Recorded, stride: number, subsets: number): ReplayResult {
	return replayLog(readWriteLog(rec.log), { members: rec.members, memberSectors: rec.memberSectors, seed: SEED, stride, subsets });
}

/** The crash state of each level with the most chunks differing, as member images. */
const worst: { level: string; images: string[]; chunkSectors: number; chunks: number[] }[] = [];

function saveWorst(level: string, { members, memberSectors }: Recorded, r: ReplayResult): void {
	if (!r.worst) return;
	const dir = join(BUILD, 'crash-replay', `raid${level}`, 'worst');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const images = Array.from({ length: members }, (_, m) => {
		const path = join(dir, `m${m}.img`);
		r.worst!.image.saveRange(path, m * memberSectors * 512, memberSectors * 512);
		return path;
	});
	worst.push({ level, images, chunkSectors: r.chunkSectors, chunks: r.worst.chunks.slice(0, 16) });
	console.log(`raid${level}: the state after entry #${r.worst.entry} with ${r.worst.state} has ${r.worst.chunks.length} chunks differing: saved for assembly`);
}

const LEVELS = [
	{ level: '1', members: 2 },
	{ level: '10', members: 4 },
	{ level: '5', members: 3 },
];

describe('crash replay', () => {
	for (const { level, members } of LEVELS) {
		test(`raid${level}, ${members} members: every crash state of a logged load keeps the write-intent invariant`, async () => {
			// raid10's re-add costs minutes under TCG: make crash-tests only
			const rec = await record(`raid${level}`, level, members, FULL ? 10 : 6, undefined, FULL || level === '1');
			const r = replay(rec, FULL ? 1 : 12, FULL ? 3 : 2);
			row(`raid${level}`, r);
			saveWorst(level, rec, r);
			console.log(`raid${level}: ${r.chunks} chunks in ${r.pages} bitmap pages; at most ${r.mostInconsistent} chunks differed in one state`);
			expect(r.violations.map(showViolation)).toEqual([]);
			expect(r.states).toBeGreaterThan(FULL ? 3400 : 170);
			expect(r.pages).toBeGreaterThan(1);
		}, (guestSeconds({ name: 'x', script: '', timeoutSec: STEP_SEC }) + 300) * 1000);
	}
});

describe('crash states assembled', () => {
	test('the state of each level with the most chunks differing: md resyncs what the bitmap says and a check of those chunks finds no mismatch', async () => {
		expect(worst.length, 'no level left a state with differing chunks to assemble').toBeGreaterThan(0);
		const disks = worst.flatMap((w) => w.images.map((path) => ({ path })));
		let next = 0;
		const steps = worst.map((w) => {
			const devs = w.images.map(() => `vd${String.fromCharCode(97 + next++)}`);
			return { name: `assemble-raid${w.level}`, scenario: 'crash-assemble', args: [devs.join(','), String(w.chunkSectors), w.chunks.join(',')], timeoutSec: 600 };
		});
		const r = await runGuest({ name: 'crash-assemble', steps, disks });
		expect(r.splats).toEqual([]);
		expect(r.ok, r.failure).toBe(true);
		for (const s of r.steps) {
			console.log(`${s.name}: ${JSON.stringify(s.results)}`);
			expect(s.results).toContainEqual(expect.objectContaining({ mismatch_cnt: 0 }));
			expect(s.results).toContainEqual({ done: 1 });
		}
	}, (guestSeconds({ name: 'x', steps: LEVELS.map((l) => ({ name: l.level, timeoutSec: 600 })) }) + 60) * 1000);
});

describe('crash replay of broken bitmaps', () => {
	let built: Map<string, string>;
	beforeAll(() => {
		built = buildVariants();
	});
	for (const v of VARIANTS) {
		test(`${v.name}: ${v.what} - the replay finds a crash state that loses a resync`, async () => {
			const rec = await record(v.name, '1', 2, 4, built.get(v.name));
			const r = replay(rec, 1, 3);
			row(`raid1 ${v.name}`, r);
			expect(r.violations.length, 'no crash state showed the broken bitmap').toBeGreaterThan(0);
			console.log(`${v.name}: ${r.violations.length} violations in ${r.states} states; the first:\n${showViolation(r.violations[0])}`);
		}, (guestSeconds({ name: 'x', script: '', timeoutSec: STEP_SEC }) + 300) * 1000);
	}
});
