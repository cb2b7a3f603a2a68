// Runtime of kmod-src/kernel/compiler.d.ts.
import { preempt } from '../sched.js';

export const warnings: string[] = [];

export function READ_ONCE<T>(x: T): T {
	preempt('READ_ONCE');
	return x;
}
export function WRITE_ONCE<S extends object, K extends keyof S>(p: S, field: K, value: S[K]): void {
	preempt('WRITE_ONCE');
	p[field] = value;
}
export function min<T extends number | bigint>(a: T, b: T): T {
	return a < b ? a : b;
}
export function max<T extends number | bigint>(a: T, b: T): T {
	return a > b ? a : b;
}
export function WARN_ON_ONCE(cond: boolean): boolean {
	if (cond) warnings.push(new Error('WARN_ON_ONCE').stack ?? 'WARN_ON_ONCE');
	return cond;
}
