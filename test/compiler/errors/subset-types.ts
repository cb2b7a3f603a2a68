// Integer and type rules (KTS2xxx).
import { Bits } from '../../../kmod-src/kernel/bitops';
import { GFP_KERNEL } from '../../../kmod-src/kernel/slab';
import { type bool, type ConstMem, type gfp_t, int, local, type Mem, type Out, type Ptr, type s64, u8, u32, type u64, uint, ulong } from '../../../kmod-src/kernel/types';
import type { md_personality, mddev } from '../../../kmod-src/kernel/md';

class box {
	v: u32 = 0;
	flags = new Bits();
}

function missing(a: int) { // KTS2001
	let i = 0; // KTS2001
	return a + i;
}

function narrow_number(a: u32, b: int): u8 {
	const c: u8 = a; // KTS2002
	const d: uint = b; // KTS2002
	return 0;
}

function signs(a: u32, b: int): bool {
	return a < b; // KTS2003
}

function ranges(): u8 {
	const a: u8 = 300; // KTS2004
	return 0;
}

function bitwise(g: gfp_t, n: u32): gfp_t {
	const h = g + GFP_KERNEL; // KTS2005
	const i: gfp_t = n; // KTS2005
	return g | GFP_KERNEL;
}

function operators(p: Ptr<box>, b: bool, x: u32): int {
	const z = -x; // KTS2006
	const w = ~x; // KTS2006
	return 0;
}

function unknown_type(a: Array<u32>): int { // KTS2007
	return 0;
}

function shift_range(a: u32): u32 {
	return a << 40; // KTS2008
}

function expected(p: Ptr<box>): int {
	if (p.v) return 1;
	const q: Ptr<box> = p;
	const r: bool = p.v === 0;
	const s: int = r ? 1 : 0;
	if (p.flags) // KTS2009
		return s;
	return 0;
}

function assign_const(): int {
	const limit: int = 1;
	return limit;
}

function assign_param(p: Ptr<box>): void {
	p = p;
	p.v = 3;
	p.flags = p.flags; // KTS2011
}

function js_types(a: number): int { // KTS1002
	return 0;
}

function conversion_value(): int {
	const f = u32; // KTS2013
	return 0;
}

function hoisting(a: int): int {
	if (a) {
		const t: int = 1;
		return t;
	}
	out: {
		const t: u32 = 2;
		break out;
	}
	const a2: int = 0;
	return a2;
}

function hoist_clash(a: int): int {
	out_one: {
		const t: int = 1;
		if (t) break out_one;
	}
	out_two: {
		const t: u32 = 2; // KTS2012
		if (t) break out_two;
	}
	return 0;
}

/** Names C cannot take: keywords TypeScript allows, kernel macros. */
class named {
	current: u32 = 0; // KTS1034
	unsigned: u32 = 0; // KTS1034
}

function register(long: u32): u32 { // KTS1034 KTS1034
	const auto: u32 = long + 1; // KTS1034

	return auto;
}

/** A local's address outliving it: stored in a struct. */
class keeps {
	out!: Out<u32>;
}

function escape(h: Ptr<keeps>): u32 {
	const v = local<u32>(0);

	h.out = v; // KTS2009
	return v.get();
}

function shadow(): u32 {
	let i: u32 = 10;

	for (let i: u32 = 0; i < 3; i++) { // KTS2017
		if (i === 2)
			break;
	}
	for (let j: u32 = 0; j < 2; j++)
		i += j;
	for (let j: u32 = 0; j < 2; j++)
		i += j;
	return i;
}

function conversions(a: u32, b: u64): u32 {
	const c = u32(a); // KTS2014
	return c;
}

function tautologies(a: u32, b: u8, c: int): bool {
	if (a - 1 < 0) // KTS2018
		return true;
	if (0 <= b) // KTS2018
		return true;
	if (c > 0 && c >= 0)
		return c === c; // KTS2018
	return false;
}

function overflows(): int {
	const a = int(0x7fffffff) + int(1); // KTS2019
	const b = 0x7fffffff + 1; // KTS2019
	const c: u32 = u32(0xffffffff) + u32(1);

	return a + b + -int(-0x80000000) + int(c); // KTS2019
}

/** const does not go away silently. */
function drop_const(p: ConstMem<u8>, q: ConstMem<u8>): u8 {
	const w: Mem<u8> = p; // KTS2009
	const r: ConstMem<u8> = q;

	return u8(w[0] ^ r[0]);
}

function quiesce_u8(m: Ptr<mddev>, quiet: u8): void {}
function quiesce_int_ret(m: Ptr<mddev>, quiet: int): int {
	return 0;
}
function quiesce(m: Ptr<mddev>, quiet: int): void {}

/** A function pointer takes only a function of its very C signature. */
function set_ops(p: Ptr<md_personality>): void {
	p.quiesce = quiesce_u8; // KTS2009
	p.quiesce = quiesce_int_ret; // KTS2009
	p.quiesce = quiesce;
}

/** Left shifts of signed values: undefined past the sign bit. */
function shifts(a: int, b: s64, n: uint): u32 {
	const c = a << 2; // KTS2006
	const d = b << 1n; // KTS2006
	const e = 1 << n; // KTS2006
	const f = (1 << 4) + u32(n) << 3;

	return u32(c) + u32(d) + u32(e) + f;
}

function casts(a: u32): u8 {
	return a as u8; // KTS2015
}

export function all(): int {
	return 0;
}
