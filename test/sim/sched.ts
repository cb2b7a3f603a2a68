// A deterministic scheduler for the simulated kernel.
//
// kmod-src code is synchronous TypeScript: it cannot be suspended in the
// middle of a function. "Threads" are therefore tasks run to completion,
// nested on the JavaScript stack: a task that blocks (wait_event,
// mutex_lock, flush_work, submit_bio_wait) runs other runnable tasks until
// its condition holds; a preemption point (any simulated kernel call)
// may, when a test asks for it, run another task before returning. A
// blocked task that nothing can unblock is a deadlock and throws.
//
// Time is jiffies; it advances only when nothing else can run (or when a
// test advances it), firing timers in order.

export class Deadlock extends Error {
	/**
	 * Blocked in a task run nested inside another: only that task (below
	 * on the stack) could unblock it - a schedule the nested model cannot
	 * run, not a deadlock of the code.
	 */
	nested = depth > 1;
}

export interface Task {
	name: string;
	run: () => void;
	/**
	 * 'leaf' tasks (IO completions, release callbacks) never block and may
	 * run anywhere; 'thread' tasks (work items, test threads) may block and
	 * are not run nested while a mutex is held lower on the stack - they
	 * would wait for it in the kernel, and here its holder cannot go on.
	 */
	kind: 'leaf' | 'thread';
	/** Not before this jiffy (timers, delayed work). */
	at: bigint;
	seq: number;
}

/** Decides, at a preemption point, whether (and which) task runs now. */
export type PreemptPolicy = (point: string, runnable: Task[]) => Task | undefined;

let time = 0n;
let seq = 0;
const queue: Task[] = [];
let depth = 0;

export function nestingDepth(): number {
	return depth;
}
let preemptPolicy: PreemptPolicy | undefined;
let inPreempt = false;
/** Listeners told when jiffies changes (the jiffies module's live binding). */
const clockListeners: ((t: bigint) => void)[] = [];

export const MAX_DEPTH = 200;

export function now(): bigint {
	return time;
}

export function onClock(f: (t: bigint) => void): void {
	clockListeners.push(f);
	f(time);
}

function setTime(t: bigint): void {
	time = t;
	for (const f of clockListeners) f(t);
}

const resetHooks: (() => void)[] = [];

/**
 * Per-task state (the kernel's `current`): a task run nested starts with
 * its own, and the one it interrupted gets its back afterwards.
 */
const taskLocals: { save: () => unknown; enter: () => void; restore: (v: unknown) => void }[] = [];
export function taskLocal(save: () => unknown, enter: () => void, restore: (v: unknown) => void): void {
	taskLocals.push({ save, enter, restore });
}

/** Per-run state elsewhere in the simulation is cleared by reset() too. */
export function onReset(f: () => void): void {
	resetHooks.push(f);
}

export function reset(): void {
	for (const f of resetHooks) f();
	queue.length = 0;
	seq = 0;
	depth = 0;
	mutexesHeld = 0;
	rcuDepth = 0;
	rcuReaders = 0;
	preemptPolicy = undefined;
	completionOrder = undefined;
	inPreempt = false;
	setTime(0n);
}

let mutexesHeld = 0;

/**
 * RCU (CONFIG_PREEMPT_RCU): a read-side section may be preempted, never
 * sleep; synchronize_rcu() waits until no task is in one. `rcuDepth` is
 * the running task's nesting, `rcuReaders` the sections open in all tasks.
 */
let rcuDepth = 0;
let rcuReaders = 0;
taskLocal(
	() => rcuDepth,
	() => {
		rcuDepth = 0;
	},
	(v) => {
		rcuDepth = v as number;
	},
);

export function rcuReadLock(): void {
	rcuDepth++;
	rcuReaders++;
}

export function rcuReadUnlock(): void {
	if (rcuDepth <= 0) throw new Error('rcu_read_unlock() without rcu_read_lock()');
	rcuDepth--;
	rcuReaders--;
}

/** The running task is inside rcu_read_lock(). */
export function rcuReading(): boolean {
	return rcuDepth > 0;
}

export function synchronizeRcu(): void {
	blockUntil('synchronize_rcu', () => rcuReaders === 0);
}

/** mutex_lock/unlock report here. */
export function mutexHeld(delta: number): void {
	mutexesHeld += delta;
}

