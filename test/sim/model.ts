// The command model of the property tests: random sequences of what can
// happen to an array, run against the bitmap's TypeScript on the simulated
// kernel, with the invariants checked as they go.
import fc from 'fast-check';
import { rng } from '../../qemu/lib/rng.js';
import { llbitmap_state } from '../../kmod-src/md-llbitmap/state.js';
import { HZ } from './kernel/jiffies.js';
import { InvariantViolation, SimArray, stateName } from './md.js';
import { advance, now, reset, runOne, setCompletionOrder, setPreemptPolicy, settle } from './sched.js';

export type Cmd =
	| { t: 'start'; chunk: number; offset: number; sectors: number; sync: boolean }
	| { t: 'issue'; k: number }
	| { t: 'discard'; chunk: number; offset: number; sectors: number }
	| { t: 'io'; n: number; pick: number }
	/** `order`: 0, IO completes oldest first; else the seed of a random completion order while the time passes. */
	| { t: 'tick'; jiffies: number; order: number }
	| { t: 'fail'; disk: number }
	| { t: 'readd'; disk: number }
	/**
	 * Power fails: now (at 0), or at the at-th preemption point of the
	 * commands that follow - inside a bitmap write to the members, a
	 * daemon pass, a resync. `absent`: a member that does not come back
	 * with the others; the array is assembled without it, and it is
	 * re-added after.
	 */
	| { t: 'crash'; keep: number; at: number; absent: number };

export function show(c: Cmd): string {
	switch (c.t) {
		case 'start':
			return `startwrite(chunk ${c.chunk} +${c.offset}, ${c.sectors} sectors, ${c.sync ? 'unplug inline' : 'unplug from a worker'})`;
		case 'issue':
			return `issue data of started write #${c.k}`;
		case 'discard':
			return `discard(chunk ${c.chunk} +${c.offset}, ${c.sectors} sectors)`;
		case 'io':
			return `complete ${c.n} IO${c.pick ? ` (the ${c.pick}th ready first)` : ''}`;
		case 'tick':
			return `time +${c.jiffies} jiffies${c.order ? ` (IO completing in random order ${c.order})` : ''}`;
		case 'fail':
			return `member d${c.disk} fails`;
		case 'readd':
			return `member d${c.disk} is re-added`;
		case 'crash':
			return `${c.at ? `power fails at the ${c.at}th preemption point from here` : 'crash'} (cache kept by mask ${c.keep}), assemble${c.absent >= 0 ? ` without d${c.absent}` : ''}, resync${c.absent >= 0 ? `, re-add d${c.absent}` : ''}`;
	}
}

const CHUNKS = 48;

export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
	{ weight: 6, arbitrary: fc.record({ t: fc.constant('start' as const), chunk: fc.integer({ min: 0, max: CHUNKS - 1 }), offset: fc.integer({ min: 0, max: 127 }), sectors: fc.integer({ min: 0, max: 300 }), sync: fc.boolean() }) },
	{ weight: 8, arbitrary: fc.record({ t: fc.constant('issue' as const), k: fc.nat(3) }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('discard' as const), chunk: fc.integer({ min: 0, max: CHUNKS - 1 }), offset: fc.constantFrom(0, 0, 5, 64), sectors: fc.integer({ min: 1, max: 600 }) }) },
	{ weight: 4, arbitrary: fc.record({ t: fc.constant('io' as const), n: fc.integer({ min: 1, max: 6 }), pick: fc.oneof(fc.constant(0), fc.nat(4)) }) },
	{ weight: 3, arbitrary: fc.record({ t: fc.constant('tick' as const), jiffies: fc.integer({ min: 1, max: 40 * HZ }), order: fc.oneof(fc.constant(0), fc.nat()) }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('fail' as const), disk: fc.nat(1) }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('readd' as const), disk: fc.nat(1) }) },
	{
		weight: 1,
		arbitrary: fc.record({
			t: fc.constant('crash' as const),
			keep: fc.nat(),
			at: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 80 })),
			absent: fc.oneof(fc.constant(-1), fc.nat(1)),
		}),
	},
);


/** Thrown at the preemption point where the power fails. */
class PowerLoss extends Error {}

export interface RunStats {
	writes: number;
	crashes: number;
	/** Crashes that fell inside a command (at a preemption point). */
	midCommand?: number;
	resynced: number;
	chunksTotal: number;
	readds: number;
	recovered: number;
	discards: number;
}

export interface RunOptions {
	brokenStartwrite?: boolean;
}

/**
 * Run one command sequence. Throws InvariantViolation (or any kernel-side
 * error) with the sequence so far; returns statistics otherwise.
 */
