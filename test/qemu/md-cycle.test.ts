// create / write / stop / assemble / verify on real md arrays in the guest.
import { describe, expect, test } from 'vitest';
import { runGuest } from '../../qemu/lib/guest.js';

describe('md create/write/stop/assemble/verify', () => {
	for (const [level, disks] of [['1', 2], ['10', 4], ['5', 3]] as const) {
		test(`raid${level}, classic bitmap`, async () => {
			const r = await runGuest({ name: `cycle-r${level}-classic`, scenario: 'md-cycle', args: ['none', level, String(disks)], timeoutSec: 240 });
			expect(r.failure ?? '').toBe('');
			expect(r.results).toContainEqual({ done: 1 });
			expect(r.results).toContainEqual({ bitmap_line: 1 });
		});
	}
});
