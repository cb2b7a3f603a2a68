/**
 * Module macros at file scope.
 * @header linux/module.h
 */
import type { cstr, Out, Ptr, umode_t } from './types';

export declare class module {
	private readonly __module: never;
}
export declare const THIS_MODULE: Ptr<module>;

/**
 * `EXPORT_SYMBOL_GPL(fn);` after a function, at file scope.
 * @intrinsic file_macro
 */
export declare function EXPORT_SYMBOL_GPL(fn: (...args: never[]) => unknown): void;

/**
 * A module parameter at file scope:
 *   const x: Param<bool> = module_param('name', false, 0o644, 'description');
 * is `static bool x; module_param_named(name, x, bool, 0644);
 * MODULE_PARM_DESC(name, "description");`. Read it with x.get().
 * @intrinsic file_macro
 */
export declare function module_param<T extends boolean | number>(name: cstr, init: T, perm: umode_t, desc: cstr): Param<T>;

/** A module parameter's value. */
export interface Param<T> extends Out<T> {
	readonly __param?: T;
}
