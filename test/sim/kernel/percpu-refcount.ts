// Runtime of kmod-src/kernel/percpu-refcount.d.ts.
import { cancel, isQueued, preempt, rcuReadLock, rcuReadUnlock, spawn, type Task } from '../sched.js';

export class percpu_ref {
	count = 0;
	dead = false;
	initialized = false;
	release: ((r: percpu_ref) => void) | null = null;
	/** The RCU callback of a kill, queued. */
	switching: Task | null = null;
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
	if (r.switching && isQueued(r.switching)) throw new Error('percpu_ref_exit() with the RCU callback of a kill still queued (it would run on freed memory)');
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
/**
 * A put: the one that takes the count to 0 after a kill calls release
 * right there, in its own context (lib/percpu-refcount.c: the atomic
 * dec_and_test, then ->release()).
 */
function drop(r: percpu_ref): void {
	if (--r.count < 0) throw new Error('percpu_ref: put without get');
	// in percpu mode a put without its get goes unseen until the kill
	// (WARN 'percpu ref <= 0 after switching to atomic'): caught here
	if (r.count === 0 && !r.dead) throw new Error('percpu_ref: put without get (the initial reference of a live ref)');
	if (r.count === 0) r.release?.(r);
}
export function percpu_ref_put(r: percpu_ref): void {
	preempt('percpu_ref_put');
	check(r);
	drop(r);
}
/**
 * percpu_ref_kill(): gets fail from now on; the initial reference is
 * dropped by an RCU callback (percpu_ref_switch_to_atomic_rcu()) after a
 * grace period, which RCU runs with bottom halves off - a read-side
 * section synchronize_rcu() waits for. Until then the ref is not zero.
 */
export function percpu_ref_kill(r: percpu_ref): void {
	preempt('percpu_ref_kill');
	check(r);
	if (r.dead) throw new Error('percpu_ref_kill() called more than once');
	r.dead = true;
	r.switching = spawn('percpu_ref_switch_to_atomic_rcu', () => switched(r));
}
function switched(r: percpu_ref): void {
	r.switching = null;
	rcuReadLock();
	try {
		drop(r);
	} finally {
		rcuReadUnlock();
	}
}
/** Waits for a switch in progress first, as the kernel's does. */
export function percpu_ref_resurrect(r: percpu_ref): void {
	preempt('percpu_ref_resurrect');
	check(r);
	if (!r.dead) throw new Error('percpu_ref_resurrect() of a live ref');
	if (r.switching && cancel(r.switching)) switched(r);
	r.dead = false;
	r.count++;
}
export function percpu_ref_is_zero(r: percpu_ref): boolean {
	return r.count === 0 || breakage.noBarrier;
}
export function percpu_ref_is_dying(r: percpu_ref): boolean {
	return r.dead;
}
