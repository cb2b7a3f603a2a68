// Runtime of kmod-src/kernel/slab.d.ts.
import { preempt } from '../sched.js';
import { delayed_work, work_busy, work_struct } from './workqueue.js';
import { wait_queue_head_t } from './wait.js';
import { live, zeroed } from './struct.js';
import { INT_WIDTH, type PtrTo } from './types.js';

export const GFP_KERNEL = 0xcc0;
export const GFP_NOIO = 0xc00;
export const __GFP_ZERO = 0x100;
export const GFP_ATOMIC = 0x820;

/** Fail the next N allocations (fault injection). */
export const faults = { failAlloc: 0 };

function fail(): boolean {
	if (faults.failAlloc > 0) {
		faults.failAlloc--;
		return true;
	}
	return false;
}

export function kzalloc<T extends object>(cls: new () => T, _gfp: number): T | null {
	preempt('kzalloc');
	if (fail()) return null;
	const obj = zeroed(cls);
	live.add(obj);
	return obj;
}

export function kcalloc(n: bigint, elem: unknown, _gfp: number): unknown {
	preempt('kcalloc');
	if (fail()) return null;
	const count = Number(n);
	let arr: unknown;
	if (elem && typeof elem === 'object' && 'ptrTo' in (elem as PtrTo)) arr = new Array(count).fill(null);
	else if (INT_WIDTH.has(elem)) {
		const w = INT_WIDTH.get(elem)!;
		arr = w === 8 ? new BigUint64Array(count) : w === 4 ? new Uint32Array(count) : w === 2 ? new Uint16Array(count) : new Uint8Array(count);
	} else arr = Array.from({ length: count }, () => zeroed(elem as new () => object));
	live.add(arr as object);
	return arr;
}

export function kfree(p: object | null): void {
	if (!p) return;
	if (!live.has(p)) throw new Error('kfree(): not allocated, or freed twice');
	// What CONFIG_DEBUG_OBJECTS reports as "free active object": a work
	// item or timer of the object still queued, to run on freed memory.
	for (const [k, v] of Object.entries(p))
		if (v instanceof delayed_work || v instanceof work_struct)
			if (work_busy(v instanceof delayed_work ? v.work : v) & 1) throw new Error(`kfree(): ${k} is still queued (a timer on freed memory)`);
	// wait queues embedded in it: a wake_up() from now on touches freed memory
	for (const v of Object.values(p)) if (v instanceof wait_queue_head_t) v.freed = true;
	live.delete(p);
}
