// Runtime of kmod-src/kernel/jiffies.d.ts: jiffies is a live binding the
// scheduler advances.
import { onClock } from '../sched.js';

export let jiffies = 0n;
onClock((t) => {
	jiffies = t;
});
export const HZ = 100;
export const MAX_SCHEDULE_TIMEOUT = (1n << 63n) - 1n;
export function time_before(a: bigint, b: bigint): boolean {
	return BigInt.asIntN(64, a - b) < 0n;
}
export function time_after(a: bigint, b: bigint): boolean {
	return BigInt.asIntN(64, b - a) < 0n;
}
export function msecs_to_jiffies(m: number): bigint {
	return BigInt(Math.ceil((m * HZ) / 1000));
}
export function jiffies_to_msecs(j: bigint): number {
	return Number((j * 1000n) / BigInt(HZ));
}
