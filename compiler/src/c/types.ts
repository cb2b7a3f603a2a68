// The C type model shared by the checker, the lowering and the printer.
//
// Integer types carry their width and signedness (x86_64 LP64) and the
// standard type they are a typedef of, so C's promotions and usual
// arithmetic conversions can be computed, and printf formats checked
// against the standard type. Every type also says how it is represented
// when the same TypeScript runs in Node: numbers for integers up to 32 bits,
// bigints for 64-bit integers, objects for structs.

export type Repr = 'number' | 'bigint' | 'boolean' | 'object' | 'void';

export interface IntType {
	kind: 'int';
	/** Spelling in C: `u32`, `unsigned long`, `sector_t`. */
	name: string;
	bits: 8 | 16 | 32 | 64;
	signed: boolean;
	/** C conversion rank: 1 char, 2 short, 3 int, 4 long, 5 long long. */
	rank: number;
	/** The standard C type this is (or is a typedef of), for printf. */
	std: string;
	/** sparse __bitwise: only bitwise ops with its own kind, no arithmetic. */
	bitwise?: boolean;
}

export interface BoolType {
	kind: 'bool';
	name: 'bool';
}

export interface VoidType {
	kind: 'void';
	name: 'void';
}

export interface EnumType {
	kind: 'enum';
	name: string;
	members: Map<string, bigint>;
}

export interface StructField {
	name: string;
	type: CType;
	comment?: string;
}

export interface StructType {
	kind: 'struct';
	/** TS name (also the C tag or typedef name). */
	name: string;
	/** C spelling: `struct llbitmap`, or a typedef like `atomic_t`. */
	cname: string;
	fields: Map<string, StructField>;
	/** Declared by the kernel (prelude) rather than by kmod-src. */
	external: boolean;
	/** Fields are accessed through a pointer in C even in TS value position. */
	header?: string;
}

/** How a pointer is seen from TypeScript. */
export type PtrView =
	| 'struct' // Ptr<T>: the object itself in Node, `struct T *` in C
	| 'mem' // Mem<T>: indexable memory, `T *`
	| 'out' // Out<T>: a box with get()/set(), `T *`
	| 'void' // VoidPtr: `void *`
	| 'str'; // cstr: `const char *` (and string literals)

export interface PtrType {
	kind: 'ptr';
	to: CType;
	view: PtrView;
	/** Points to const. */
	constTarget?: boolean;
	nullable?: boolean;
}

export interface ArrayType {
	kind: 'array';
	of: CType;
	/** Element count, printed as given (a number or a constant's name). */
	len: string;
	/** DECLARE_BITMAP(name, bits): an array of `unsigned long` holding `bits` bits. */
	bitmap?: BitmapSize;
}

/** The size of a Bitmap field: the constant as C spells it, its value if known. */
export interface BitmapSize {
	bits: string;
	value?: bigint;
	/** The header that defines the constant. */
	header?: string;
}

export interface FuncType {
	kind: 'func';
	ret: CType;
	params: { name: string; type: CType }[];
	/** A function pointer field/parameter rather than a function. */
	pointer?: boolean;
	/** A function pointer that may be NULL: `((...) => R) | null`. */
	nullable?: boolean;
}

/** A type the kernel declares that we only pass around (page, bio, ...). */
export interface OpaqueType {
	kind: 'opaque';
	name: string;
	cname: string;
}

export type CType = IntType | BoolType | VoidType | EnumType | StructType | PtrType | ArrayType | FuncType | OpaqueType;

export const VOID: VoidType = { kind: 'void', name: 'void' };
export const BOOL: BoolType = { kind: 'bool', name: 'bool' };

function int(name: string, bits: 8 | 16 | 32 | 64, signed: boolean, rank: number, std: string, bitwise?: boolean): IntType {
	return { kind: 'int', name, bits, signed, rank, std, ...(bitwise ? { bitwise } : {}) };
}

/** The integer types of the subset, by their TypeScript name. */
export const INT_TYPES: ReadonlyMap<string, IntType> = new Map(
	[
		int('char', 8, true, 1, 'char'),
		int('u8', 8, false, 1, 'unsigned char'),
		int('s8', 8, true, 1, 'signed char'),
		int('u16', 16, false, 2, 'unsigned short'),
		int('s16', 16, true, 2, 'short'),
		int('int', 32, true, 3, 'int'),
		int('unsigned int', 32, false, 3, 'unsigned int'),
		int('u32', 32, false, 3, 'unsigned int'),
		int('s32', 32, true, 3, 'int'),
		int('long', 64, true, 4, 'long'),
		int('unsigned long', 64, false, 4, 'unsigned long'),
		int('u64', 64, false, 5, 'unsigned long long'),
		int('s64', 64, true, 5, 'long long'),
		int('sector_t', 64, false, 5, 'unsigned long long'),
		int('loff_t', 64, true, 5, 'long long'),
		int('size_t', 64, false, 4, 'unsigned long'),
		int('ssize_t', 64, true, 4, 'long'),
		int('pgoff_t', 64, false, 4, 'unsigned long'),
		int('umode_t', 16, false, 2, 'unsigned short'),
		int('dev_t', 32, false, 3, 'unsigned int'),
		int('gfp_t', 32, false, 3, 'unsigned int', true),
		int('blk_opf_t', 32, false, 3, 'unsigned int', true),
		int('blk_status_t', 8, false, 1, 'unsigned char', true),
		int('blk_mode_t', 32, false, 3, 'unsigned int', true),
		int('fmode_t', 32, false, 3, 'unsigned int', true),
		int('blk_features_t', 32, false, 3, 'unsigned int', true),
		int('__le16', 16, false, 2, 'unsigned short', true),
		int('__le32', 32, false, 3, 'unsigned int', true),
		int('__le64', 64, false, 5, 'unsigned long long', true),
	].map((t) => [t.name, t]),
);

