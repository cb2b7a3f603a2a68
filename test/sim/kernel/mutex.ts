// Runtime of kmod-src/kernel/mutex.d.ts.
import { blockUntil, mutexHeld, preempt } from '../sched.js';

export class mutex {
	locked = false;
}
export function mutex_init(m: mutex): void {
	m.locked = false;
}
export function mutex_lock(m: mutex): void {
	preempt('mutex_lock');
	blockUntil('mutex_lock', () => !m.locked);
	m.locked = true;
	mutexHeld(1);
}
export function mutex_unlock(m: mutex): void {
	if (!m.locked) throw new Error('mutex_unlock() of an unlocked mutex');
	m.locked = false;
	mutexHeld(-1);
}
export function mutex_is_locked(m: mutex): boolean {
	return m.locked;
}
