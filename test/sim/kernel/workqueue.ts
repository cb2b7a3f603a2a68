// Runtime of kmod-src/kernel/workqueue.d.ts: work items are scheduler tasks.
import { blockUntil, cancel, isQueued, preempt, spawn, type Task } from '../sched.js';

export class work_struct {
	fn: ((w: work_struct) => void) | null = null;
	task: Task | null = null;
	running = 0;
	/** The delayed_work this is the work of. */
	dwork: delayed_work | null = null;
}
export class delayed_work {
	work = new work_struct();
	constructor() {
		this.work.dwork = this;
	}
}
export class workqueue_struct {
	constructor(readonly name = 'wq') {}
}

export function INIT_WORK(w: work_struct, fn: (w: work_struct) => void): void {
	w.fn = fn;
	w.task = null;
}
export const INIT_WORK_ONSTACK = INIT_WORK;
export function destroy_work_on_stack(_w: work_struct): void {}
export function INIT_DELAYED_WORK(d: delayed_work, fn: (w: work_struct) => void): void {
	INIT_WORK(d.work, fn);
	d.work.dwork = d;
}

function pending(w: work_struct): boolean {
	return !!w.task && isQueued(w.task);
}

function enqueue(w: work_struct, delay: bigint): void {
	if (!w.fn) throw new Error('queue_work(): work not initialised');
	w.task = spawn(`work ${w.fn.name}`, () => {
		w.task = null;
		w.running++;
		try {
			w.fn!(w);
		} finally {
			w.running--;
		}
	}, delay, 'thread');
}

export function queue_work(_wq: workqueue_struct, w: work_struct): boolean {
	preempt('queue_work');
	if (pending(w)) return false;
	enqueue(w, 0n);
	return true;
}
export function queue_delayed_work(_wq: workqueue_struct, d: delayed_work, delay: bigint): boolean {
	preempt('queue_delayed_work');
	if (pending(d.work)) return false;
	enqueue(d.work, delay);
	return true;
}
export function mod_delayed_work(wq: workqueue_struct, d: delayed_work, delay: bigint): boolean {
	const was = cancelPending(d.work);
	enqueue(d.work, delay);
	void wq;
	return was;
}
function cancelPending(w: work_struct): boolean {
	if (w.task && cancel(w.task)) {
		w.task = null;
		return true;
	}
	return false;
}
export function cancel_work_sync(w: work_struct): boolean {
	const was = cancelPending(w);
	blockUntil('cancel_work_sync', () => w.running === 0 && !pending(w));
	cancelPending(w);
	return was;
}
export function cancel_delayed_work_sync(d: delayed_work): boolean {
	return cancel_work_sync(d.work);
}
export function flush_work(w: work_struct): boolean {
	const busy = pending(w) || w.running > 0;
	blockUntil('flush_work', () => !pending(w) && w.running === 0);
	return busy;
}
export function flush_delayed_work(d: delayed_work): boolean {
	return flush_work(d.work);
}
export function to_delayed_work(w: work_struct): delayed_work {
	if (!w.dwork) throw new Error('to_delayed_work(): not a delayed work');
	return w.dwork;
}
export function work_busy(w: work_struct): number {
	return (pending(w) ? 1 : 0) | (w.running ? 2 : 0);
}
