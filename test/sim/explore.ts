// A bounded, exhaustive interleaving explorer (context bounding, as in
// CHESS): every schedule of a few tasks that preempts at most K times, at
// any of the simulated kernel's preemption points, is run, and the
// invariants are checked in each.
import { expect } from 'vitest';
import { Deadlock, preempt as _preempt, reset, setPreemptPolicy, settle, type Task } from './sched.js';

/** At preemption point `point` (counted per run), run runnable task `task`. */
export interface Decision {
	point: number;
	task: number;
}

export interface Exploration {
	runs: number;
	/** Schedules the nested model cannot run (a task blocked on one below it). */
	infeasible: number;
	/** The first failing schedule and its error, if any. */
	failure?: { schedule: Decision[]; error: Error };
	maxPoints: number;
}

/**
 * `scenario` sets up the tasks (spawned on the scheduler) and returns a
 * check to run after they are all done. Each schedule runs from a reset.
 */
export function explore(scenario: () => () => void, bound: number, maxRuns = 100_000): Exploration {
	const result: Exploration = { runs: 0, infeasible: 0, maxPoints: 0 };
	const stack: Decision[][] = [[]];
	while (stack.length && result.runs < maxRuns) {
		const schedule = stack.pop()!;
		const seen: number[] = [];
		let point = 0;
		reset();
		const check = scenario();
		setPreemptPolicy((_name, runnable: Task[]) => {
			const here = point++;
			seen[here] = runnable.length;
			const d = schedule.find((x) => x.point === here);
			return d ? runnable[d.task] : undefined;
		});
		result.runs++;
		try {
			settle();
			setPreemptPolicy(undefined);
			check();
		} catch (e) {
			setPreemptPolicy(undefined);
			if (e instanceof Deadlock && e.nested) {
				result.infeasible++;
				continue;
			}
			result.failure = { schedule, error: e as Error };
			return result;
		}
		result.maxPoints = Math.max(result.maxPoints, point);
		// Children: one more preemption, after the last one of this schedule.
		if (schedule.length < bound) {
			const after = schedule.length ? schedule[schedule.length - 1].point + 1 : 0;
			for (let p = point - 1; p >= after; p--)
				for (let t = (seen[p] ?? 0) - 1; t >= 0; t--) stack.push([...schedule, { point: p, task: t }]);
		}
	}
	return result;
}

export { _preempt as preempt };

/**
 * Every schedule explored passed (the first failure's message is shown
 * otherwise), and more than `min` of them ran (not counting those the
 * nested model cannot run).
 */
export function expectEverySchedulePasses(r: Exploration, min: number): void {
	console.log(`${r.runs} schedules (${r.infeasible} not runnable nested)`);
	expect(r.failure?.error.message ?? '').toBe('');
	expect(r.runs - r.infeasible).toBeGreaterThan(min);
}
