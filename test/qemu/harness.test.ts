// The guest harness itself: a clean scenario passes, and a guest that
// splats or hangs fails with its log shown, instead of passing or hanging.
import { describe, expect, test } from 'vitest';
import { runGuest } from '../../qemu/lib/guest.js';

describe('QEMU harness', () => {
	test('a scenario runs in the guest and returns structured results', async () => {
		const r = await runGuest({
			name: 'harness-ok',
			script: 'kts_result cpus=$(nproc) kernel=$(uname -r) args="$*"',
			args: ['a b', 'c'],
			timeoutSec: 120,
		});
		expect(r.failure ?? '').toBe('');
		expect(r.results).toEqual([{ cpus: 2, kernel: expect.stringMatching(/^6\.12\./), args: 'a b c' }]);
	});

	test('a kernel stack trace in the guest fails the run and shows the log', async () => {
		const r = await runGuest({
			name: 'harness-splat',
			script: 'echo l > /proc/sysrq-trigger; sleep 1',
			timeoutSec: 120,
		});
		expect(r.ok).toBe(false);
		expect(r.failure).toMatch(/kernel splat: .*(Call Trace|NMI backtrace)/);
		expect(r.failure).toContain('--- guest log');
		expect(r.failure).toMatch(/sysrq/i);
	});

	test('a guest that does not finish is killed at its timeout, with its log', async () => {
		const r = await runGuest({
			name: 'harness-timeout',
			script: 'echo about-to-hang; sleep 600',
			timeoutSec: 25,
		});
		expect(r.ok).toBe(false);
		expect(r.timedOut).toBe(true);
		expect(r.failure).toMatch(/timed out after 25 s/);
		expect(r.failure).toContain('about-to-hang');
	});
});
