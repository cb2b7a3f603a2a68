// make check's runner (scripts/check.ts), without running it: the order of
// its phases, the times it reports, and its table.
import { describe, expect, test } from 'vitest';
import { DEBUG_TESTS, fileTimes, NODE_TESTS, phases, table } from '../../scripts/check.js';

const cmd = (p: ReturnType<typeof phases>[number]) => (Array.isArray(p.run) ? p.run.join(' ') : `vitest ${p.run.vitest.join(' ')}`);

describe('make check phases', () => {
	test('the committed generated/ is compared with ktsc before anything can regenerate it', () => {
		const all = phases('all');
		expect(cmd(all[0])).toBe('node compiler/bin/ktsc.js kmod-src -o generated --check');
		// every make target depends on generated/.stamp, which regenerates
		expect(all.slice(1).every((p) => !Array.isArray(p.run) || p.run[0] === 'make')).toBe(true);
	});

	test('the Node-only tests run before any kernel is built; the debug kernel last, and only with its tests', () => {
		const names = phases('all').map((p) => p.name);
		expect(names.indexOf('Node tests')).toBeLessThan(names.indexOf('kernel'));
		// the cheap gates fail before any guest boots
		expect(names.indexOf('C quality gates')).toBeLessThan(names.indexOf('guest tests'));
		expect(names.slice(-3)).toEqual(['kernel (debug)', 'modules (debug)', 'debug tests']);
		expect(phases('no-debug').map((p) => p.name)).not.toContain('kernel (debug)');
		expect(phases('debug-only').map((p) => p.name)).toEqual(['kernel (debug)', 'modules (debug)', 'debug tests']);
		for (const t of NODE_TESTS) expect(t).not.toMatch(/qemu|build/);
		const debug = phases('all').at(-1)!.run as { vitest: string[]; env: Record<string, string> };
		expect(debug.vitest).toEqual(DEBUG_TESTS);
		expect(debug.env.KTS_FLAVOUR).toBe('debug');
	});

	test("vitest's JSON report gives seconds per file, in the order they ran, with their hooks", () => {
		const json = {
			startTime: 500,
			testResults: [
				// its tests started after a 700 s beforeAll (the mdadm suite's)
				{ name: `${process.cwd()}/test/b.test.ts`, startTime: 705_000, endTime: 706_500, status: 'passed' },
				{ name: `${process.cwd()}/test/a.test.ts`, startTime: 1000, endTime: 4960, status: 'passed' },
			],
		};
		expect(Object.entries(fileTimes(json, ' (debug)'))).toEqual([
			['test/a.test.ts (debug)', 4.5],
			['test/b.test.ts (debug)', 701.5],
		]);
	});

	test('the table: a row per phase, the total last, and which phase stopped the run', () => {
		const t = table({ total: 125, phases: { deps: 5, kernel: 120 } }, 'kernel');
		expect(t.split('\n')).toEqual([
			'make check: time per phase (stopped: kernel failed)',
			'deps        5.0 s    0.1 min',
			'kernel    120.0 s    2.0 min',
			'-'.repeat(28),
			'total     125.0 s    2.1 min',
		]);
	});
});
