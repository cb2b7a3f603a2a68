// Runtime of kmod-src/kernel/string.d.ts.
import { PageView } from './mm.js';
import { format } from './printk.js';

function bytes(p: unknown): Uint8Array {
	if (p instanceof Uint8Array) return p;
	if (p instanceof PageView) return p.page.data;
	throw new TypeError('not memory');
}

export function memset(p: unknown, c: number, n: bigint): void {
	if (p instanceof Uint8Array || p instanceof PageView) {
		bytes(p).fill(c, 0, Number(n));
		return;
	}
	// A struct: every scalar field to zero.
	if (c !== 0) throw new Error('memset() of a struct to non-zero');
	for (const [k, v] of Object.entries(p as object)) {
		const o = p as Record<string, unknown>;
		if (typeof v === 'number') o[k] = 0;
		else if (typeof v === 'bigint') o[k] = 0n;
		else if (typeof v === 'boolean') o[k] = false;
		else if (v === undefined || (v !== null && typeof v === 'object' && !('v' in v))) o[k] = null;
	}
}
export function memcpy(dst: unknown, src: unknown, n: bigint): void {
	bytes(dst).set(bytes(src).subarray(0, Number(n)));
}
export function memcmp(a: unknown, b: unknown, n: bigint): number {
	const x = bytes(a);
	const y = bytes(b);
	for (let i = 0; i < Number(n); i++) if (x[i] !== y[i]) return x[i] - y[i];
	return 0;
}
export function snprintf(buf: Uint8Array, size: bigint, fmt: string, ...args: unknown[]): number {
	const s = format(fmt, args);
	const enc = new TextEncoder().encode(s);
	const room = Number(size) - 1;
	buf.fill(0);
	buf.set(enc.subarray(0, room));
	return enc.length;
}
export function sysfs_streq(a: string, b: string): boolean {
	return a.replace(/\n$/, '') === b.replace(/\n$/, '');
}
