/**
 * Wait queues and completions.
 * @header linux/wait.h
 */
import type { Ptr, bool, long } from './types';

/** @typedef */
export declare class wait_queue_head_t {
	private readonly __wq: never;
}

export declare function init_waitqueue_head(wq: Ptr<wait_queue_head_t>): void;
export declare function wake_up(wq: Ptr<wait_queue_head_t>): void;
export declare function wq_has_sleeper(wq: Ptr<wait_queue_head_t>): boolean;

/**
 * Sleep until cond() holds: `wait_event(wq, cond)`.
 * @macro
 * @might_sleep
 */
export declare function wait_event(wq: wait_queue_head_t, cond: () => bool): void;

/**
 * Sleep until cond() holds or the timeout (jiffies) passes; 0 on timeout.
 * @macro
 * @might_sleep
 */
export declare function wait_event_timeout(wq: wait_queue_head_t, cond: () => bool, timeout: long): long;

/** @header linux/completion.h */
export declare class completion {
	private readonly __completion: never;
}
/** @header linux/completion.h */
export declare function init_completion(x: Ptr<completion>): void;
/** @header linux/completion.h */
export declare function complete(x: Ptr<completion>): void;
/**
 * @header linux/completion.h
 * @might_sleep
 */
export declare function wait_for_completion(x: Ptr<completion>): void;
