/**
 * Kernel scalar types and the pointer model of the subset.
 *
 * Integers of up to 32 bits are JavaScript numbers in Node, 64-bit integers
 * are bigints. Each integer type has a conversion function of the same name
 * (u32(x), ulong(x), ...) that wraps like a C cast; the compiler writes the
 * cast in C only where C would not convert the same way implicitly.
 *
 * Pointers: Ptr<T> is a struct pointer (the object itself in Node), Mem<T>
 * indexable memory, Out<T> a pointer to one scalar (an out-parameter),
 * VoidPtr a void *, cstr a const char *.
 *
 * @header linux/types.h
 */

/** C `char`. */
export type char = number;
/**
 * Convert to `char`, wrapping like a C cast.
 * @conversion
 */
export declare function char(x: number | bigint): char;

/** C `u8`. */
export type u8 = number;
/**
 * Convert to `u8`, wrapping like a C cast.
 * @conversion
 */
export declare function u8(x: number | bigint): u8;

/** C `s8`. */
export type s8 = number;
/**
 * Convert to `s8`, wrapping like a C cast.
 * @conversion
 */
export declare function s8(x: number | bigint): s8;

/** C `u16`. */
export type u16 = number;
/**
 * Convert to `u16`, wrapping like a C cast.
 * @conversion
 */
export declare function u16(x: number | bigint): u16;

/** C `s16`. */
export type s16 = number;
/**
 * Convert to `s16`, wrapping like a C cast.
 * @conversion
 */
export declare function s16(x: number | bigint): s16;

/** C `int`. */
export type int = number;
/**
 * Convert to `int`, wrapping like a C cast.
 * @conversion
 */
export declare function int(x: number | bigint): int;

/** C `unsigned int`. */
export type uint = number;
/**
 * Convert to `unsigned int`, wrapping like a C cast.
 * @conversion
 */
export declare function uint(x: number | bigint): uint;

/** C `u32`. */
export type u32 = number;
/**
 * Convert to `u32`, wrapping like a C cast.
 * @conversion
 */
export declare function u32(x: number | bigint): u32;

/** C `s32`. */
export type s32 = number;
/**
 * Convert to `s32`, wrapping like a C cast.
 * @conversion
 */
export declare function s32(x: number | bigint): s32;

/** C `long`. */
export type long = bigint;
/**
 * Convert to `long`, wrapping like a C cast.
 * @conversion
 */
export declare function long(x: number | bigint): long;

/** C `unsigned long`. */
export type ulong = bigint;
/**
 * Convert to `unsigned long`, wrapping like a C cast.
 * @conversion
 */
export declare function ulong(x: number | bigint): ulong;

/** C `u64`. */
export type u64 = bigint;
/**
 * Convert to `u64`, wrapping like a C cast.
 * @conversion
 */
export declare function u64(x: number | bigint): u64;

/** C `s64`. */
export type s64 = bigint;
/**
 * Convert to `s64`, wrapping like a C cast.
 * @conversion
 */
export declare function s64(x: number | bigint): s64;

/** C `sector_t`. */
export type sector_t = bigint;
/**
 * Convert to `sector_t`, wrapping like a C cast.
 * @conversion
 */
export declare function sector_t(x: number | bigint): sector_t;

/** C `loff_t`. */
export type loff_t = bigint;
/**
 * Convert to `loff_t`, wrapping like a C cast.
 * @conversion
 */
export declare function loff_t(x: number | bigint): loff_t;

/** C `size_t`. */
export type size_t = bigint;
/**
 * Convert to `size_t`, wrapping like a C cast.
 * @conversion
 */
export declare function size_t(x: number | bigint): size_t;

/** C `ssize_t`. */
export type ssize_t = bigint;
/**
 * Convert to `ssize_t`, wrapping like a C cast.
 * @conversion
 */
export declare function ssize_t(x: number | bigint): ssize_t;

