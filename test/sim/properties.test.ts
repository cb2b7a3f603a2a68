// Property-based tests of the lockless bitmap: random sequences of writes
// (started, issued, completed), discards, unplugs inline and from a worker,
// daemon runs, member failures and re-adds, crashes with any subset of the
// members' write caches lost, reassembly and resync - run on the very
// TypeScript that becomes md-llbitmap.c, against the simulated kernel.
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { blkBreakage } from './kernel/blkdev.js';
import { HZ } from './kernel/jiffies.js';
import { llbitmap_action, llbitmap_state, llbitmap_state_machine } from '../../kmod-src/md-llbitmap/state.js';
import { type Cmd, cmdArb, runCommands, type RunStats, show } from './model.js';

const RUNS = Number(process.env.KTS_SIM_RUNS ?? 10_000);

/**
 * Power fails at every preemption point of a daemon pass that cleans a
 * chunk whose data sits in the members' caches, with every subset of the
 * caches kept, and the array comes back without d1, which is re-added
 * later: returns the first violation. `order`: IO completes oldest first
 * (0) or in the random order this seeds.
 */
function cleaningPassPowerLoss(order = 0, keeps = 16): string {
	for (let at = 1; at <= 120; at++)
		for (let keep = 0; keep < keeps; keep++) {
			const cmds: Cmd[] = [
				{ t: 'start', chunk: 3, offset: 0, sectors: 8, sync: true },
				{ t: 'issue', k: 0 },
				{ t: 'io', n: 6, pick: 0 },
				{ t: 'crash', keep, at, absent: 1 },
				{ t: 'tick', jiffies: 40 * HZ, order },
			];
			try {
				runCommands(cmds);
			} catch (e) {
				return (e as Error).message;
			}
		}
	return '';
}

describe('a power loss between the bitmap writes to two members', () => {
	afterEach(() => {
		blkBreakage.emptyFlushIgnored = false;
	});

	test('cleaning flushes every member before any writes Clean: a member back late is recovered from the other\'s bitmap', () => {
		expect(cleaningPassPowerLoss()).toBe('');
	});

	test('broken: members that ignore the flush, and d1 comes back with data d0\'s bitmap calls Clean', () => {
		blkBreakage.emptyFlushIgnored = true;
		expect(cleaningPassPowerLoss()).toMatch(/d1, back after the crash and re-added, differs in chunks 3 that the bitmap of the member assembled did not mark/);
	});
});

describe('IO that completes out of order', () => {
	const orders = [1, 2, 3, 4];
	afterEach(() => {
		blkBreakage.flushNotAwaited = false;
	});

	test('the cleaning pass waits for its flush: any completion order keeps the members\' data', () => {
		for (const order of orders) expect(cleaningPassPowerLoss(order, 4)).toBe('');
	});

	test('broken: a flush submitted and not waited for passes in submission order and is caught when the Clean block completes first', () => {
		blkBreakage.flushNotAwaited = true;
		// oldest first, the flush is always done before the block: the bug hides
		expect(cleaningPassPowerLoss(0, 4)).toBe('');
		const caught = orders.map((o) => cleaningPassPowerLoss(o, 4)).filter((e) => e);
		expect(caught.length).toBeGreaterThan(0);
		expect(caught[0]).toMatch(/differs (between members but its bitmap state is Clean|in chunks 3 that the bitmap of the member assembled did not mark)/);
		console.log(`${caught.length} of ${orders.length} completion orders caught it:\n${caught[0]}`);
	});
});

describe('llbitmap invariants under random command sequences', () => {
	test(`write-intent, no lost resync, liveness: ${RUNS} random sequences`, () => {
		const stats: RunStats = { writes: 0, crashes: 0, resynced: 0, chunksTotal: 0, readds: 0, recovered: 0, discards: 0 };
		const t0 = performance.now();
		fc.assert(
			fc.property(fc.array(cmdArb, { maxLength: 30 }), (cmds) => {
				runCommands(cmds, {}, stats);
			}),
			{ numRuns: RUNS, seed: 42, endOnFailure: true },
		);
		const ms = performance.now() - t0;
		console.log(
			`${RUNS} sequences in ${(ms / 1000).toFixed(1)} s: ${stats.writes} writes, ${stats.crashes} crashes ` +
				`(resync visited ${stats.resynced} of ${stats.chunksTotal} chunks), ${stats.readds} re-adds (${stats.recovered} chunks recovered), ` +
				`${stats.discards} discards; ${stats.midCommand ?? 0} crashes inside a command`,
		);
		// The sequences did exercise crashes, writes and re-adds.
		expect(stats.crashes).toBeGreaterThan(RUNS / 10);
		expect(stats.writes).toBeGreaterThan(RUNS / 3);
		expect(stats.readds).toBeGreaterThan(0);
		expect(stats.discards).toBeGreaterThan(0);
		// (synchronous: a timeout cannot stop it, only call it slow; about
		// 20 s here, and make check's machine may be loaded)
	}, 600_000);

	test('a bitmap whose startwrite does nothing (the seed) violates write-intent, and the failure shrinks', () => {
		const out = fc.check(
			fc.property(fc.array(cmdArb, { maxLength: 30 }), (cmds) => {
				runCommands(cmds, { brokenStartwrite: true });
			}),
			{ numRuns: 2000, seed: 1 },
		);
		expect(out.failed).toBe(true);
		const error = (out.errorInstance as Error).message;
		expect(error).toMatch(/data write to chunk \d+ issued to d\d while its bitmap byte on disk is (Unwritten|Clean)/);
		// The shrunk counterexample is short and reads as what happened.
		const cmds = out.counterexample![0];
		expect(cmds.length).toBeLessThanOrEqual(2);
		expect(error).toContain(show(cmds[0]));
		console.log(`shrunk to: ${cmds.map(show).join('; ')}\n${error.split('\n')[0]}`);
	});

	test("upstream's Discard rule (a Dirty chunk becomes Unwritten) lets a write in flight land on an Unwritten chunk", () => {
		const table = llbitmap_state_machine as unknown as Record<number, Record<number, number>>;
		const rows = [llbitmap_state.BitDirty, llbitmap_state.BitNeedSync, llbitmap_state.BitSyncing];
		for (const r of rows) table[r][llbitmap_action.BitmapActionDiscard] = llbitmap_state.BitUnwritten;
		try {
			const out = fc.check(
				fc.property(fc.array(cmdArb, { maxLength: 30 }), (cmds) => {
					runCommands(cmds);
				}),
				{ numRuns: 5000, seed: 3 },
			);
			expect(out.failed).toBe(true);
			const error = (out.errorInstance as Error).message;
			expect(error).toMatch(/data write to chunk \d+ issued to d\d while its bitmap byte on disk is Unwritten/);
			console.log(`shrunk to: ${out.counterexample![0].map(show).join('; ')}`);
		} finally {
			for (const r of rows) table[r][llbitmap_action.BitmapActionDiscard] = llbitmap_state.BitNone;
		}
	});
});
