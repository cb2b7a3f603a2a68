/**
 * Parsing numbers written to sysfs: 0 or -EINVAL/-ERANGE.
 * @header linux/kstrtox.h
 */
import type { bool, cstr, int, Out, uint, ulong } from './types';

export declare function kstrtoul(s: cstr, base: uint, res: Out<ulong>): int;
export declare function kstrtouint(s: cstr, base: uint, res: Out<uint>): int;
export declare function kstrtobool(s: cstr, res: Out<bool>): int;
