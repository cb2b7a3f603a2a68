/**
 * Bit operations on an unsigned long used as a set of flags, and on
 * bitmaps of a fixed number of bits.
 * @header linux/bitops.h
 */
import type { Ptr, int, uint, ulong } from './types';

/**
 * An `unsigned long` used as a set of flags (`set_bit(nr, &x->flags)`).
 * In a struct: `flags = new Bits();`. Its bit numbers are constants (enum
 * members, kernel flags) below 32, BITS_PER_LONG on 32-bit kernels: ktsc
 * rejects any other (KTS2016). A bit index computed at run time needs a
 * Bitmap.
 * @c unsigned long
 */
export declare class Bits {
	private readonly __bits: never;
}

/**
 * A bitmap of `bits` bits stored in a struct, `bits` a constant:
 * `dirty = new Bitmap(PAGE_SECTORS);` is `DECLARE_BITMAP(dirty, PAGE_SECTORS);`.
 * It goes to the bit operations as it is (it decays to `unsigned long *`);
 * a constant bit number past its end is rejected (KTS2016), a computed one
 * is the caller's to bound (the simulator throws past the end).
 * @bitmap
 */
export declare class Bitmap extends Bits {
	/** `bits`: a constant of any integer type. */
	constructor(bits: number | bigint);
}

/** @bitop */
export declare function set_bit(nr: uint, addr: Ptr<Bits>): void;
/** @bitop */
export declare function clear_bit(nr: uint, addr: Ptr<Bits>): void;
/** @bitop */
export declare function test_bit(nr: uint, addr: Ptr<Bits>): boolean;
/** @bitop */
export declare function test_and_set_bit(nr: uint, addr: Ptr<Bits>): boolean;
/** @bitop */
export declare function test_and_clear_bit(nr: uint, addr: Ptr<Bits>): boolean;
/** @header linux/log2.h */
export declare function ilog2(n: ulong): int;
/** @header linux/log2.h */
export declare function is_power_of_2(n: ulong): boolean;
