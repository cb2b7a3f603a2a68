/**
 * Memory allocation.
 * @header linux/slab.h
 */
import type { gfp_t, Mem, Ptr, size_t, StructClass, VoidPtr } from './types';

export declare const GFP_KERNEL: gfp_t;
/** For allocations on the IO path: never recurse into IO. */
export declare const GFP_NOIO: gfp_t;
export declare const __GFP_ZERO: gfp_t;
/** Never sleeps: for atomic context (bio completions, RCU read sections). */
export declare const GFP_ATOMIC: gfp_t;

/**
 * Allocate a zeroed struct: `kzalloc(sizeof(*p), flags)` in C.
 * @intrinsic kzalloc
 * @gfp flags
 */
export declare function kzalloc<T extends object>(type: StructClass<T>, flags: gfp_t): Ptr<T> | null;

/**
 * Allocate a zeroed array of n elements: `kcalloc(n, sizeof(*p), flags)`.
 * @intrinsic kcalloc
 * @gfp flags
 */
export declare function kcalloc<T>(n: size_t, elem: StructClass<T>, flags: gfp_t): Mem<T> | null;

export declare function kfree(p: VoidPtr | null): void;
