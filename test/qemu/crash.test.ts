// Crash with a write-behind copy queued: raid1 ends a write once the
// members that are not write-mostly have it; the write-mostly member's
// copy is still queued (behind dm-delay) when the guest is killed (SIGKILL
// to QEMU) after a daemon pass. The members' images are then checked from
// the host - the chunk whose copy was queued must still be marked - and the
// next boot assembles the array, resyncs what the bitmap says, and a check
// pass must find no mismatch.
//
// The crash states of ordinary loads are test/qemu/crash-replay.test.ts's,
// which sees write order; this one stays for what that recording does not
// have: a write-behind copy in flight across a daemon pass.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD, blankImage, type GuestResult, guestSeconds, runGuest } from '../../qemu/lib/guest.js';
import { checkRaid1 } from '../../qemu/lib/mdimage.js';

const ROUND_SEC = 300;

/** Two blank member images of `mb` MiB in build/crash/NAME (host files that survive a kill). */
function freshImages(name: string, mb: number): string[] {
	const dir = join(BUILD, 'crash', name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const images = ['a', 'b'].map((n) => join(dir, `${n}.img`));
	for (const img of images) blankImage(img, mb << 20);
	return images;
}

function shown(r: GuestResult): string {
	return r.failure ?? `guest exit ${r.exitCode}, killed=${r.killed}\n${r.logPath}`;
}

describe('crash with a write-behind copy queued', () => {
	test('raid1 --write-behind, vdb write-mostly behind dm-delay: killed after a daemon pass, the bitmap still covers the chunk whose copy was queued; the next boot resyncs it', async () => {
		const images = freshImages('behind', 64);
		const disks = images.map((path) => ({ path }));
		const create = await runGuest({
			name: 'crash-behind-create',
			scenario: 'crash-behind',
			disks,
			timeoutSec: ROUND_SEC,
			killWhen: (l: string) => l.includes('KTS-BEHIND-QUEUED'),
			killAfterMs: 0,
		});
		expect(create.splats).toEqual([]);
		expect(create.killed, shown(create)).toBe(true);
		const report = checkRaid1(images);
		console.log(`write-behind crash: the write took ${(create.results.find((x) => 'write_ms' in x) as { write_ms: number }).write_ms} ms; chunks differing ${JSON.stringify(report.differing)}, ${report.notClean} marked`);
		expect(report.violations).toEqual([]);
		// the next boot: assemble, resync what the bitmap says, check
		const final = await runGuest({ name: 'crash-behind-final', scenario: 'crash-recover', disks, timeoutSec: ROUND_SEC });
		expect(final.splats).toEqual([]);
		expect(final.ok, shown(final)).toBe(true);
		expect(final.results).toContainEqual({ mismatch_cnt: 0 });
		expect(final.results).toContainEqual({ done: 1 });
	}, (2 * guestSeconds({ name: 'crash', script: '', timeoutSec: ROUND_SEC }) + 60) * 1000);
});
