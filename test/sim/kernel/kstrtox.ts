// Runtime of kmod-src/kernel/kstrtox.d.ts, with the kernel's rules: digits
// only (one trailing newline allowed), -EINVAL otherwise, -ERANGE on overflow.
import type { Box } from './types.js';

const EINVAL = 22;
const ERANGE = 34;

function parse(s: string, base: number, bits: number): bigint | number {
	const t = s.endsWith('\n') ? s.slice(0, -1) : s;
	let b = base;
	let body = t;
	if ((b === 0 || b === 16) && /^0[xX]/.test(body)) {
		b = 16;
		body = body.slice(2);
	} else if (b === 0 && /^0[0-7]/.test(body)) b = 8;
	else if (b === 0) b = 10;
	const digits = b === 16 ? /^[0-9a-fA-F]+$/ : b === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
	if (!digits.test(body)) return -EINVAL;
	const v = BigInt(b === 16 ? `0x${body}` : b === 8 ? `0o${body}` : body);
	if (v >= 1n << BigInt(bits)) return -ERANGE;
	return v;
}

export function kstrtoul(s: string, base: number, res: Box<bigint>): number {
	const v = parse(s, base, 64);
	if (typeof v === 'number') return v;
	res.set(v);
	return 0;
}
export function kstrtouint(s: string, base: number, res: Box<number>): number {
	const v = parse(s, base, 32);
	if (typeof v === 'number') return v;
	res.set(Number(v));
	return 0;
}
export function kstrtobool(s: string, res: Box<boolean>): number {
	const t = s.trim().toLowerCase();
	if (['1', 'y', 'yes', 'on', 'true'].includes(t)) res.set(true);
	else if (['0', 'n', 'no', 'off', 'false'].includes(t)) res.set(false);
	else return -EINVAL;
	return 0;
}
