/**
 * Per-CPU reference counts: the per-page write barrier.
 * @header linux/percpu-refcount.h
 */
import type { bool, gfp_t, int, Ptr, uint } from './types';

export declare class percpu_ref {
	private readonly __ref: never;
}

/** @atomic a percpu_ref release, maybe from an RCU callback */
export type percpu_ref_func_t = (ref: Ptr<percpu_ref>) => void;

export declare const PERCPU_REF_ALLOW_REINIT: uint;

/** @gfp gfp */
export declare function percpu_ref_init(ref: Ptr<percpu_ref>, release: percpu_ref_func_t, flags: uint, gfp: gfp_t): int;
export declare function percpu_ref_exit(ref: Ptr<percpu_ref>): void;
export declare function percpu_ref_tryget_live(ref: Ptr<percpu_ref>): bool;
export declare function percpu_ref_put(ref: Ptr<percpu_ref>): void;
export declare function percpu_ref_kill(ref: Ptr<percpu_ref>): void;
export declare function percpu_ref_resurrect(ref: Ptr<percpu_ref>): void;
export declare function percpu_ref_is_zero(ref: Ptr<percpu_ref>): bool;
export declare function percpu_ref_is_dying(ref: Ptr<percpu_ref>): bool;
