/**
 * Little-endian on-disk fields.
 * @header asm/byteorder.h
 */
import type { __le32, __le64, u32, u64 } from './types';

export declare function cpu_to_le32(x: u32): __le32;
export declare function le32_to_cpu(x: __le32): u32;
export declare function cpu_to_le64(x: u64): __le64;
export declare function le64_to_cpu(x: __le64): u64;