export function runCommands(cmds: Cmd[], opts: RunOptions = {}, stats?: RunStats): void {
	reset();
	let a = SimArray.fresh({ brokenStartwrite: opts.brokenStartwrite });
	type Started = { offset: bigint; sectors: number };
	const started: Started[] = [];
	const history: string[] = [];
	const fail = (why: string) => {
		throw new InvariantViolation(`${why}\n  after:\n    ${history.join('\n    ')}`);
	};
	/** A crash at a preemption point, armed by a 'crash' command with `at`. */
	let armed: Extract<Cmd, { t: 'crash' }> | undefined;
	try {
		const exec = (c: Cmd) => {
			switch (c.t) {
				case 'start': {
					const offset = BigInt(c.chunk) * a.chunkSectors + BigInt(c.offset);
					const sectors = Math.min(c.sectors, Number(a.mddev.resync_max_sectors - offset));
					if (sectors < 0) break;
					// md's write path up to the data: bitmap first, then unplug.
					if (!opts.brokenStartwrite) a.ops.startwrite(a.mddev, offset, BigInt(sectors));
					a.ops.unplug(a.mddev, c.sync);
					started.push({ offset, sectors });
					break;
				}
				case 'issue': {
					if (!started.length) break;
					const w = started.splice(c.k % started.length, 1)[0];
					a.issueStarted(w.offset, w.sectors);
					if (stats) stats.writes++;
					break;
				}
				case 'discard': {
					const offset = BigInt(c.chunk) * a.chunkSectors + BigInt(c.offset);
					const sectors = Math.min(c.sectors, Number(a.mddev.resync_max_sectors - offset));
					if (sectors <= 0) break;
					a.discard(offset, sectors);
					if (stats) stats.discards++;
					break;
				}
				case 'io':
					for (let i = 0; i < c.n && runOne(c.pick); i++);
					break;
				case 'tick':
					if (c.order) setCompletionOrder(rng(c.order));
					try {
						advance(BigInt(c.jiffies));
					} finally {
						setCompletionOrder(undefined);
					}
					break;
				case 'fail':
					// md never fails the last working member of a raid1.
					if (a.disks.filter((_, i) => a.inSync(i)).length > 1) a.fail(c.disk);
					break;
				case 'readd':
					if (a.writable(c.disk) || started.length || a.inflight) break;
					settle();
					{
						const recovered = a.readd(c.disk);
						if (stats) {
							stats.readds++;
							stats.recovered += recovered;
						}
					}
					settle();
					if (a.differingChunks().length) fail(`after the re-add the members differ in chunks ${a.differingChunks()}`);
					break;
				case 'crash': {
					if (!c.at) {
						powerLoss(c);
						break;
					}
					// at the at-th preemption point of what follows
					let points = c.at;
					armed = c;
					setPreemptPolicy(() => {
						if (--points > 0) return undefined;
						setPreemptPolicy(undefined);
						throw new PowerLoss();
					});
					break;
				}
			}
		};
		/**
		 * The power fails: every member keeps what was durable and a
		 * random part of its cache; the array is assembled again (without
		 * `absent`, which is re-added after it), then resynced.
		 */
		const powerLoss = (c: Extract<Cmd, { t: 'crash' }>) => {
			setPreemptPolicy(undefined);
			armed = undefined;
			// Writes started but not issued never reach the members: drop them.
			started.length = 0;
			const rnd = rng(c.keep);
			const disks = a.crash(() => rnd() < 0.5);
			const failed = a.disks.map((_, i) => i).filter((i) => !a.writable(i));
			reset();
			a = new SimArray(disks, { brokenStartwrite: opts.brokenStartwrite }, false, a.discarded);
			// A member that had failed stays out (md would not assemble it in).
			for (const i of failed) a.fail(i);
			const absent = c.absent >= 0 && !failed.includes(c.absent) && failed.length === 0 ? c.absent : -1;
			if (absent >= 0) a.fail(absent);
			a.start();
			// No lost resync: every chunk whose copies differ is to be
			// synced (unless discarded whole: then it is Unwritten)...
			const differ = absent >= 0 ? [] : a.differingChunks(true);
			for (const ch of differ)
				if (a.state(ch) !== llbitmap_state.BitNeedSync)
					fail(`after the crash chunk ${ch} differs between members but its bitmap state is ${stateName(a.state(ch))}`);
			const need = [...Array(a.chunks).keys()].filter((ch) => a.state(ch) === llbitmap_state.BitNeedSync);
			// ...and resync visits exactly the chunks that are not clean.
			const visited = a.resync();
			settle();
			if (visited.join() !== need.join()) fail(`resync visited [${visited}] but [${need}] needed it`);
			if (a.differingChunks().length) fail(`after the resync chunks ${a.differingChunks()} still differ`);
			// ...and a member that came back late is recovered from the
			// survivor's bitmap: whatever differs must be marked there
			if (absent >= 0) {
				a.readd(absent);
				settle();
				if (a.differingChunks().length) fail(`d${absent}, back after the crash and re-added, differs in chunks ${a.differingChunks()} that the bitmap of the member assembled did not mark`);
			}
			if (stats) {
				stats.crashes++;
				if (c.at) stats.midCommand = (stats.midCommand ?? 0) + 1;
				stats.resynced += visited.length;
				stats.chunksTotal += a.chunks;
			}
		};
		for (const c of cmds) {
			history.push(show(c));
			try {
				exec(c);
			} catch (e) {
				if (!(e instanceof PowerLoss) || !armed) throw e;
				history.push('(the power failed there)');
				powerLoss(armed);
			}
		}
		setPreemptPolicy(undefined);
		// Liveness: with the array healthy and no writes, every Dirty chunk
		// becomes Clean within barrier_idle + daemon_sleep, and nobody waits
		// forever.
		for (const w of started.splice(0)) a.issueStarted(w.offset, w.sectors);
		settle();
		if (a.inflight) fail(`${a.inflight} writes never completed`);
		if (a.mddev.degraded) return;
		const t0 = now();
		advance(BigInt((5 + 30 + 2) * HZ));
		const dirty = [...Array(a.chunks).keys()].filter((ch) => a.state(ch) === llbitmap_state.BitDirty);
		if (dirty.length) fail(`chunks ${dirty} still Dirty ${now() - t0} jiffies after the last write`);
		a.stop();
	} catch (e) {
		setPreemptPolicy(undefined);
		const msg = (e as Error).message;
		if (msg.includes('\n  after:')) throw e;
		const where = e instanceof InvariantViolation ? '' : `\n${(e as Error).stack}`;
		throw new InvariantViolation(`${msg}\n  after:\n    ${history.join('\n    ')}${where}`);
	}
}
