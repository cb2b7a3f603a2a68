// Errors TypeScript itself finds come first, as KTS0001 (or KTS3001 for an
// unknown name, most often a misspelled kernel call).
import { GFP_KERNEL, kzallok } from '../../../kmod-src/kernel/slab'; // KTS3001
import { type int, type Ptr, type u32, type u64 } from '../../../kmod-src/kernel/types';

function narrowing(a: u64): u32 {
	const b: u32 = a; // KTS0001
	return b;
}

function misspelled(): int {
	pr_eror('x\n'); // KTS3001
	return 0;
}

function assign_const(): void {
	GFP_KERNEL = 0; // KTS0001
}

function untyped(a): int { // KTS0001
	return 0;
}

function booleans(b: boolean): int {
	return b + b; // KTS0001
}

async function later(): Promise<int> { // KTS0001
	return 0;
}

class optional_ops {
	op!: ((x: int) => int) | null;
	must: (x: int) => int = quiesce_ret;
}

function quiesce_ret(x: int): int {
	return x;
}

/** An optional op is tested before it is called; a required one is not NULL. */
function call_ops(o: Ptr<optional_ops>, x: int): int {
	o.must = null; // KTS0001
	if (o.op)
		return o.op(x);
	return o.op(x); // KTS0001
}
