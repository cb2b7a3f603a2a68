// The guest harness itself: steps of one boot run in turn with their own
// results and a reset between them; a step that splats or hangs fails with
// its log shown, instead of passing or hanging, and does not fail the
// steps that are not its own.
import { describe, expect, test } from 'vitest';
import { runGuest } from '../../qemu/lib/guest.js';
import { boot, timeoutMs } from './boot.js';

const steps = boot({
	name: 'harness',
	cpus: 1,
	steps: [
		{
			name: 'ok',
			script: 'kts_load_md 0; kts_brd 1 8; kts_result cpus=$(nproc) kernel=$(uname -r) args="$*" md=$(lsmod | grep -c "^md_mod ")',
			args: ['a b', 'c'],
			timeoutSec: 60,
		},
		{ name: 'splat', script: 'echo l > /proc/sysrq-trigger; sleep 1', timeoutSec: 60 },
		{
			name: 'after',
			script: 'kts_result md=$(lsmod | grep -c "^md_mod ") ramdisks=$(ls /dev/ram* 2> /dev/null | wc -l) dmesg_lines=$(dmesg | grep -c sysrq)',
			timeoutSec: 60,
		},
	],
});

const hang = boot({
	name: 'harness-timeout',
	cpus: 1,
	steps: [
		{ name: 'hang', script: 'echo about-to-hang; sleep 600', timeoutSec: 25 },
		{ name: 'never', script: 'kts_result ran=1', timeoutSec: 60 },
	],
});

// -icount with sleep=off: an idle guest's clock skips to its next timer
const icount = boot({
	name: 'harness-icount',
	cpus: 1,
	icount: 0,
	steps: [{ name: 'clock', script: 't0=$(date +%s%N); sleep 60; kts_result guest_ms=$((($(date +%s%N) - t0) / 1000000))', timeoutSec: 120 }],
});

describe('QEMU harness', () => {
	steps.test('ok', 'a step runs in the guest and returns structured results', (s) => {
		expect(s.results).toEqual([{ cpus: 1, kernel: expect.stringMatching(/^6\.12\./), args: 'a b c', md: 1 }]);
	});

	test('a kernel stack trace fails its step and shows the log, and only that step', async () => {
		const r = await steps.result();
		const splat = r.steps.find((s) => s.name === 'splat')!;
		expect(splat.ok).toBe(false);
		expect(splat.failure).toMatch(/kernel splat: .*(Call Trace|NMI backtrace)/);
		expect(splat.failure).toContain('--- guest log');
		expect(splat.failure).toMatch(/sysrq/i);
		expect(r.ok).toBe(false);
		expect(r.failure).toMatch(/^step splat: kernel splat/);
		expect(r.bootSplats).toEqual([]);
	}, timeoutMs());

	steps.test('after', 'the next step starts from a reset guest: no md, no ramdisks, a clear dmesg', (s) => {
		expect(s.results).toEqual([{ md: 0, ramdisks: 0, dmesg_lines: 0 }]);
	});

	icount.test('clock', 'under -icount the guest keeps time by instructions: an idle minute passes in seconds', (s) => {
		expect(s.results[0].guest_ms).toBeGreaterThanOrEqual(60_000);
		expect(s.seconds).toBeLessThan(30);
	});

	test('-icount is refused where it cannot run, before anything boots', async () => {
		await expect(runGuest({ name: 'icount-kvm', script: 'true', accel: 'kvm', icount: 0 })).rejects.toThrow(/icount needs TCG/);
		await expect(runGuest({ name: 'icount-shift', script: 'true', accel: 'tcg', icount: 11 })).rejects.toThrow(/shift of 0 to 10/);
	});

	test('a step that does not finish is killed at its timeout, with its log; the steps after it are not run', async () => {
		const r = await hang.result();
		const [h, never] = r.steps;
		expect(h.timedOut).toBe(true);
		expect(h.failure).toMatch(/timed out after 25 s/);
		expect(h.failure).toContain('about-to-hang');
		expect(never.notRun).toBe(true);
		expect(never.failure).toMatch(/^not run: step hang timed out before it/);
		expect(r.ok).toBe(false);
		expect(r.timedOut).toBe(true);
	}, timeoutMs());
});
