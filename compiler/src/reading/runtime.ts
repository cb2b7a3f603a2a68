// What C's integer operators do, for the Node reading of kmod-src
// (reading/node.ts): the reading calls these where JavaScript's operator
// would compute another value than the C that ktsc prints. Integers of up
// to 32 bits are numbers, 64-bit ones bigints (SUBSET.md, section 2).
//
// The kernel is built with -fno-strict-overflow: signed arithmetic wraps
// as unsigned does. A shift whose count is negative or not below the
// width is undefined in C (UBSAN reports it): here it throws.

type Int = number | bigint;

/** A value of the C integer type `bits`/`signed` holding `x` modulo 2^bits. */
export function wrap(x: number, bits: number, signed: boolean): number;
export function wrap(x: bigint, bits: number, signed: boolean): bigint;
export function wrap(x: Int, bits: number, signed: boolean): Int {
	if (typeof x === 'bigint') return signed ? BigInt.asIntN(bits, x) : BigInt.asUintN(bits, x);
	if (bits === 32) return signed ? x | 0 : x >>> 0;
	const m = 2 ** bits;
	const v = ((x % m) + m) % m;
	return signed && v >= m / 2 ? v - m : v;
}

/** a * b in a 32-bit type: exact modulo 2^32 (a double product is not past 2^53). */
export function mul32(a: number, b: number, signed: boolean): number {
	const p = Math.imul(a, b);
	return signed ? p : p >>> 0;
}

function count(n: Int, bits: number, type: string): number {
	const c = Number(n);
	if (!(c >= 0 && c < bits)) throw new RangeError(`shift count ${c} is out of range for ${type} (${bits} bits): undefined in C`);
	return c;
}

/** a << n in a type of `bits`, the count checked. */
export function shl(a: number, n: Int, bits: number, signed: boolean, type: string): number;
export function shl(a: bigint, n: Int, bits: number, signed: boolean, type: string): bigint;
export function shl(a: Int, n: Int, bits: number, signed: boolean, type: string): Int {
	const c = count(n, bits, type);
	if (typeof a === 'bigint') return wrap(a << BigInt(c), bits, signed);
	return wrap(a << c, 32, signed);
}

/** a >> n: arithmetic for signed types, logical for unsigned ones. */
export function shr(a: number, n: Int, bits: number, signed: boolean, type: string): number;
export function shr(a: bigint, n: Int, bits: number, signed: boolean, type: string): bigint;
export function shr(a: Int, n: Int, bits: number, signed: boolean, type: string): Int {
	const c = count(n, bits, type);
	if (typeof a === 'bigint') return a >> BigInt(c);
	return signed ? a >> c : a >>> c;
}
