/**
 * Bit operations on an unsigned long used as a set of flags.
 * @header linux/bitops.h
 */
import type { Ptr, int, uint, ulong } from './types';

/**
 * An `unsigned long` used as a bit set (`set_bit(nr, &x->flags)`).
 * In a struct: `flags = new Bits();`.
 * @c unsigned long
 */
export declare class Bits {
	private readonly __bits: never;
}

export declare function set_bit(nr: uint, addr: Ptr<Bits>): void;
export declare function clear_bit(nr: uint, addr: Ptr<Bits>): void;
export declare function test_bit(nr: uint, addr: Ptr<Bits>): boolean;
export declare function test_and_set_bit(nr: uint, addr: Ptr<Bits>): boolean;
export declare function test_and_clear_bit(nr: uint, addr: Ptr<Bits>): boolean;
/** @header linux/log2.h */
export declare function ilog2(n: ulong): int;
/** @header linux/log2.h */
export declare function is_power_of_2(n: ulong): boolean;
