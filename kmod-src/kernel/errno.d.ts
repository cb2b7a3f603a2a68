/**
 * Error numbers (positive; functions return -EINVAL etc.) and error pointers.
 * @header linux/errno.h
 */
import type { bool, int, long, Ptr } from './types';

export declare const EINVAL: int;
export declare const ENOMEM: int;
export declare const EIO: int;
export declare const ENOSPC: int;
export declare const EOPNOTSUPP: int;
export declare const EBUSY: int;
export declare const ENOENT: int;
export declare const ETIMEDOUT: int;
export declare const ENODEV: int;
export declare const ENXIO: int;
export declare const EEXIST: int;
export declare const ENAMETOOLONG: int;
/** Wrong medium type: the members hold a bitmap of another kind. */
export declare const EMEDIUMTYPE: int;

/** @header linux/err.h */
export declare function ERR_PTR<T extends object>(error: int): Ptr<T>;
/** @header linux/err.h */
export declare function PTR_ERR(ptr: object): long;
/** @header linux/err.h */
export declare function IS_ERR(ptr: object | null): bool;
/** @header linux/err.h */
export declare function IS_ERR_OR_NULL(ptr: object | null): bool;
