// Kernel API use (KTS3xxx).
import { __ATTR_RO, type attribute_group, type mddev } from '../../../kmod-src/kernel/md';
import { type module, module_param, type Param, THIS_MODULE } from '../../../kmod-src/kernel/module';
import { type bio, bio_endio, type block_device_operations, NUMA_NO_NODE } from '../../../kmod-src/kernel/blkdev';
import { pr_err, pr_info, sysfs_emit } from '../../../kmod-src/kernel/printk';
import { GFP_ATOMIC, GFP_KERNEL, kzalloc } from '../../../kmod-src/kernel/slab';
import { rcu_read_lock, rcu_read_unlock, synchronize_rcu } from '../../../kmod-src/kernel/md';
import { mutex, mutex_lock, mutex_unlock } from '../../../kmod-src/kernel/mutex';
import { submit_bio_wait } from '../../../kmod-src/kernel/blkdev';
import { container_of, offsetof } from '../../../kmod-src/kernel/stddef';
import { WRITE_ONCE } from '../../../kmod-src/kernel/compiler';
import { cmpxchg } from '../../../kmod-src/kernel/atomic';
import { type bool, type char, type ConstMem, type cstr, type gfp_t, int, type Mem, type Ptr, ssize_t, type Table, type u32, type u64, type u8, type ulong, type VoidPtr } from '../../../kmod-src/kernel/types';
import { wait_event, wait_queue_head_t } from '../../../kmod-src/kernel/wait';
import { kpatch } from '../../../kmod-src/kernel/kpatch';
import { Bitmap, Bits, set_bit, test_and_clear_bit, test_bit } from '../../../kmod-src/kernel/bitops';
import { PAGE_SECTORS } from '../../../kmod-src/kernel/mm';
import { EINVAL, ENOMEM, ERR_PTR, IS_ERR, PTR_ERR } from '../../../kmod-src/kernel/errno';
import { blk_alloc_disk, type gendisk } from '../../../kmod-src/kernel/blkdev';

class thing {
	n: u32 = 0;
	big: u64 = 0n;
	wq = new wait_queue_head_t();
}

enum colour {
	Red = 0,
	Blue,
	ColourCount,
}

function formats(a: u32, b: u64, name: cstr, fmt: cstr): void {
	pr_info('%u %llu %s\n', a, b, name);
	pr_info('%lu\n', a); // KTS3002
	pr_info('%u %u\n', a); // KTS3002
	pr_info('%d\n', name); // KTS3002
	pr_info(fmt); // KTS3003
	pr_info('%q\n', a); // KTS3002
}

function waits(wq: Ptr<wait_queue_head_t>, t: Ptr<thing>, flag: boolean): void {
	wait_event(wq, () => flag); // KTS2009
	wait_event(t.wq, is_done); // KTS3004
}

function is_done(): boolean {
	return true;
}

function allocs(): int {
	const t = kzalloc(thing, GFP_KERNEL);
	if (!t)
		return 1;
	WRITE_ONCE(t, 'n', 1);
	WRITE_ONCE(t, `n`, 1); // KTS3009
	return 0;
}

function exchanges(t: Ptr<thing>, m: Mem<u8>, c: ConstMem<u8>): u8 {
	cmpxchg(t, 'n', 0, 1);
	cmpxchg(c, 3, 0, 1); // KTS2006
	return cmpxchg(m, 3, 0, 1);
}

function offsets(): int {
	const off = offsetof(thing, 'n');
	const bad = offsetof(thing, `n`); // KTS3013
	return 0;
}

function thing_show(mddev: Ptr<mddev>, page: Mem<char>): ssize_t {
	return ssize_t(sysfs_emit(page, '%d\n', 1));
}

const good_attr = __ATTR_RO('thing', thing_show);

function pick(): Ptr<module> {
	return THIS_MODULE;
}

const fops: block_device_operations = {
	owner: pick(), // KTS3005
	submit_bio: thing_submit,
};

function thing_submit(bio: Ptr<bio>): void {
	bio_endio(bio);
}
const bad_attr = __ATTR_RO('other', thing_show); // KTS3006