/** C `pgoff_t`. */
export type pgoff_t = bigint;
/**
 * Convert to `pgoff_t`, wrapping like a C cast.
 * @conversion
 */
export declare function pgoff_t(x: number | bigint): pgoff_t;

/** C `umode_t`. */
export type umode_t = number;
/**
 * Convert to `umode_t`, wrapping like a C cast.
 * @conversion
 */
export declare function umode_t(x: number | bigint): umode_t;

/** C `dev_t`. */
export type dev_t = number;
/**
 * Convert to `dev_t`, wrapping like a C cast.
 * @conversion
 */
export declare function dev_t(x: number | bigint): dev_t;

/** sparse __bitwise `gfp_t`: its own constants and & | ^ ~ only. */
export type gfp_t = number;

/** sparse __bitwise `blk_opf_t`: its own constants and & | ^ ~ only. */
export type blk_opf_t = number;

/** sparse __bitwise `blk_status_t`: its own constants and & | ^ ~ only. */
export type blk_status_t = number;

/** sparse __bitwise `blk_mode_t`: its own constants and & | ^ ~ only. */
export type blk_mode_t = number;

/** sparse __bitwise `blk_features_t`: its own constants and & | ^ ~ only. */
export type blk_features_t = number;

/** sparse __bitwise `fmode_t`: its own constants and & | ^ ~ only. */
export type fmode_t = number;

/** sparse __bitwise `__le16`: its own constants and & | ^ ~ only. */
export type __le16 = number;

/** sparse __bitwise `__le32`: its own constants and & | ^ ~ only. */
export type __le32 = number;

/** sparse __bitwise `__le64`: its own constants and & | ^ ~ only. */
export type __le64 = bigint;

/** C `bool`. */
export type bool = boolean;

/** Pointer to a struct: `struct T *` in C, the object itself in Node. */
export type Ptr<T extends object> = T;

/** Pointer to indexable memory: `T *` in C. */
export interface Mem<T> {
	[index: number]: T;
}

/** Pointer to read-only memory: `const T *` in C. */
export interface ConstMem<T> {
	readonly [index: number]: T;
}

/** An array of N elements stored inside a struct: `T name[N]` in C. */
export type Arr<T, N extends number> = Mem<T> & { readonly __length?: N };

/** Pointer to one scalar, for out-parameters: `T *` in C. */
export interface Out<T> {
	get(): T;
	set(value: T): void;
}

/**
 * A local variable whose address is taken: `const x = local<ulong>(0n)` is
 * `unsigned long x = 0;` in C; pass `x` where an Out<ulong> is expected
 * (`&x`), read it with x.get(), write it with x.set(v).
 * @intrinsic local
 * */
export declare function local<T>(init: T): Out<T>;

/** `void *`: holds any struct pointer; read it back with `p as Ptr<T>`. */
export type VoidPtr = object;

/** `const char *`: string literals and kernel strings. */
export type cstr = string;

/** A struct class used as a type argument (kzalloc, container_of, ...). */
export interface StructClass<T> {
	prototype: T;
}

/**
 * Element type of kcalloc() for an array of struct pointers.
 * @intrinsic ptr_to
 */
export declare function ptr_to<T>(cls: StructClass<T>): StructClass<T | null>;

/**
 * Integer division of values up to 32 bits: `a / b` in C.
 * @intrinsic div
 */
export declare function div<T extends number>(a: T, b: T): T;

/**
 * `sizeof(struct T)` / `sizeof(T)`.
 * @intrinsic sizeof
 */
export declare function sizeof(type: StructClass<object> | ((x: number | bigint) => number | bigint)): size_t;

/**
 * A file-scope table indexed by enums: `static const V name[R][C]` in C,
 * written with designated initialisers. Every member gets a row/column.
 */
export type Table<R extends number, C extends number, V> = Readonly<Record<R | number, Readonly<Record<C | number, V>>>>;
