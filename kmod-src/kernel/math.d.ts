/**
 * Integer helpers on 64-bit values.
 * @header linux/math64.h
 */
import type { u32, u64, ulong } from './types';

export declare function div_u64(dividend: u64, divisor: u32): u64;
export declare function div64_u64(dividend: u64, divisor: u64): u64;
/** @header linux/log2.h */
export declare function roundup_pow_of_two(n: ulong): ulong;
/** @header linux/log2.h */
export declare function rounddown_pow_of_two(n: ulong): ulong;
