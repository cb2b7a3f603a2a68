// Runtime of kmod-src/kernel/stddef.d.ts.
import { containerOf } from './struct.js';

/** offsetof(T, field): a token a bio_set can turn back into T. */
export const offsets = new Map<number, { cls: new () => object; field: string }>();

export function container_of(ptr: object, cls: new () => object, field: string): object {
	return containerOf(ptr, cls, field);
}
export function offsetof(cls: new () => object, field: string): bigint {
	const token = 1000 + offsets.size;
	offsets.set(token, { cls, field });
	return BigInt(token);
}
