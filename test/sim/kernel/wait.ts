// Runtime of kmod-src/kernel/wait.d.ts: waits run other tasks until their
// condition holds (see ../sched.ts).
import { blockUntil, preempt } from '../sched.js';

export class wait_queue_head_t {
	sleepers = 0;
	/** The struct it is embedded in was kfree()d: its lock is freed memory. */
	freed = false;
}

export function init_waitqueue_head(_wq: wait_queue_head_t): void {}
export function wake_up(wq: wait_queue_head_t): void {
	preempt('wake_up');
	// __wake_up() takes wq->lock
	if (wq.freed) throw new Error('wake_up() on a wait queue in freed memory');
}
export function wq_has_sleeper(wq: wait_queue_head_t): boolean {
	return wq.sleepers > 0;
}
export function wait_event(wq: wait_queue_head_t, cond: () => boolean): void {
	wq.sleepers++;
	try {
		blockUntil('wait_event', cond);
	} finally {
		wq.sleepers--;
	}
}
export function wait_event_timeout(wq: wait_queue_head_t, cond: () => boolean, timeout: bigint): bigint {
	wq.sleepers++;
	try {
		return blockUntil('wait_event_timeout', cond, timeout) ? 1n : 0n;
	} finally {
		wq.sleepers--;
	}
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
