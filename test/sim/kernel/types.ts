// Runtime of kmod-src/kernel/types.d.ts: integer conversions that wrap like
// C casts, local(), ptr_to(), div(), sizeof().
function asBig(x: number | bigint, what: string): bigint {
	if (typeof x === 'bigint') return x;
	if (!Number.isInteger(x)) throw new RangeError(`${what}(${x}): not an integer`);
	return BigInt(x);
}
const num = (bits: number, signed: boolean, name: string) => (x: number | bigint) =>
	Number(signed ? BigInt.asIntN(bits, asBig(x, name)) : BigInt.asUintN(bits, asBig(x, name)));
const big = (bits: number, signed: boolean, name: string) => (x: number | bigint) =>
	signed ? BigInt.asIntN(bits, asBig(x, name)) : BigInt.asUintN(bits, asBig(x, name));

export const char = num(8, true, 'char');
export const u8 = num(8, false, 'u8');
export const s8 = num(8, true, 's8');
export const u16 = num(16, false, 'u16');
export const s16 = num(16, true, 's16');
export const int = num(32, true, 'int');
export const uint = num(32, false, 'uint');
export const u32 = num(32, false, 'u32');
export const s32 = num(32, true, 's32');
export const dev_t = num(32, false, 'dev_t');
export const umode_t = num(16, false, 'umode_t');
export const long = big(64, true, 'long');
export const ulong = big(64, false, 'ulong');
export const u64 = big(64, false, 'u64');
export const s64 = big(64, true, 's64');
export const sector_t = big(64, false, 'sector_t');
export const loff_t = big(64, true, 'loff_t');
export const size_t = big(64, false, 'size_t');
export const ssize_t = big(64, true, 'ssize_t');
export const pgoff_t = big(64, false, 'pgoff_t');

/** Integer conversion functions double as type tokens (kcalloc of u8...). */
export const INT_WIDTH = new Map<unknown, number>([
	[u8, 1], [s8, 1], [char, 1], [u16, 2], [s16, 2], [int, 4], [uint, 4], [u32, 4], [s32, 4],
	[long, 8], [ulong, 8], [u64, 8], [s64, 8], [sector_t, 8], [loff_t, 8], [size_t, 8], [ssize_t, 8],
]);

export class Box<T> {
	constructor(public v: T) {}
	get(): T {
		return this.v;
	}
	set(v: T): void {
		this.v = v;
	}
}

export function local<T>(init: T): Box<T> {
	return new Box(init);
}

export interface PtrTo {
	ptrTo: unknown;
}

export function ptr_to(cls: unknown): PtrTo {
	return { ptrTo: cls };
}

export function div(a: number, b: number): number {
	if (b === 0) throw new RangeError('div(): division by zero');
	return Math.trunc(a / b);
}

export function sizeof(_t: unknown): bigint {
	return 0n;
}
