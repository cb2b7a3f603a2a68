// Lifetimes of the bitmap's work items against md's teardown, every
// interleaving with up to 2 preemptions: a daemon_sleep store must not
// queue the daemon on a bitmap being destroyed (the simulated kfree()
// reports a work item still queued on freed memory, as DEBUG_OBJECTS
// does), nor start a second cleaner while the array's flush cleans.
import { describe, expect, test } from 'vitest';
import { md_llbitmap_group } from '../../kmod-src/md-llbitmap/sysfs.js';
import { explore } from './explore.js';
import { SimArray } from './md.js';
import { module_unload, THIS_MODULE } from './kernel/module.js';
import { advance, reset, settle, spawn } from './sched.js';

type Store = (mddev: unknown, buf: string, len: bigint) => bigint;
const daemonSleep = md_llbitmap_group.attrs.find((e) => (e as unknown as { name: string }).name === 'daemon_sleep') as unknown as { store: Store };

/** The store and the stop, in either order (a task preempted runs the other to completion at that point). */
const storeDuringStop = (storeFirst: boolean) => (): (() => void) => {
	const a = SimArray.fresh();
	a.write(0n, 8);
	settle();
	const store = () => spawn('sysfs daemon_sleep', () => void daemonSleep.store(a.mddev, '1\n', 2n), 0n, 'thread');
	if (storeFirst) store();
	spawn('mdadm --stop', () => a.stop(), 0n, 'thread');
	if (!storeFirst) store();
	return () => undefined;
};

describe('the daemon against teardown', () => {
	test('a daemon_sleep store racing mdadm --stop never leaves the daemon queued on a freed bitmap', () => {
		const r = explore(storeDuringStop(false), 2);
		const r2 = explore(storeDuringStop(true), 2);
		if (!r.failure) r.failure = r2.failure;
		r.runs += r2.runs;
		if (r.failure) console.log(`schedule ${JSON.stringify(r.failure.schedule)}: ${r.failure.error.message}`);
		expect(r.failure?.error.message ?? '').toBe('');
		expect(r.runs).toBeGreaterThan(20);
		console.log(`${r.runs} schedules`);
	});
});

describe('the meta disk against module unload', () => {
	test('mdadm --stop then rmmod at once: the meta disk is released before the module goes', () => {
		reset();
		const a = SimArray.fresh();
		a.write(0n, 8);
		settle();
		// md_kobj_release() runs md_free_meta_file() from md_misc_wq; md_exit() drains that queue and the module is freed
		a.stop();
		module_unload(THIS_MODULE);
		expect(() => advance(2n)).not.toThrow();
	});
});
