// Tests that share guest boots: each boot runs several steps (scenarios)
// in turn, and each test checks one step. The boots of a file start
// together when its first test runs and share the host's cores
// (qemu/lib/guest.ts), so two 1-vCPU boots run side by side.
//
// Timeouts come from the guests': a test's vitest timeout is the longest
// all the file's boots can take (guestSeconds) plus a margin, so the
// guest's own watchdog - which kills QEMU and shows the console - always
// fires first. Should vitest give up anyway, the boots still running are
// killed rather than left running into the next file.
import { afterAll, expect, test } from 'vitest';
import { type GuestOptions, type GuestResult, guestSeconds, runGuest, type StepResult } from '../../qemu/lib/guest.js';

/** Seconds between the guest's watchdog and vitest's. */
const MARGIN_SEC = 60;

export interface Boot {
	opts: GuestOptions;
	/** The boot's result: the first call boots it (and every boot of the file). */
	result(): Promise<GuestResult>;
	/** A test of step `step`: passes only if the step ran clean, then runs `check` on it. */
	test(step: string, title: string, check?: (s: StepResult, r: GuestResult) => void): void;
}

/** The boots declared in the file being collected, started together. */
const boots: { opts: GuestOptions; run?: Promise<GuestResult>; ctl: AbortController }[] = [];
let registered = false;

/** A vitest timeout, in ms, no shorter than every boot of this file together. */
export function timeoutMs(): number {
	return (boots.reduce((a, b) => a + guestSeconds(b.opts), 0) + MARGIN_SEC) * 1000;
}

export function stepOk(s: StepResult | undefined, name: string): StepResult {
	expect(s, `no step ${name}`).toBeDefined();
	expect(s!.failure ?? '', s!.failure).toBe('');
	expect(s!.ok).toBe(true);
	return s!;
}

export function boot(opts: GuestOptions): Boot {
	const b = { opts, ctl: new AbortController() } as (typeof boots)[number];
	boots.push(b);
	if (!registered) {
		registered = true;
		// vitest gave up on a test: no QEMU may outlive the file
		afterAll(() => {
			for (const x of boots) x.ctl.abort();
		});
	}
	const startAll = () => {
		for (const x of boots) x.run ??= runGuest({ ...x.opts, signal: x.ctl.signal });
	};
	const result = () => {
		startAll();
		return b.run!;
	};
	return {
		opts,
		result,
		test(step, title, check) {
			if (!opts.steps?.some((s) => s.name === step)) throw new Error(`boot ${opts.name} has no step ${step}`);
			test(title, async () => {
				const r = await result();
				const s = stepOk(
					r.steps.find((x) => x.name === step),
					step,
				);
				check?.(s, r);
			}, timeoutMs());
		},
	};
}
