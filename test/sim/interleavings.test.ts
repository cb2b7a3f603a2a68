// Two writers and the daemon on one bitmap page, every interleaving with
// up to K preemptions at the simulated kernel's preemption points: no
// data write may go out while its chunk is Clean on disk, nothing may hang.
import { afterEach, describe, expect, test } from 'vitest';
import { explore } from './explore.js';
import { SimArray } from './md.js';
import { breakage } from './kernel/percpu-refcount.js';
import { waitBreakage } from './kernel/wait.js';
import { settle, spawn } from './sched.js';

afterEach(() => {
	breakage.noBarrier = false;
	waitBreakage.lostWakeups = false;
});

/** Chunk 0 was written and is idle (Dirty); then a writer to chunk 0, one to chunk 1, and the daemon cleaning the page. */
function writersAndDaemon(): () => void {
	const a = SimArray.fresh();
	a.write(0n, 8);
	settle();
	spawn('writer A', () => a.write(0n, 8), 0n, 'thread');
	spawn('writer B', () => a.write(a.chunkSectors, 8), 0n, 'thread');
	spawn('daemon', () => a.ops.flush(a.mddev), 0n, 'thread');
	return () => {
		expect(a.inflight).toBe(0);
		a.stop();
	};
}

describe('interleavings of two writers and the daemon on one page', () => {
	test('all schedules with up to 2 preemptions keep write-intent', () => {
		const t0 = performance.now();
		const r = explore(writersAndDaemon, Number(process.env.KTS_SIM_BOUND ?? 2));
		console.log(`${r.runs} schedules (${r.infeasible} not runnable nested; up to ${r.maxPoints} preemption points each) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
		expect(r.failure?.error.message ?? '').toBe('');
		expect(r.runs).toBeGreaterThan(1000);
	});

	test('broken: with wake-ups that reach no sleeper, a writer that waited for the page the daemon cleaned sleeps for ever', () => {
		// the simulated waiters sleep until woken, as the kernel's: a wait
		// that only polled its condition would not see a wake-up go missing
		const r = explore(() => {
			waitBreakage.lostWakeups = false;
			const check = writersAndDaemon();
			waitBreakage.lostWakeups = true;
			return check;
		}, 1);
		expect(r.failure?.error.message).toMatch(/asleep until a wake_up\(\): still waiting|blocked forever in wait_event: asleep until a wake_up/);
		console.log(`found after ${r.runs} schedules: preempt at ${JSON.stringify(r.failure?.schedule)}: ${r.failure?.error.message.slice(0, 120)}`);
	});

	test('without the per-page barrier, some schedule lets the daemon clean a chunk under a write', () => {
		breakage.noBarrier = true;
		const r = explore(writersAndDaemon, 1);
		expect(r.failure?.error.message).toMatch(/data write to chunk 0 issued to d\d while its bitmap byte on disk is Clean/);
		console.log(`found after ${r.runs} schedules: preempt at ${JSON.stringify(r.failure?.schedule)}`);
	});
});

/** Chunk 0 was written and cleaned (Clean on disk); then two writers to it at once. */
function twoFirstWriters(): () => void {
	const a = SimArray.fresh();
	a.write(0n, 8);
	settle();
	a.ops.flush(a.mddev);
	settle();
	spawn('writer A', () => a.write(0n, 8), 0n, 'thread');
	spawn('writer B', () => a.write(8n, 8), 0n, 'thread');
	return () => {
		expect(a.inflight).toBe(0);
		a.stop();
	};
}

describe('interleavings of two first writers to one Clean chunk', () => {
	test('the second writer does not issue its data before the first writer\'s Dirty byte is on disk', () => {
		const r = explore(twoFirstWriters, 2);
		if (r.failure) console.log(`preempt at ${JSON.stringify(r.failure.schedule)}: ${r.failure.error.message}`);
		expect(r.failure?.error.message ?? '').toBe('');
		expect(r.runs).toBeGreaterThan(100);
		console.log(`${r.runs} schedules`);
	});
});
