/**
 * Differential case: arithmetic where JavaScript's operators and C's part
 * ways on the same types (ktsc issue 15); Node runs the reading, gcc the C.
 */
import { type bool, int, long, type s32, s64, u8, u16, u32, u64 } from '../../../kmod-src/kernel/types';

/** @global */
export function sub_below_zero(a: u32, b: u32): bool {
	return a - b > a;
}

/** @global */
export function add_wraps(a: u32, b: u32): bool {
	return a + b < a;
}

/** @global */
export function u8_increment(x: u8): u8 {
	let y: u8 = x;

	y += 1;
	y++;
	return y;
}

/** @global */
export function high_bit(a: u32): u32 {
	return a | 0x80000000;
}

/** @global */
export function mul_past_53_bits(a: u32, b: u32): u32 {
	return a * b;
}

/** @global */
export function s32_wraps(a: s32, b: s32): s32 {
	return a * b + a;
}

/** @global */
export function u64_below_zero(a: u64, b: u64): u64 {
	return (a - b) >> 1n;
}

/** @global */
export function s64_mix(a: s64, b: s64): s64 {
	return a * b - s64(u64(a) << 3n);
}

/** @global */
export function shift_into_bit31(a: u32): u32 {
	return (a << 31) | (a >>> 1);
}

/** @global */
export function narrow_store(a: u32): u16 {
	let h: u16 = u16(a);

	h -= 1;
	h = u16(u32(h) << 3);
	return h;
}

/** @global */
export function int_of_u8s(a: u8, b: u8): int {
	return a - b;
}

/** @global */
export function negate_widened(a: u32): long {
	const x: long = -long(a);

	return x;
}

/** @global */
export function shift_negative_long(n: u32): long {
	return long(-1n) >> long(n & 63);
}

/** @global */
export function compare_converted_constant(a: s64): bool {
	return a < s64(u64(0n) >> u64(0n));
}

/**
 * gcc -O2 computed 255 for the C of this where Node (and gcc -O0) gave 0
 * (random program 2032 of seed 1515): a signed left shift past the sign
 * bit, undefined in C; ktsc refuses a signed '<<' now, so the program is
 * written with an unsigned shift.
 * @global
 */
export function shift_signed_left(p0: u16): u8 {
	const x0: long = long((u64(0x7fffffffffffffffn) ^ u64(p0)) << (u64(p0) & 63n)) >> 63n;

	return u8(u64(p0) ^ u64(x0));
}

/** @global */
export function shift_converted_int_min(a: long): bool {
	return s64(int(-0x80000000)) >> s64(63n) < s64(a);
}