export function spawn(name: string, run: () => void, delay = 0n, kind: 'leaf' | 'thread' = 'leaf'): Task {
	const t: Task = { name, run, at: time + delay, seq: seq++, kind };
	queue.push(t);
	return t;
}

export function cancel(t: Task): boolean {
	const i = queue.indexOf(t);
	if (i < 0) return false;
	queue.splice(i, 1);
	return true;
}

export function isQueued(t: Task): boolean {
	return queue.includes(t);
}

function runnable(): Task[] {
	return queue.filter((t) => t.at <= time && (t.kind === 'leaf' || mutexesHeld === 0)).sort((a, b) => a.seq - b.seq);
}

function runTask(t: Task): void {
	cancel(t);
	if (++depth > MAX_DEPTH) throw new Deadlock(`tasks nested ${MAX_DEPTH} deep: a wait that never ends (${t.name})`);
	const saved = taskLocals.map((l) => l.save());
	for (const l of taskLocals) l.enter();
	try {
		t.run();
	} finally {
		depth--;
		taskLocals.forEach((l, i) => l.restore(saved[i]));
	}
}

/**
 * Run one runnable task: the oldest, or the `pick`-th (modulo) - IO that
 * completes out of order; false if none is runnable now.
 */
export function runOne(pick?: number): boolean {
	const r = runnable();
	if (!r.length) return false;
	if (pick === undefined && completionOrder) {
		const leaves = r.filter((t) => t.kind === 'leaf');
		if (leaves.length) {
			runTask(leaves[Math.floor(completionOrder() * leaves.length)]);
			return true;
		}
	}
	runTask(r[(pick ?? 0) % r.length]);
	return true;
}

/**
 * IO completions (leaf tasks) that are ready run in the order `rnd` draws
 * (a device completes what it likes first), not oldest first; undefined:
 * oldest first again. reset() turns it off.
 */
let completionOrder: (() => number) | undefined;
export function setCompletionOrder(rnd: (() => number) | undefined): void {
	completionOrder = rnd;
}

/** Advance time to the next timer; false if there is none. */
export function advanceToNextTimer(limit?: bigint): boolean {
	const future = queue.filter((t) => t.at > time && (t.kind === 'leaf' || mutexesHeld === 0)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
	if (!future.length) return false;
	if (limit !== undefined && future[0].at > limit) return false;
	setTime(future[0].at);
	return true;
}

/** Run everything runnable now, then nothing more. */
export function settle(): void {
	while (runOne());
}

/** Advance time by `ticks` jiffies, running everything that falls due. */
export function advance(ticks: bigint): void {
	const end = time + ticks;
	settle();
	while (advanceToNextTimer(end)) settle();
	setTime(end);
	settle();
}

/**
 * Block until `cond()` holds, running other tasks (and then timers) in
 * the meantime. `timeout` (jiffies) bounds the wait; returns false on
 * timeout. Without a timeout, a wait nothing can end is a Deadlock.
 */
export function blockUntil(what: string, cond: () => boolean, timeout?: bigint): boolean {
	if (rcuDepth > 0 && !cond()) throw new Error(`${what}: sleeping inside rcu_read_lock()`);
	const deadline = timeout === undefined ? undefined : time + timeout;
	for (let spins = 0; ; spins++) {
		if (spins > 1_000_000) throw new Deadlock(`${what}: still waiting after a million scheduling steps (at jiffies ${time}; queue: ${queue.map((t) => `${t.name}@${t.at}`).join(', ')})`);
		if (cond()) return true;
		if (runOne()) continue;
		if (deadline !== undefined) {
			if (!advanceToNextTimer(deadline)) {
				setTime(deadline);
				return cond();
			}
			continue;
		}
		if (!advanceToNextTimer()) throw new Deadlock(`blocked forever in ${what}`);
	}
}

/** Tests that explore interleavings install a policy; others never preempt. */
export function setPreemptPolicy(p: PreemptPolicy | undefined): void {
	preemptPolicy = p;
}

/**
 * A preemption point: every simulated kernel call is one. Under a policy,
 * another runnable task may run to completion here, before the caller
 * goes on, as another CPU would.
 */
export function preempt(point: string): void {
	if (!preemptPolicy || inPreempt) return;
	const r = runnable();
	if (!r.length) return;
	inPreempt = true;
	let t: Task | undefined;
	try {
		t = preemptPolicy(point, r);
	} finally {
		inPreempt = false;
	}
	if (t) runTask(t);
}
