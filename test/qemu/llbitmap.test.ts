// md-mod.ko in the guest: the checks of the port of the seed (each seed
// bug with a check that fails on the seed's behaviour) and the md
// create/write/stop/assemble/verify cycle with both bitmaps.
//
// Three boots: the fio loads (concurrency: 2 vCPUs), then the rest on two
// 1-vCPU guests side by side. make check runs this file again on the
// debug kernel (lockdep, KASAN, DEBUG_OBJECTS).
import { describe, expect } from 'vitest';
import { SLOWDOWN, type Step } from '../../qemu/lib/guest.js';
import { boot } from './boot.js';

const LEVELS = [['1', 2], ['10', 4], ['5', 3]] as const;
/** Seconds of 4k random writes: long enough to fill the unplug worker's queue and have the daemon clean under load. */
const LOAD_SEC = 10;
/**
 * Load/create/write/stop/unload rounds: a leaked reference or a work item
 * left queued shows in the first rounds; on the debug kernel (KASAN and
 * DEBUG_OBJECTS check each free) a few rounds take as long as 20 here.
 */
const RELOAD_ROUNDS = SLOWDOWN > 1 ? 5 : 20;

const fio = boot({
	name: 'llbitmap-fio',
	cpus: 2,
	steps: LEVELS.map(([level, disks]) => ({ name: `fio-r${level}`, scenario: 'llbitmap-fio', args: [level, String(disks), String(LOAD_SEC)], timeoutSec: 180 })),
});

/** Arrays md_mod.llbitmap did not make (qemu/scenarios/llbitmap-takeover.sh). */
const takeover = (kase: string, level?: string, timeoutSec = 240): Step => ({
	name: `takeover-${kase}${level ? `-r${level}` : ''}`,
	scenario: 'llbitmap-takeover',
	args: level ? [kase, level] : [kase],
	timeoutSec,
});

/** Members whose superblock puts the bitmap on their data (qemu/scenarios/llbitmap-placement.sh). */
const PLACEMENT = ['v1.2', 'v1.0', 'spare'] as const;
const placement: Step[] = PLACEMENT.map((kase) => ({ name: `placement-${kase}`, scenario: 'llbitmap-placement', args: [kase], timeoutSec: 180 }));

const cycle = (mode: '0' | '1'): Step[] =>
	LEVELS.map(([level, disks]) => ({ name: `cycle-r${level}-llbitmap${mode}`, scenario: 'md-cycle', args: [mode, level, String(disks)], timeoutSec: 120 }));

const one = boot({
	name: 'llbitmap-a',
	cpus: 1,
	steps: [
		{ name: 'ondisk', scenario: 'llbitmap-ondisk', timeoutSec: 180 },
		{ name: 'resync-r1', scenario: 'llbitmap-resync', args: ['1'], timeoutSec: 300 },
		{ name: 'big', scenario: 'llbitmap-big', timeoutSec: 120 },
		{ name: 'faults', scenario: 'llbitmap-faults', timeoutSec: 120 },
		...cycle('0'),
		takeover('classic', '1'),
		takeover('classic', '5'),
		takeover('both'),
		takeover('garbled'),
		{ name: 'parity', scenario: 'llbitmap-parity', timeoutSec: 180 },
	],
});

const two = boot({
	name: 'llbitmap-b',
	cpus: 1,
	steps: [
		{ name: 'resync-r10', scenario: 'llbitmap-resync', args: ['10'], timeoutSec: 300 },
		{ name: 'input', scenario: 'llbitmap-input', timeoutSec: 120 },
		{ name: 'reload', scenario: 'llbitmap-reload', args: [String(RELOAD_ROUNDS)], timeoutSec: 240 },
		...cycle('1'),
		takeover('classic', '10'),
		takeover('migrate', undefined, 300),
		takeover('dmraid'),
		takeover('select'),
		...placement,
	],
});

