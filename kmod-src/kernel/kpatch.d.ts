/**
 * Kernel patches: a unit under kmod-src/block/ inserts its C into a kernel
 * source file instead of becoming a C file of its own.
 * @header -
 */
import type { int } from './types';

export interface KPatch {
	/** Kernel source file, relative to the tree. */
	file: string;
	/** Line of the first context line, for the hunk header. */
	line: int;
	/** Lines just before the insertion point, exactly as in the file. */
	before: string[];
	/** Lines just after it. */
	after: string[];
	/** 'unit' (default) inserts the unit's C; 'prototypes' its exported prototypes. */
	insert?: 'unit' | 'prototypes';
}

/** @intrinsic kpatch */
export declare function kpatch(spec: KPatch): void;
