// Runtime of kmod-src/kernel/math.d.ts.
export function div_u64(a: bigint, b: number): bigint {
	if (!b) throw new RangeError('div_u64(): division by zero');
	return a / BigInt(b);
}
export function div64_u64(a: bigint, b: bigint): bigint {
	if (!b) throw new RangeError('div64_u64(): division by zero');
	return a / b;
}
export function roundup_pow_of_two(n: bigint): bigint {
	let p = 1n;
	while (p < n) p <<= 1n;
	return p;
}
export function rounddown_pow_of_two(n: bigint): bigint {
	let p = 1n;
	while (p << 1n <= n) p <<= 1n;
	return p;
}