describe('llbitmap in the guest', () => {
	for (const [level] of LEVELS) {
		fio.test(`fio-r${level}`, `raid${level}: a ${LOAD_SEC} s 4k random-write fio load finishes and a crc32c verify passes`, (s) => {
			expect(s.results).toContainEqual({ verify_ok: 1 });
			expect(s.results).toContainEqual({ done: 1 });
			// Random writes over the array dirtied chunks (the seed dirtied none).
			const dirty = s.results.find((x) => 'dirty_after_load' in x)?.dirty_after_load as number;
			expect(dirty).toBeGreaterThan(0);
		});
	}

	one.test('ondisk', 'the bitmap on the members: written chunks DIRTY before the write completes, exactly those, CLEAN after the daemon', (s) => {
		expect(s.results).toContainEqual({ after_write_c4: '00', after_write_c5: 22, after_write_c6: '00' });
		expect(s.results).toContainEqual({ done: 1 });
	});

	for (const [level, b] of [['1', one], ['10', two]] as const) {
		b.test(`resync-r${level}`, `raid${level}: resync, re-add and a new spare move only the chunks the bitmap marks; discard makes clean chunks Unwritten`, (s) => {
			expect(s.results).toContainEqual({ done: 1 });
			const get = (k: string) => s.results.find((x) => k in x)![k] as number;
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

	one.test('big', 'members over 200 GB: the meta disk covers the 128 KiB bitmap and the last chunk is written', (s) => {
		expect(s.results).toContainEqual({ done: 1 });
		expect(s.results.find((x) => 'space' in x)!.space).toBe(256);
	});

	one.test('faults', 'bitmap IO errors: a failed write fails that member, a failed read is retried on the next member', (s) => {
		expect(s.results).toContainEqual({ write_error_failed_member: 1 });
		expect(s.results).toContainEqual({ read_retried: 1 });
	});

	two.test('input', 'bad sysfs writes and a bad module parameter are refused cleanly; a file bitmap is the classic one', (s) => {
		expect(s.results).toContainEqual({ tunables_checked: 1 });
		expect(s.results).toContainEqual({ file_bitmap_classic: 1 });
		expect(s.results).toContainEqual({ bad_param_refused: 1 });
	});

	two.test('reload', `load, create, write, stop, unload ${RELOAD_ROUNDS} times with nothing in dmesg`, (s) => {
		expect(s.results).toContainEqual({ rounds: RELOAD_ROUNDS });
	});
});

describe('md create/write/stop/assemble/verify', () => {
	for (const [mode, b] of [['0', one], ['1', two]] as const) {
		for (const [level] of LEVELS) {
			b.test(`cycle-r${level}-llbitmap${mode}`, `raid${level}, llbitmap=${mode}`, (s) => {
				expect(s.results).toContainEqual({ done: 1 });
				// md/bitmap_type names the bitmap that runs the array
				expect(s.results).toContainEqual({ bitmap_type: mode === '1' ? 'llbitmap' : 'bitmap' });
			});
		}
	}
});

describe('arrays md_mod.llbitmap did not create: the bitmap on the members decides', () => {
	for (const [level, b] of [['1', one], ['10', two], ['5', one]] as const)
		b.test(`takeover-classic-r${level}`, `raid${level}: a classic array with data assembled under llbitmap=1 stays classic; every member replaced by a blank spare, every byte kept`, (s) => {
			expect(s.results).toContainEqual({ assembled_kind: 'bitmap' });
			expect(s.results).toContainEqual(expect.objectContaining({ replaced: expect.any(Number) }));
			expect(s.results).toContainEqual({ done: 1 });
		});

	one.test('takeover-both', 'an llbitmap array and a classic one assembled together under llbitmap=0 and =1: each keeps its bitmap and data', (s) => {
		for (const p of [0, 1]) expect(s.results).toContainEqual({ [`md0_under_${p}`]: 'llbitmap', [`md1_under_${p}`]: 'bitmap' });
		expect(s.results).toContainEqual({ done: 1 });
	});

	two.test('takeover-migrate', 'migration: --grow --bitmap=none then =internal moves an array to the lockless bitmap (no chunk Unwritten) and back, data and spare replacements intact', (s) => {
		expect(s.results).toContainEqual(expect.objectContaining({ to_llbitmap: 'llbitmap' }));
		expect(s.results).toContainEqual({ to_classic: 'bitmap' });
		expect(s.results).toContainEqual({ migrated: 1 });
	});

	one.test('takeover-garbled', 'a garbled bitmap superblock on the first member: assembly refused with what to do, nothing written; --update=no-bitmap then --grow --bitmap=internal gives a new bitmap, no chunk Unwritten', (s) => {
		expect(s.results).toContainEqual({ garbled_then: 'llbitmap', unwritten: 0 });
		expect(s.results).toContainEqual({ garbled: 1 });
	});

	two.test('takeover-select', 'md/bitmap_type: mdadm 4.6 --bitmap=lockless makes a lockless array under llbitmap=0 (all Unwritten), assembled by 4.6 and 4.4; "bitmap" gives the classic one under llbitmap=1; "none" refuses to run an array with a bitmap; "llbitmap" does not take over a classic bitmap', (s) => {
		expect(s.results).toContainEqual({ selected: 1 });
	});

	two.test('takeover-dmraid', 'dm-raid under llbitmap=1: the raid target activates and passes I/O (its bitmap is the classic one)', (s) => {
		expect(s.results).toContainEqual({ dmraid: 1 });
	});
});

describe('a superblock that puts the bitmap on the data: nothing is written there', () => {
	for (const meta of ['1.2', '1.0'])
		two.test(`placement-v${meta}`, `metadata ${meta}: a bitmap offset into the data is refused, the data region byte-identical; no-bitmap then a new bitmap recovers`, (s) => {
			expect(s.results).not.toContainEqual({ assembled_over_data: 1 });
			expect(s.results).toContainEqual({ [`refused_${meta}`]: 1 });
		});

	two.test('placement-spare', 'a spare whose data offset lies on the bitmap is failed when it joins, not written over', (s) => {
		expect(s.results).toContainEqual({ spare_failed: 1 });
	});
});

describe('raid5: chunks that need sync on a whole array are resynced', () => {
	one.test('parity', 'Unwritten chunks over members never zeroed, partial-stripe writes: resynced, check finds 0 mismatches, every written block reads back degraded', (s) => {
		expect(s.results).toContainEqual({ need_sync_after: 0 });
		expect(s.results).toContainEqual({ mismatch_cnt: 0 });
		expect(s.results).toContainEqual({ degraded_bad_blocks: 0 });
	});
});
