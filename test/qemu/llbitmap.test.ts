// md-mod.ko with llbitmap=1 in the guest: the checks of the port of the
// seed, each seed bug with a check that fails on the seed's behaviour.
import { describe, expect, test } from 'vitest';
import { type GuestResult, runGuest } from '../../qemu/lib/guest.js';

function ok(r: GuestResult): void {
	expect(r.failure ?? '', r.failure).toBe('');
	expect(r.ok).toBe(true);
}

describe('llbitmap in the guest', () => {
	for (const [level, disks] of [['1', 2], ['10', 4], ['5', 3]] as const) {
		test(`raid${level}: a 30 s 4k random-write fio load finishes and a crc32c verify passes`, async () => {
			const r = await runGuest({ name: `fio-r${level}`, scenario: 'llbitmap-fio', args: [level, String(disks), '30'], timeoutSec: 300 });
			ok(r);
			expect(r.results).toContainEqual({ verify_ok: 1 });
			expect(r.results).toContainEqual({ done: 1 });
			// Random writes over the array dirtied chunks (the seed dirtied none).
			const dirty = r.results.find((x) => 'dirty_after_load' in x)?.dirty_after_load as number;
			expect(dirty).toBeGreaterThan(0);
		});
	}

	test('the bitmap on the members: written chunks DIRTY before the write completes, exactly those, CLEAN after the daemon', async () => {
		const r = await runGuest({ name: 'ondisk', scenario: 'llbitmap-ondisk', timeoutSec: 240 });
		ok(r);
		expect(r.results).toContainEqual({ after_write_c4: '00', after_write_c5: 22, after_write_c6: '00' });
		expect(r.results).toContainEqual({ done: 1 });
	});

	for (const level of ['1', '10']) {
		test(`raid${level}: resync, re-add and a new spare move only the chunks the bitmap marks; discard makes clean chunks Unwritten`, async () => {
			const r = await runGuest({ name: `resync-r${level}`, scenario: 'llbitmap-resync', args: [level], timeoutSec: 400 });
			ok(r);
			expect(r.results).toContainEqual({ done: 1 });
			const get = (k: string) => r.results.find((x) => k in x)![k] as number;
			const chunk = get('chunk_sectors');
			// Sectors moved vs a full sync of the 256 MiB member.
			console.log(
				`raid${level}: initial resync read ${get('initial_sync_read_sectors')} of ${get('full_sectors')} sectors; ` +
					`re-add wrote ${get('readd_written_sectors')} sectors (${get('readd_chunks')} chunks of ${chunk}); ` +
					`new spare got ${get('spare_written_sectors')} sectors (${get('spare_chunks')} chunks)`,
			);
			expect(get('readd_written_sectors')).toBeLessThan(get('full_sectors') / 100);
			expect(get('spare_written_sectors')).toBeLessThan(get('full_sectors') / 100);
		});
	}

	test('members over 200 GB: the meta disk covers the 128 KiB bitmap and the last chunk is written', async () => {
		const r = await runGuest({ name: 'big', scenario: 'llbitmap-big', timeoutSec: 240 });
		ok(r);
		expect(r.results).toContainEqual({ done: 1 });
		const m = r.results.find((x) => 'space' in x)!;
		expect(m.space).toBe(256);
	});

	test('bitmap IO errors: a failed write fails that member, a failed read is retried on the next member', async () => {
		const r = await runGuest({ name: 'faults', scenario: 'llbitmap-faults', timeoutSec: 240 });
		ok(r);
		expect(r.results).toContainEqual({ write_error_failed_member: 1 });
		expect(r.results).toContainEqual({ read_retried: 1 });
	});

	test('bad sysfs writes, a file bitmap and a bad module parameter are refused cleanly', async () => {
		const r = await runGuest({ name: 'input', scenario: 'llbitmap-input', timeoutSec: 240 });
		ok(r);
		expect(r.results).toContainEqual({ tunables_checked: 1 });
		expect(r.results).toContainEqual({ file_bitmap_refused: 1 });
		expect(r.results).toContainEqual({ bad_param_refused: 1 });
	});

	test('load, create, write, stop, unload 20 times with nothing in dmesg', async () => {
		const r = await runGuest({ name: 'reload', scenario: 'llbitmap-reload', args: ['20'], timeoutSec: 400 });
		ok(r);
		expect(r.results).toContainEqual({ rounds: 20 });
	});
});
