/**
 * Sleeping locks.
 * @header linux/mutex.h
 */
import type { bool, Ptr } from './types';

export declare class mutex {
	private readonly __mutex: never;
}

/** @macro */
export declare function mutex_init(lock: Ptr<mutex>): void;
/** @might_sleep */
export declare function mutex_lock(lock: Ptr<mutex>): void;
export declare function mutex_unlock(lock: Ptr<mutex>): void;
export declare function mutex_is_locked(lock: Ptr<mutex>): bool;
