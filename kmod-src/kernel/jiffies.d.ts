/**
 * Time in jiffies.
 * @header linux/jiffies.h
 */
import type { bool, int, long, uint, ulong } from './types';

/** The tick counter; in Node a live binding the simulator advances. */
export declare let jiffies: ulong;
export declare const HZ: int;
export declare const MAX_SCHEDULE_TIMEOUT: long;
/** @macro */
export declare function time_before(a: ulong, b: ulong): bool;
/** @macro */
export declare function time_after(a: ulong, b: ulong): bool;
export declare function msecs_to_jiffies(m: uint): ulong;
export declare function jiffies_to_msecs(j: ulong): uint;
