// Runtime of kmod-src/kernel/atomic.d.ts.
import { preempt } from '../sched.js';

export class atomic_t {
	v = 0;
}
export class atomic64_t {
	v = 0n;
}

export function atomic_set(a: atomic_t, i: number): void {
	preempt('atomic_set');
	a.v = i;
}
export function atomic_read(a: atomic_t): number {
	preempt('atomic_read');
	return a.v;
}
export function atomic_inc(a: atomic_t): void {
	preempt('atomic_inc');
	a.v++;
}
export function atomic_dec(a: atomic_t): void {
	preempt('atomic_dec');
	a.v--;
}
export function atomic_dec_and_test(a: atomic_t): boolean {
	preempt('atomic_dec_and_test');
	return --a.v === 0;
}
export function atomic_inc_return(a: atomic_t): number {
	preempt('atomic_inc_return');
	return ++a.v;
}
export function atomic64_set(a: atomic64_t, i: bigint): void {
	a.v = i;
}
export function atomic64_read(a: atomic64_t): bigint {
	return a.v;
}
export function atomic64_inc(a: atomic64_t): void {
	a.v++;
}
export function atomic64_add(i: bigint, a: atomic64_t): void {
	a.v += i;
}
export function smp_mb(): void {
	preempt('smp_mb');
}
export function smp_rmb(): void {
	preempt('smp_rmb');
}
export function smp_wmb(): void {
	preempt('smp_wmb');
}
export function smp_mb__before_atomic(): void {
	preempt('smp_mb__before_atomic');
}
export function smp_mb__after_atomic(): void {
	preempt('smp_mb__after_atomic');
}

/** Both forms of the intrinsic: a struct field, or an element of memory. */
export function cmpxchg<T>(p: object, key: string | number, old: T, val: T): T {
	preempt('cmpxchg');
	const o = p as Record<string | number, T>;
	const cur = o[key];
	if (cur === old) o[key] = val;
	return cur;
}
