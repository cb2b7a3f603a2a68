// Runtime of kmod-src/kernel/module.d.ts: parameters a test can set.
import { Box } from './types.js';

export class module {}
export const THIS_MODULE = new module();
export function EXPORT_SYMBOL_GPL(_fn: unknown): void {}

export const params = new Map<string, Box<unknown>>();
export function module_param<T>(name: string, init: T, _perm: number, _desc: string): Box<T> {
	const p = new Box<T>(init);
	params.set(name, p as Box<unknown>);
	return p;
}
