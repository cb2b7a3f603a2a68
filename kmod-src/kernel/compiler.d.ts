/**
 * Compiler helpers: once-accesses and min/max.
 * @header linux/compiler.h
 */
import type { Ptr } from './types';

/**
 * `READ_ONCE(x)`: one untorn load of a variable or field.
 * @intrinsic READ_ONCE
 */
export declare function READ_ONCE<T>(x: T): T;

/**
 * `WRITE_ONCE(p->field, v)`: one untorn store.
 * @intrinsic WRITE_ONCE
 */
export declare function WRITE_ONCE<S extends object, K extends keyof S>(p: Ptr<S>, field: K, value: S[K]): void;

/**
 * `min(a, b)` of two integers of one type.
 * @header linux/minmax.h
 * @intrinsic min
 */
export declare function min<T extends number | bigint>(a: T, b: T): T;

/**
 * `max(a, b)` of two integers of one type.
 * @header linux/minmax.h
 * @intrinsic max
 */
export declare function max<T extends number | bigint>(a: T, b: T): T;

/** @header linux/bug.h */
export declare function WARN_ON_ONCE(cond: boolean): boolean;
