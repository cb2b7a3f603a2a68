// Arrays moved between this module (6.12) and mainline's lockless bitmap
// (Debian's linux-source-7.3, make kernel-mainline), both ways, as users
// who upgrade or go back do. Members are host images that outlive each
// guest (qemu/scenarios/interop.sh):
//   1. one kernel makes a raid1 with the lockless bitmap, writes a pattern,
//      lets the daemon clean it, writes the same bytes to three chunks and
//      is killed: those chunks are Dirty on disk, as after a crash;
//   2. the host reads both bitmaps from the images (qemu/lib/mdimage.ts)
//      and makes the second member's copy of one Dirty chunk differ, as a
//      write that reached one member before the crash;
//   3. the other kernel assembles it: its bitmap must say the same chunks
//      need a resync, the resync must mend that chunk (a check pass finds
//      no mismatch) and the data must be the pattern.
// The module as it was before it recorded the chunk size in sectors is a
// broken variant that must fail step 3 on mainline.
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD, blankImage, type GuestResult, guestSeconds, type Kernel, MAINLINE, runGuest } from '../../qemu/lib/guest.js';
import { readMember } from '../../qemu/lib/mdimage.js';
import { BYTES_CHUNKSIZE, buildVariants } from './crash-variants.js';

const STEP_SEC = 240;
const OURS = 'ours';
type Side = typeof OURS | 'mainline';
const kernelOf = (s: Side): Kernel | undefined => (s === 'mainline' ? MAINLINE : undefined);
/** Chunk states a resync visits (Dirty, NeedSync, Syncing, mainline's *Unwritten sync states, unknown bytes). */
const needsSync = (state: number) => state >= 2 && state !== 7;

function results(r: GuestResult): Record<string, string> {
	return Object.assign({}, ...r.results.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, String(v)]))));
}

function shown(r: GuestResult): string {
	return r.failure ?? `guest exit ${r.exitCode}, killed=${r.killed}\n${r.logPath}`;
}

interface Trip {
	made: Record<string, string>;
	assembled: Record<string, string>;
	/** Chunks needing a resync in the images the first kernel left. */
	need: number;
	diverged: number;
}

/** Make under `from` (with `ko`: that md-mod.ko), crash, diverge one Dirty chunk, assemble under `to`. */
async function trip(name: string, from: Side, to: Side, ko?: string): Promise<Trip> {
	const dir = join(BUILD, 'interop', name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const images = ['a', 'b'].map((n) => join(dir, `${n}.img`));
	for (const img of images) blankImage(img, 256 << 20);
	const disks = images.map((path) => ({ path }));

	const make = await runGuest({
		name: `interop-${name}-make`,
		scenario: 'interop',
		args: ['make', from, ...(ko ? [ko] : [])],
		kernel: kernelOf(from),
		disks,
		timeoutSec: STEP_SEC,
		killWhen: (l) => l.includes('KTS-INTEROP-KILL'),
		killAfterMs: 0,
	});
	expect(make.splats).toEqual([]);
	expect(make.killed, shown(make)).toBe(true);
	const made = results(make);

	// the bitmaps the first kernel left, read as this project reads them
	const [a, b] = images.map(readMember);
	expect(a.bitmap.chunkSectors, 'the chunk size the host reads is the one the kernel used').toBe(BigInt(made.chunk_sectors));
	const written = made.written.split(' ').map(Number);
	for (const m of [a, b]) for (const c of written) expect(needsSync(m.states[c]), `chunk ${c} Dirty on ${m.path} at the crash`).toBe(true);
	const need = [...a.states].filter(needsSync).length;
	// member b's copy of the first written chunk differs, as if only b got a write
	const diverged = written[0];
	const fd = openSync(images[1], 'r+');
	writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Number((b.dataOffset + BigInt(diverged) * b.bitmap.chunkSectors) * 512n));
	closeSync(fd);

	const asm = await runGuest({
		name: `interop-${name}-assemble`,
		scenario: 'interop',
		args: ['assemble', to, made.md5],
		kernel: kernelOf(to),
		disks,
		timeoutSec: STEP_SEC,
	});
	expect(asm.splats).toEqual([]);
	expect(asm.ok, shown(asm)).toBe(true);
	const assembled = results(asm);
	console.log(
		`interop ${name}: made on ${made.kernel} (${made.chunks} chunks of ${made.chunk_sectors} sectors, chunks ${made.written} rewritten), ` +
			`${need} needing a resync in the images; assembled on ${assembled.kernel}: ${assembled.chunks} chunks of ${assembled.chunk_sectors} sectors, ` +
			`${assembled.need_sync} need sync, mismatch_cnt ${assembled.mismatch_cnt} after the resync, data ${assembled.md5_ok === '1' ? 'intact' : 'CHANGED'}`,
	);
	return { made, assembled, need, diverged };
}

/**
 * What a correct round trip gives: the same geometry, every chunk to
 * resync resynced, the diverged one mended. This module resyncs exactly
 * those chunks; mainline more: at assembly its second Dirty chunk in a
 * 512-byte block of the bitmap marks the whole block (its "infect" rule),
 * and the Reload pass turns what follows in the block to NeedSync.
 */
function expectKept(t: Trip, to: Side): void {
	expect(t.assembled.chunk_sectors).toBe(t.made.chunk_sectors);
	expect(t.assembled.chunks).toBe(t.made.chunks);
	if (to === OURS) expect(Number(t.assembled.need_sync), 'chunks this module resyncs').toBe(t.need);
	else expect(Number(t.assembled.need_sync), 'chunks mainline resyncs').toBeGreaterThanOrEqual(t.need);
	expect(t.assembled.mismatch_cnt, `chunk ${t.diverged}'s copies after the resync`).toBe('0');
	expect(t.assembled.md5_ok, 'the data').toBe('1');
}

const timeout = (trips: number) => (trips * 2 * guestSeconds({ name: 'interop', script: '', timeoutSec: STEP_SEC }) + 60) * 1000;

describe('on-disk interop with mainline llbitmap (7.3)', () => {
	test('made by this module (6.12, md_mod.llbitmap=1), crashed, assembled by mainline with mdadm 4.6: the same chunks resync there, the diverged one is mended, data intact', async () => {
		expectKept(await trip('ours-to-mainline', OURS, 'mainline'), 'mainline');
	}, timeout(1));

	test('made by mainline (mdadm 4.6 --bitmap=lockless), crashed, assembled by this module: the same chunks resync here, the diverged one is mended, data intact', async () => {
		expectKept(await trip('mainline-to-ours', 'mainline', OURS), OURS);
	}, timeout(1));

	test('broken: the module before it recorded the chunk size in sectors - mainline resyncs the wrong chunks and the diverged one stays', async () => {
		const ko = buildVariants(console.log, [BYTES_CHUNKSIZE], 'interop-variants').get(BYTES_CHUNKSIZE.name)!;
		const t = await trip('bytes-to-mainline', OURS, 'mainline', ko);
		expect(() => expectKept(t, 'mainline')).toThrow();
		expect(t.assembled.mismatch_cnt, 'the diverged chunk was not resynced').not.toBe('0');
	}, timeout(1));
});
