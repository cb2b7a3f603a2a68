/**
 * Golden case: structs, pointers, out-parameters, allocation, once-accesses,
 * container_of, iteration macros and wait conditions.
 */
import { atomic_inc, atomic_read, atomic_t, cmpxchg } from '../../../kmod-src/kernel/atomic';
import { Bitmap, Bits, set_bit, test_and_clear_bit, test_bit } from '../../../kmod-src/kernel/bitops';
import { PAGE_SECTORS } from '../../../kmod-src/kernel/mm';
import { READ_ONCE, WRITE_ONCE } from '../../../kmod-src/kernel/compiler';
import { ENOMEM } from '../../../kmod-src/kernel/errno';
import { In_sync, mdname, type md_rdev, type mddev, rdev_for_each } from '../../../kmod-src/kernel/md';
import { pr_err } from '../../../kmod-src/kernel/printk';
import { GFP_KERNEL, kcalloc, kfree, kzalloc } from '../../../kmod-src/kernel/slab';
import { container_of } from '../../../kmod-src/kernel/stddef';
import { type bool, type int, local, type Mem, type Out, type Ptr, ptr_to, type sector_t, type u8, type uint, ulong } from '../../../kmod-src/kernel/types';
import { wait_event, wait_queue_head_t, wake_up } from '../../../kmod-src/kernel/wait';
import { INIT_WORK, work_struct } from '../../../kmod-src/kernel/workqueue';

/** One slot. */
class slot {
	owner!: Ptr<mddev>;
	count: ulong = 0n;
	flags = new Bits();
	/** A bit per sector of a page, and a fixed number of bits. */
	sectors = new Bitmap(PAGE_SECTORS);
	marks = new Bitmap(96);
}

/** Optional ops: a function pointer that may be NULL. */
class slot_ops {
	count!: ((s: Ptr<slot>) => ulong) | null;
}

/** A table of slots. */
class slots {
	/** Pointers to the slots. */
	table!: Mem<Ptr<slot> | null>;
	nr: uint = 0;
	/** One mark per slot, claimed with cmpxchg. */
	marks!: Mem<u8>;
	busy = new atomic_t();
	wait = new wait_queue_head_t();
	work = new work_struct();
}

function slots_work(work: Ptr<work_struct>): void {
	const s = container_of(work, slots, 'work');

	wake_up(s.wait);
}

function slots_alloc(nr: uint): Ptr<slots> | null {
	const s = kzalloc(slots, GFP_KERNEL);

	if (!s)
		return null;
	s.table = kcalloc(ulong(nr), ptr_to(slot), GFP_KERNEL)!;
	if (!s.table) {
		kfree(s);
		return null;
	}
	s.nr = nr;
	INIT_WORK(s.work, slots_work);
	return s;
}

/** Out-parameters and locals whose address is taken. */
function slot_count(s: Ptr<slot>, count: Out<ulong>): int {
	const seen = local<ulong>(0n);

	count_into(s, seen);
	count.set(seen.get() + READ_ONCE(s.count));
	WRITE_ONCE(s, 'count', 0n);
	return count.get() > 0n ? 1 : 0;
}

/** Compare-and-exchange of a field and of an element of memory. */
function slot_claim(s: Ptr<slot>, marks: Mem<u8>, i: uint): bool {
	if (cmpxchg(s, 'count', 0n, 1n) !== 0n)
		return false;
	return cmpxchg(marks, i + 1, 0, 0xff) === 0;
}

function count_into(s: Ptr<slot>, out: Out<ulong>): void {
	out.set(s.count);
	if (!test_bit(0, s.flags))
		set_bit(0, s.flags);
}

/** Bitmaps go to the bit operations as they are: no '&'. */
function slot_mark(s: Ptr<slot>, sector: uint): bool {
	set_bit(95, s.marks);
	set_bit(sector, s.sectors);
	return test_and_clear_bit(sector + 1, s.sectors);
}

/** Iterate members; wait for a condition. */
function in_sync_members(mddev: Ptr<mddev>, s: Ptr<slots>, start: sector_t): int {
	let n: int = 0;

	for (const rdev of rdev_for_each(mddev)) {
		if (!test_bit(In_sync, rdev.flags))
			continue;
		if (rdev.sb_start < start)
			pr_err('%s: member before %llu\n', mdname(mddev), start);
		n++;
	}
	atomic_inc(s.busy);
	wait_event(s.wait, () => atomic_read(s.busy) === 0 || n > 4);
	return n === 0 ? -ENOMEM : n;
}

function slot_ops_count(ops: Ptr<slot_ops>, s: Ptr<slot>): ulong {
	if (!ops.count)
		return 0n;
	return ops.count(s);
}

/** @global */
export function structs_main(mddev: Ptr<mddev>, rdev: Ptr<md_rdev>, ops: Ptr<slot_ops>): int {
	const s = slots_alloc(4);
	const count = local<ulong>(0n);

	if (!s)
		return -ENOMEM;
	const first = s.table[0];

	if (first !== null && slot_claim(first, s.marks, 0))
		slot_count(first, count);
	if (first !== null && slot_mark(first, 3))
		pr_err('%s: sector 4 was marked\n', mdname(mddev));
	if (first !== null && slot_ops_count(ops, first))
		ops.count = null;
	kfree(s.table);
	kfree(s);
	return in_sync_members(mddev, s, rdev.sb_start);
}

/** A struct defined after the first functions. */
class later {
	n: uint = 0;
}

/**
 * later_use - uses later_bump() before its definition: its prototype names
 * struct later, so it goes after the struct
 * @l: the counter
 * @global
 */
export function later_use(l: Ptr<later>): void {
	later_bump(l);
}

function later_bump(l: Ptr<later>): void {
	l.n++;
}