const lights: Table<colour, colour, u8> = { // KTS3008
	[colour.Red]: { [colour.Red]: 0, [colour.Blue]: 1 },
};

const p1: Param<int> = module_param('bad name', 0, 0o644, 'x'); // KTS3011
const p2: Param<u8> = module_param('p2', 0, 0o644, 'x'); // KTS3011
const p3: Param<int> = module_param('p3', 0, 420, 'x'); // KTS3011

kpatch({ file: 'x.c', line: 1, before: [], after: [], insert: 'prototypes' });
kpatch({ file: 'x.c', line: 'one' as unknown as int, before: [], after: [] }); // KTS3007

// One unsigned long of flags takes constant bit numbers below 32; an index
// computed at run time needs a Bitmap, whose size is a literal or a kernel
// constant (a file-scope const is defined after the structs).
let nbits: u32 = 8;
const SMALL: u32 = 16;

class page_bits {
	flags = new Bits();
	dirty = new Bitmap(PAGE_SECTORS);
	small = new Bitmap(128);
	named = new Bitmap(SMALL); // KTS2016
	none = new Bitmap(0); // KTS2016
	varying = new Bitmap(nbits); // KTS2016
}

function bits(p: Ptr<page_bits>, block: u32): boolean {
	set_bit(colour.Blue, p.flags);
	set_bit(block, p.dirty);
	set_bit(127, p.small);
	set_bit(block, p.flags); // KTS2016
	set_bit(40, p.flags); // KTS2016
	set_bit(128, p.small); // KTS2016
	return test_bit(block + 1, p.flags) || test_and_clear_bit(block, p.small); // KTS2016
}

class holder {
	priv!: VoidPtr | null;
}

/** NUMA_NO_NODE is -1: an unsigned node number cannot be compared with it. */
function on_node(node: u32): boolean {
	return node === NUMA_NO_NODE; // KTS2003
}

function hold(h: Ptr<holder>): void {
	h.priv = kzalloc(holder, GFP_KERNEL); // KTS2009
}

/** Error numbers are positive: the kernel's convention is -EINVAL. */
function errnos(bad: bool): int {
	let ret: int = -ENOMEM;

	if (bad)
		ret = ENOMEM; // KTS2020
	if (ret === -(EINVAL))
		return EINVAL; // KTS2020
	return ret;
}

/** blk_alloc_disk() returns ERR_PTR(-errno) on failure. */
function disks(): int {
	const ok = blk_alloc_disk(null, NUMA_NO_NODE);

	if (IS_ERR(ok))
		return int(PTR_ERR(ok));
	const unchecked = blk_alloc_disk(null, NUMA_NO_NODE); // KTS2021

	unchecked.flags = 1;
	blk_alloc_disk(null, NUMA_NO_NODE).flags = 1; // KTS2021
	return 0;
}

function passes_it_on(): Ptr<gendisk> {
	return blk_alloc_disk(null, NUMA_NO_NODE); // KTS2021
}

/** @err_ptr */
function passes_it_on_tagged(): Ptr<gendisk> {
	return blk_alloc_disk(null, NUMA_NO_NODE);
}

function error_pointer(): Ptr<gendisk> {
	return ERR_PTR(-ENOMEM);
}

class locked {
	lock = new mutex();
	n: u32 = 0;
}

/** Sleeping where the kernel cannot. */
function under_rcu(l: Ptr<locked>): void {
	rcu_read_lock();
	mutex_lock(l.lock); // KTS3014
	l.n++;
	mutex_unlock(l.lock);
	rcu_read_unlock();
	mutex_lock(l.lock);
	mutex_unlock(l.lock);
}

function waits_for(b: Ptr<bio>): int {
	return submit_bio_wait(b);
}

function allocates(flags: gfp_t): void {
	kzalloc(thing, GFP_KERNEL);
}

function end_io(b: Ptr<bio>): void {
	waits_for(b); // KTS3014
	kzalloc(thing, GFP_KERNEL); // KTS3014
	kzalloc(thing, GFP_ATOMIC);
	synchronize_rcu(); // KTS3014
	bio_endio(b);
}

function submit(b: Ptr<bio>): void {
	b.bi_end_io = end_io;
	waits_for(b);
}

export function all(): int {
	return 0;
}
