/**
 * Golden case: integers, conversions, operators, control flow, cleanup
 * blocks and declaration hoisting.
 */
import { EINVAL, ENOMEM } from '../../../kmod-src/kernel/errno';
import { pr_info } from '../../../kmod-src/kernel/printk';
import { type bool, div, int, type long, s64, type sector_t, u16, u8, u32, u64, uint, ulong } from '../../../kmod-src/kernel/types';

/** Sectors per page, as a shift. */
const SHIFT = 3;
/** A 64-bit constant needs a suffix. */
const BIG: u64 = 0x100000000n;
/** A small constant keeps its type: 4096UL, so CHUNK << 40 does not shift an int. */
const CHUNK: ulong = 4096n;
/** An expression of a wider type is cast to it. */
const CHUNK_SECTORS: ulong = CHUNK >> 9n;

/**
 * Integer conversions: casts only where C would not convert the same way.
 * @global
 */
export function widen(a: u32, b: u32, c: u8): u64 {
	const wide: u64 = u64_of(a) * u64_of(b);
	const narrow: u32 = u32(wide >> 32n);
	const both = u64_of(a) * u64_of(b);

	if (narrow > 7 && c !== 0)
		return wide + both;
	return ulong_to_u64((ulong(1) << ulong(SHIFT)) + (CHUNK << 40n) + CHUNK_SECTORS) + BIG;
}

function u64_of(x: u32): u64 {
	return u64(x);
}

function ulong_to_u64(x: ulong): u64 {
	return u64(x);
}

/** Unsigned 32-bit right shifts are written >>> and print as >>. */
function halves(x: u32, n: int): u32 {
	const hi = x >>> 16;
	const lo = x & 0xffff;
	let sum: u32 = 0;

	for (let i: int = 0; i < n; i++) {
		if (i % 2 === 0)
			continue;
		sum += hi + lo;
	}
	while (sum > 100)
		sum = div(sum, u32(2));
	do {
		sum++;
	} while (sum < 3);
	return sum & ~(u32(1) << 3);
}

/** switch, early return and a logical chain. */
function classify(v: int, strict: bool): int {
	switch (v) {
		case 0:
		case 1:
			return 0;
		case 2:
			if (strict)
				return -EINVAL;
			break;
		default:
			return v > 10 && v < 20 && !strict ? 1 : 2;
	}
	return 3;
}

/** Cleanup blocks become goto and labels; declarations go to the top. */
function setup(n: int): int {
	let ret: int = 0;

	out: {
		err_undo: {
			if (n < 0) {
				ret = -EINVAL;
				break out;
			}
			const half = n >> 1;

			if (half === 0) {
				ret = -ENOMEM;
				break err_undo;
			}
			pr_info('basics: %d halves\n', half);
			return 0;
		}
		/* undo what was set up */
		pr_info('basics: undoing %d\n', n);
	}
	return ret;
}

/** Signed arithmetic and negative literals. */
function delta(a: s64, b: s64): s64 {
	const d = a - b;

	return d < 0n ? -d : d;
}

/**
 * The most negative literals: no U suffix (that would make them large
 * unsigned numbers); an int's and a long long's minimum have no literal.
 */
function below(x: int, y: s64, z: long): bool {
	return x > -2147483648 && x > -2147483647 && y > -2147483648n && y > -9223372036854775808n && z > -4294967296n;
}

/**
 * Narrowing conversions keep their cast wherever the value goes: into a
 * wider variable, a return, an argument, a shift count; constants are
 * converted at compile time.
 */
function narrow(x: u32, y: u32): u32 {
	const b: u32 = u8(x);
	const c = u32(u8(300)) + u32(u16(-1));

	return u32(u16(b + c)) + (y << u8(x)) + as_u32(u8(y));
}

function as_u32(v: u32): u32 {
	return v;
}

/** 64-bit sector arithmetic. */
function sectors_in(first: sector_t, last: sector_t, shift: ulong): uint {
	if (last < first)
		return 0;
	return uint((last - first + 1n) >> shift);
}

/** A negative literal negated prints as -(-1), never as --1. */
function negate_negative(x: s64): s64 {
	return -s64(-1n) * x;
}

/**
 * use_all - call every function of the case
 *
 * A global function's kernel-doc comment stays kernel-doc (slash-star-star).
 *
 * Return: the sum of what they return.
 * @global
 */
export function use_all(): int {
	return classify(int(halves(7, 3)), below(0, 0n, 0n)) + setup(2) + int(narrow(1, 2)) + int(delta(1n, 2n)) + int(sectors_in(0n, 10n, 1n)) + int(negate_negative(1n));
}
