/**
 * Memory and string helpers.
 * @header linux/string.h
 */
import type { char, ConstMem, cstr, int, Mem, size_t, u8, VoidPtr } from './types';

export declare function memset(p: VoidPtr | Mem<u8>, c: int, n: size_t): void;
export declare function memcpy(dst: VoidPtr | Mem<u8>, src: VoidPtr | ConstMem<u8>, n: size_t): void;
export declare function memcmp(a: ConstMem<u8> | Mem<char>, b: ConstMem<u8> | Mem<char>, n: size_t): int;
/** Bounded formatting into a char array. @format 2 */
export declare function snprintf(buf: Mem<char>, size: size_t, fmt: cstr, ...args: (number | bigint | string | object | null)[]): int;
/** @header linux/sysfs.h */
export declare function sysfs_streq(a: cstr, b: cstr): boolean;