/** TypeScript aliases for C spellings with spaces. */
export const INT_ALIASES: ReadonlyMap<string, string> = new Map([
	['uint', 'unsigned int'],
	['ulong', 'unsigned long'],
]);

export function intType(tsName: string): IntType | undefined {
	return INT_TYPES.get(INT_ALIASES.get(tsName) ?? tsName);
}

export const INT = intType('int')!;
export const UINT = intType('unsigned int')!;
export const LONG = intType('long')!;
export const ULONG = intType('unsigned long')!;

export function reprOf(t: CType): Repr {
	switch (t.kind) {
		case 'int':
			return t.bits === 64 ? 'bigint' : 'number';
		case 'enum':
			return 'number';
		case 'bool':
			return 'boolean';
		case 'void':
			return 'void';
		default:
			return 'object';
	}
}

export function isInteger(t: CType): t is IntType | EnumType {
	return t.kind === 'int' || t.kind === 'enum';
}

export function isScalar(t: CType): boolean {
	return t.kind === 'int' || t.kind === 'enum' || t.kind === 'bool' || t.kind === 'ptr';
}

/** The int type an enum or bool behaves as in arithmetic. */
export function asInt(t: CType): IntType | undefined {
	if (t.kind === 'int') return t;
	if (t.kind === 'enum' || t.kind === 'bool') return INT;
	return undefined;
}

/** C integer promotion: anything narrower than int becomes int. */
export function promote(t: IntType): IntType {
	if (t.bitwise) return t;
	return t.rank < 3 ? INT : t;
}

function unsignedOf(t: IntType): IntType {
	if (!t.signed) return t;
	if (t.rank >= 5) return intType('u64')!;
	if (t.rank === 4) return ULONG;
	return UINT;
}

/** C's usual arithmetic conversions for a binary operator. */
export function usualArith(a: IntType, b: IntType): IntType {
	const x = promote(a);
	const y = promote(b);
	if (sameInt(x, y)) return x;
	if (x.signed === y.signed) return rankOrBits(x) >= rankOrBits(y) ? x : y;
	const [u, s] = x.signed ? [y, x] : [x, y];
	if (rankOrBits(u) >= rankOrBits(s)) return u;
	if (s.bits > u.bits) return s;
	return unsignedOf(s);
}

function rankOrBits(t: IntType): number {
	return t.rank * 100 + t.bits;
}

export function sameInt(a: IntType, b: IntType): boolean {
	return a.name === b.name || (a.std === b.std && !a.bitwise && !b.bitwise);
}

export function sameType(a: CType, b: CType): boolean {
	if (a === b) return true;
	if (a.kind !== b.kind) return false;
	switch (a.kind) {
		case 'int':
			return sameInt(a, b as IntType);
		case 'ptr': {
			const p = b as PtrType;
			return sameType(a.to, p.to);
		}
		case 'array':
			return sameType(a.of, (b as ArrayType).of) && a.len === (b as ArrayType).len;
		case 'func': {
			const f = b as FuncType;
			return (
				sameType(a.ret, f.ret) &&
				a.params.length === f.params.length &&
				a.params.every((p, i) => sameType(p.type, f.params[i].type))
			);
		}
		default:
			return a.name === (b as { name: string }).name;
	}
}

/** Range of values of an integer type. */
export function intRange(t: IntType): [bigint, bigint] {
	const bits = BigInt(t.bits);
	if (t.signed) return [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
	return [0n, (1n << bits) - 1n];
}

/** `v` converted to `t` as C does (modulo 2^bits, read signed or not). */
export function wrapTo(v: bigint, t: IntType): bigint {
	return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v);
}

export function fits(v: bigint, t: IntType): boolean {
	const [lo, hi] = intRange(t);
	return v >= lo && v <= hi;
}

/** Every value of `from` is a value of `to`. */
export function valuePreserving(from: IntType, to: IntType): boolean {
	if (from.bitwise || to.bitwise) return from.name === to.name;
	if (from.signed === to.signed) return to.bits >= from.bits;
	if (!from.signed && to.signed) return to.bits > from.bits;
	return false;
}

/** How a type reads in a diagnostic. */
export function typeName(t: CType): string {
	switch (t.kind) {
		case 'int':
		case 'bool':
		case 'void':
			return t.name;
		case 'enum':
			return `enum ${t.name}`;
		case 'struct':
			return t.cname;
		case 'opaque':
			return t.cname;
		case 'ptr':
			if (t.view === 'str') return 'const char *';
			if (t.view === 'void') return 'void *';
			return `${typeName(t.to)} *`;
		case 'array':
			return `${typeName(t.of)}[${t.len}]`;
		case 'func':
			return `${typeName(t.ret)} (*)(${t.params.map((p) => typeName(p.type)).join(', ')})`;
	}
}
