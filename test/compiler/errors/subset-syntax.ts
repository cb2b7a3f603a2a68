// Constructs the subset rejects outright (KTS1xxx). Each rejected line
// carries the code it must produce; the test checks both ways.
import { EINVAL } from '../../../kmod-src/kernel/errno';
import { pr_err } from '../../../kmod-src/kernel/printk';
import { type int, type Ptr, u32, type u64 } from '../../../kmod-src/kernel/types';

class point {
	x: u32 = 0;
	y: u32 = 7; // KTS1028
	z!: u32; // KTS1028
	area(): u32 { // KTS1009
		return 0;
	}
}

function uses_closure(a: int): int {
	const f = () => a; // KTS1001
	return a;
}

function loose(a: int, b: int): boolean {
	return a == b; // KTS1011
}

function divide(a: u32, b: u32): u32 {
	return a / b; // KTS1012
}

function shifts(a: u32, b: int, c: u64): u32 {
	const x = a >> 2; // KTS1013
	const y = b >>> 2; // KTS1014
	const mask = u32(-1 >>> (32 - b)); // KTS1014
	const z = c % 3n; // KTS1015
	return a;
}

function exceptions(a: int): int {
	if (a < 0)
		throw a; // KTS1005
	return a;
}

function strings(a: int): void {
	pr_err('a is ' + 'x'); // KTS1004
}

function floats(): int {
	return 1.5; // KTS1008
}

function types_of(a: int): int {
	if (typeof a === 'number') // KTS1016 KTS1004
		return 1;
	return 0;
}

function literals(): int {
	const arr = [1, 2, 3]; // KTS1017
	const obj = { a: 1 }; // KTS1018
	return 0;
}

function optional(p: Ptr<point> | null): u32 {
	return p?.x ?? 0; // KTS1019 KTS1019
}

function vars(): int {
	var a: int = 1; // KTS1020
	return a;
}

function destructure(p: Ptr<point>): u32 {
	const { x } = p; // KTS1021
	return 0;
}

function loops(p: Ptr<point>): int {
	for (const k in p) // KTS1022
		return 1;
	return 0;
}

function labels(a: int): int {
	done: { // KTS1023
		if (a)
			break done;
	}
	return 0;
}

function fallthrough(a: int): int {
	let r: int = 0;

	switch (a) {
		case 1: // KTS1024
			r = 1;
		case 2:
			r = 2;
			break;
	}
	return r;
}

function optional_param(a?: int): int { // KTS1025
	return 0;
}

function nested(): int {
	function inner(): int { // KTS1026
		return 1;
	}
	return 0;
}

function news(): int {
	const p = new point(); // KTS1027
	return 0;
}

function self(this: Ptr<point>): u32 {
	return this.x; // KTS1029
}

function generic<T>(x: int): int { // KTS1007
	return x;
}

function stmt_expr(a: int): void {
	a; // KTS1010
	const b: int = (a = 2); // KTS1033
}

pr_err('at load\n'); // KTS1030

/** C labels are function-wide, and a label needs a statement after it. */
function two_outs(a: int): int {
	out: {
		if (a)
			break out;
	}
	out: { // KTS1035
		if (a)
			break out;
	}
	return 0;
}

function label_at_the_end(a: int): void {
	out: { // KTS1036
		if (a)
			break out;
		pr_err('a is 0\n');
	}
}

function label_then_return(a: int): void {
	out: {
		if (a)
			break out;
		pr_err('a is 0\n');
	}
	return;
}

export function all(): int {
	return -EINVAL;
}

function unions(a: u32 | u64): int { // KTS1003
	return 0;
}
