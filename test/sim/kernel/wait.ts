// Runtime of kmod-src/kernel/wait.d.ts: waits run other tasks until their
// condition holds (see ../sched.ts).
import { blockUntil, now, preempt } from '../sched.js';

export class wait_queue_head_t {
	sleepers = 0;
	/** wake_up() calls so far: a sleeper runs again when this moves. */
	wakeups = 0;
	/** The struct it is embedded in was kfree()d: its lock is freed memory. */
	freed = false;
}

/** Broken wake-ups for tests: they reach no sleeper. */
export const waitBreakage = { lostWakeups: false };

export function init_waitqueue_head(_wq: wait_queue_head_t): void {}
export function wake_up(wq: wait_queue_head_t): void {
	preempt('wake_up');
	// __wake_up() takes wq->lock
	if (wq.freed) throw new Error('wake_up() on a wait queue in freed memory');
	if (!waitBreakage.lostWakeups) wq.wakeups++;
}
export function wq_has_sleeper(wq: wait_queue_head_t): boolean {
	return wq.sleepers > 0;
}

/**
 * ___wait_event(): on the queue first (prepare_to_wait_event()), then the
 * condition, then sleep until a wake_up() - not until the condition holds:
 * a condition that turns true with nobody calling wake_up() is a task
 * asleep for ever, a Deadlock here. Returns whether the condition held
 * (false: `timeout` jiffies passed).
 */
function sleepUntil(what: string, wq: wait_queue_head_t, cond: () => boolean, timeout?: bigint): boolean {
	if (cond()) return true;
	wq.sleepers++;
	try {
		let seen = wq.wakeups;
		// one wait, so that a sleeper woken again and again for nothing
		// still ends in a Deadlock when nothing else can run
		return blockUntil(
			`${what}: asleep until a wake_up()`,
			() => {
				if (wq.wakeups === seen) return false;
				seen = wq.wakeups;
				return cond();
			},
			timeout,
		) || cond();
	} finally {
		wq.sleepers--;
	}
}
export function wait_event(wq: wait_queue_head_t, cond: () => boolean): void {
	sleepUntil('wait_event', wq, cond);
}
export function wait_event_timeout(wq: wait_queue_head_t, cond: () => boolean, timeout: bigint): bigint {
	return sleepUntil('wait_event_timeout', wq, cond, timeout) ? 1n : 0n;
}

export class completion {
	done = 0;
}
export function init_completion(c: completion): void {
	c.done = 0;
}
export function complete(c: completion): void {
	c.done++;
}
export function wait_for_completion(c: completion): void {
	blockUntil('wait_for_completion', () => c.done > 0);
	c.done--;
}
