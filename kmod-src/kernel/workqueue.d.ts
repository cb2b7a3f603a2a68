/**
 * Work items and workqueues.
 * @header linux/workqueue.h
 */
import type { bool, Ptr, ulong } from './types';

export declare class work_struct {
	private readonly __work: never;
}
export declare class delayed_work {
	work: work_struct;
}
export declare class workqueue_struct {
	private readonly __wq: never;
}

export type work_func_t = (work: Ptr<work_struct>) => void;

/** @macro */
export declare function INIT_WORK(work: Ptr<work_struct>, fn: work_func_t): void;
/** @macro */
export declare function INIT_WORK_ONSTACK(work: Ptr<work_struct>, fn: work_func_t): void;
export declare function destroy_work_on_stack(work: Ptr<work_struct>): void;
/** @macro */
export declare function INIT_DELAYED_WORK(work: Ptr<delayed_work>, fn: work_func_t): void;
export declare function queue_work(wq: Ptr<workqueue_struct>, work: Ptr<work_struct>): bool;
export declare function queue_delayed_work(wq: Ptr<workqueue_struct>, work: Ptr<delayed_work>, delay: ulong): bool;
export declare function mod_delayed_work(wq: Ptr<workqueue_struct>, work: Ptr<delayed_work>, delay: ulong): bool;
/** @might_sleep */
export declare function cancel_delayed_work_sync(work: Ptr<delayed_work>): bool;
/** @might_sleep */
export declare function cancel_work_sync(work: Ptr<work_struct>): bool;
/** @might_sleep */
export declare function flush_work(work: Ptr<work_struct>): bool;
/** @might_sleep */
export declare function flush_delayed_work(work: Ptr<delayed_work>): bool;
export declare function to_delayed_work(work: Ptr<work_struct>): Ptr<delayed_work>;
export declare function work_busy(work: Ptr<work_struct>): number;
