// Runtime of kmod-src/kernel/percpu-refcount.d.ts.
import { preempt, spawn } from '../sched.js';

export class percpu_ref {
	count = 0;
	dead = false;
	initialized = false;
	release: ((r: percpu_ref) => void) | null = null;
}

export const PERCPU_REF_ALLOW_REINIT = 4;

/** Break the barrier (tests that show the checks catch it): gets never fail, kills never wait. */
export const breakage = { noBarrier: false };

export function percpu_ref_init(r: percpu_ref, release: (r: percpu_ref) => void, _flags: number, _gfp: number): number {
	r.count = 1;
	r.dead = false;
	r.initialized = true;
	r.release = release;
	return 0;
}
export function percpu_ref_exit(r: percpu_ref): void {
	r.initialized = false;
}
function check(r: percpu_ref): void {
	if (!r.initialized) throw new Error('percpu_ref used before percpu_ref_init() or after percpu_ref_exit()');
}
export function percpu_ref_tryget_live(r: percpu_ref): boolean {
	preempt('percpu_ref_tryget_live');
	check(r);
	if (r.dead && !breakage.noBarrier) return false;
	r.count++;
	return true;
}
function drop(r: percpu_ref): void {
	if (--r.count < 0) throw new Error('percpu_ref: put without get');
	// The release runs after an RCU grace period: asynchronously.
	if (r.count === 0) spawn('percpu_ref release', () => r.release?.(r));
}
export function percpu_ref_put(r: percpu_ref): void {
	preempt('percpu_ref_put');
	check(r);
	drop(r);
}
export function percpu_ref_kill(r: percpu_ref): void {
	preempt('percpu_ref_kill');
	check(r);
	if (r.dead) throw new Error('percpu_ref_kill() called more than once');
	r.dead = true;
	drop(r);
}
export function percpu_ref_resurrect(r: percpu_ref): void {
	preempt('percpu_ref_resurrect');
	check(r);
	if (!r.dead) throw new Error('percpu_ref_resurrect() of a live ref');
	r.dead = false;
	r.count++;
}
export function percpu_ref_is_zero(r: percpu_ref): boolean {
	return r.count === 0 || breakage.noBarrier;
}
export function percpu_ref_is_dying(r: percpu_ref): boolean {
	return r.dead;
}
