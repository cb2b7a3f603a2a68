// Runtime of kmod-src/kernel/bitops.d.ts: an unsigned long of flags.
import { preempt } from '../sched.js';

export class Bits {
	v = 0n;
	/** Bits it holds: an unsigned long on a 64-bit kernel. */
	get size(): number {
		return 64;
	}
}

/** DECLARE_BITMAP(name, bits): `bits` fixed when the struct is allocated. */
export class Bitmap extends Bits {
	constructor(readonly bits: number | bigint) {
		super();
	}
	override get size(): number {
		return Number(this.bits);
	}
}

function bit(nr: number, b: Bits): bigint {
	if (!Number.isInteger(nr) || nr < 0 || nr >= b.size)
		throw new RangeError(b instanceof Bitmap ? `bit ${nr} of a bitmap of ${b.size} bits` : `bit ${nr} of an unsigned long`);
	return 1n << BigInt(nr);
}

export function set_bit(nr: number, b: Bits): void {
	preempt('set_bit');
	b.v |= bit(nr, b);
}
export function clear_bit(nr: number, b: Bits): void {
	preempt('clear_bit');
	b.v &= ~bit(nr, b);
}
export function test_bit(nr: number, b: Bits): boolean {
	preempt('test_bit');
	return (b.v & bit(nr, b)) !== 0n;
}
export function test_and_set_bit(nr: number, b: Bits): boolean {
	preempt('test_and_set_bit');
	const old = (b.v & bit(nr, b)) !== 0n;
	b.v |= bit(nr, b);
	return old;
}
export function test_and_clear_bit(nr: number, b: Bits): boolean {
	preempt('test_and_clear_bit');
	const old = (b.v & bit(nr, b)) !== 0n;
	b.v &= ~bit(nr, b);
	return old;
}
export function ilog2(n: bigint): number {
	if (n <= 0n) throw new RangeError('ilog2(0)');
	return n.toString(2).length - 1;
}
export function is_power_of_2(n: bigint): boolean {
	return n > 0n && (n & (n - 1n)) === 0n;
}
