/**
 * Struct layout helpers.
 * @header linux/stddef.h
 */
import type { Ptr, size_t, StructClass } from './types';

/**
 * The struct containing `ptr` as its field `field`:
 * container_of(ptr, struct T, field).
 * @header linux/container_of.h
 * @intrinsic container_of
 */
export declare function container_of<T extends object, K extends keyof T>(ptr: T[K] | Ptr<object>, type: StructClass<T>, field: K): Ptr<T>;

/**
 * Byte offset of `field` in struct T: offsetof(struct T, field).
 * @intrinsic offsetof
 */
export declare function offsetof<T extends object>(type: StructClass<T>, field: keyof T): size_t;
