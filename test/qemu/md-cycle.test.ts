// create / write / stop / assemble / verify on real md arrays in the guest,
// with the classic bitmap (llbitmap=0) and the lockless one (llbitmap=1).
import { describe, expect, test } from 'vitest';
import { runGuest } from '../../qemu/lib/guest.js';

describe('md create/write/stop/assemble/verify', () => {
	for (const mode of ['0', '1'] as const) {
		for (const [level, disks] of [['1', 2], ['10', 4], ['5', 3]] as const) {
			test(`raid${level}, llbitmap=${mode}`, async () => {
				const r = await runGuest({
					name: `cycle-r${level}-llbitmap${mode}`,
					scenario: 'md-cycle',
					args: [mode, level, String(disks)],
					timeoutSec: 240,
				});
				expect(r.failure ?? '').toBe('');
				expect(r.results).toContainEqual({ done: 1 });
				// The classic bitmap shows in /proc/mdstat and md/bitmap/; the
				// lockless one in md/llbitmap/ only.
				expect(r.results).toContainEqual({ bitmap_dir: mode === '1' ? 'llbitmap' : 'bitmap' });
			});
		}
	}
});
