// Runtime of kmod-src/kernel/module.d.ts: parameters a test can set.
import { onReset } from '../sched.js';
import { Box } from './types.js';

export class module {}
export const THIS_MODULE = new module();
/** Modules rmmod has freed: their code and data must not be used. */
export const unloaded = new Set<module>();
export function module_unload(m: module): void {
	unloaded.add(m);
}
onReset(() => unloaded.clear());
export function EXPORT_SYMBOL_GPL(_fn: unknown): void {}

export const params = new Map<string, Box<unknown>>();
export function module_param<T>(name: string, init: T, _perm: number, _desc: string): Box<T> {
	const p = new Box<T>(init);
	params.set(name, p as Box<unknown>);
	return p;
}
