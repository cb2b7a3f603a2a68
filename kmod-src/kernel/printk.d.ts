/**
 * Kernel messages. Formats are checked against the arguments' C types.
 * @header linux/printk.h
 */
import type { char, cstr, int, Mem } from './types';

type FmtArg = number | bigint | boolean | string | object | null;

/** @format 0 */
export declare function pr_err(fmt: cstr, ...args: FmtArg[]): void;
/** @format 0 */
export declare function pr_warn(fmt: cstr, ...args: FmtArg[]): void;
/** @format 0 */
export declare function pr_notice(fmt: cstr, ...args: FmtArg[]): void;
/** @format 0 */
export declare function pr_info(fmt: cstr, ...args: FmtArg[]): void;
/** @format 0 */
export declare function pr_debug(fmt: cstr, ...args: FmtArg[]): void;
/**
 * Format into a sysfs show() buffer (`char *page`); returns the length.
 * @header linux/sysfs.h
 * @format 1
 */
export declare function sysfs_emit(buf: Mem<char>, fmt: cstr, ...args: FmtArg[]): int;
/**
 * Append to a sysfs show() buffer at offset `at`; returns the length added.
 * @header linux/sysfs.h
 * @format 2
 */
export declare function sysfs_emit_at(buf: Mem<char>, at: int, fmt: cstr, ...args: FmtArg[]): int;
