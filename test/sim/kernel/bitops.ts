// Runtime of kmod-src/kernel/bitops.d.ts: an unsigned long of flags.
import { preempt } from '../sched.js';

export class Bits {
	v = 0n;
}

function bit(nr: number): bigint {
	if (!Number.isInteger(nr) || nr < 0 || nr >= 64) throw new RangeError(`bit ${nr} of an unsigned long`);
	return 1n << BigInt(nr);
}

export function set_bit(nr: number, b: Bits): void {
	preempt('set_bit');
	b.v |= bit(nr);
}
export function clear_bit(nr: number, b: Bits): void {
	preempt('clear_bit');
	b.v &= ~bit(nr);
}
export function test_bit(nr: number, b: Bits): boolean {
	preempt('test_bit');
	return (b.v & bit(nr)) !== 0n;
}
export function test_and_set_bit(nr: number, b: Bits): boolean {
	preempt('test_and_set_bit');
	const old = (b.v & bit(nr)) !== 0n;
	b.v |= bit(nr);
	return old;
}
export function test_and_clear_bit(nr: number, b: Bits): boolean {
	preempt('test_and_clear_bit');
	const old = (b.v & bit(nr)) !== 0n;
	b.v &= ~bit(nr);
	return old;
}
export function ilog2(n: bigint): number {
	if (n <= 0n) throw new RangeError('ilog2(0)');
	return n.toString(2).length - 1;
}
export function is_power_of_2(n: bigint): boolean {
	return n > 0n && (n & (n - 1n)) === 0n;
}
