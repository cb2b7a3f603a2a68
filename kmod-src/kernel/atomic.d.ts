/**
 * Atomics and memory barriers.
 * @header linux/atomic.h
 */
import type { Mem, Ptr, int, s64 } from './types';

/** @typedef */
export declare class atomic_t {
	private readonly __atomic: never;
}
/** @typedef */
export declare class atomic64_t {
	private readonly __atomic64: never;
}

export declare function atomic_set(v: Ptr<atomic_t>, i: int): void;
export declare function atomic_read(v: Ptr<atomic_t>): int;
export declare function atomic_inc(v: Ptr<atomic_t>): void;
export declare function atomic_dec(v: Ptr<atomic_t>): void;
export declare function atomic_dec_and_test(v: Ptr<atomic_t>): boolean;
export declare function atomic_inc_return(v: Ptr<atomic_t>): int;
export declare function atomic64_set(v: Ptr<atomic64_t>, i: s64): void;
export declare function atomic64_read(v: Ptr<atomic64_t>): s64;
export declare function atomic64_inc(v: Ptr<atomic64_t>): void;
export declare function atomic64_add(i: s64, v: Ptr<atomic64_t>): void;

/**
 * `cmpxchg(&p->field, old, val)` or `cmpxchg(&mem[index], old, val)`:
 * store `val` if the value is `old`, atomically; returns the value found.
 * @intrinsic cmpxchg
 */
export declare function cmpxchg<S extends object, K extends keyof S>(p: Ptr<S>, field: K, old: S[K], val: S[K]): S[K];
/** @intrinsic cmpxchg */
export declare function cmpxchg<T extends number | bigint>(mem: Mem<T>, index: number, old: T, val: T): T;

/** @header asm/barrier.h */
export declare function smp_mb(): void;
/** @header asm/barrier.h */
export declare function smp_rmb(): void;
/** @header asm/barrier.h */
export declare function smp_wmb(): void;
/** @header asm/barrier.h */
export declare function smp_mb__before_atomic(): void;
/** @header asm/barrier.h */
export declare function smp_mb__after_atomic(): void;
