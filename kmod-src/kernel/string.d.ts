/**
 * Memory and string helpers.
 * @header linux/string.h
 */
import type { char, cstr, int, Mem, size_t, VoidPtr } from './types';

export declare function memset(p: VoidPtr, c: int, n: size_t): void;
export declare function memcpy(dst: VoidPtr, src: VoidPtr, n: size_t): void;
export declare function memcmp(a: VoidPtr, b: VoidPtr, n: size_t): int;
/**
 * Bounded formatting into a char array.
 * @format 2
 */
export declare function snprintf(buf: Mem<char>, size: size_t, fmt: cstr, ...args: (number | bigint | string | object | null)[]): int;
/** @header linux/sysfs.h */
export declare function sysfs_streq(a: cstr, b: cstr): boolean;
