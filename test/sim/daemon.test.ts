// The daemon against a member failing during its pass, on a bitmap of two
// pages: a write to page 1 is in flight when the pass starts (the page's
// barrier holds the daemon off); its copy to d1 fails, md fails d1, and the
// write ends. The daemon, let in, must see the array degraded then - not
// only when the pass began - or it cleans the chunk d1 missed, and the
// re-added d1 is never given it.
import { describe, expect, test } from 'vitest';
import { HZ } from './kernel/jiffies.js';
import { DATA_OFFSET, SimArray } from './md.js';
import { advance, settle, spawn } from './sched.js';

const CHUNKS = 3200;

describe('the daemon and a member failing during its pass', () => {
	test('a chunk whose write failed on a member is not cleaned: the re-added member recovers it', () => {
		const a = SimArray.fresh({ sectors: DATA_OFFSET + BigInt(CHUNKS) * 128n, space: 40n });
		expect(a.bitmap.pctl.length).toBeGreaterThan(1);
		const c1 = 3100;
		const at = BigInt(c1) * a.chunkSectors;
		a.write(0n, 8);
		settle();
		// d1's copy of the next write fails, late
		a.disks[1].dataLatency = 2n;
		a.disks[1].failWrites.push([DATA_OFFSET + at, DATA_OFFSET + at + 8n]);
		a.write(at, 8);
		spawn('daemon pass', () => a.ops.flush(a.mddev), 0n, 'thread');
		advance(10n * BigInt(HZ));
		expect(a.inflight).toBe(0);
		expect(a.mddev.degraded).toBe(1);
		a.disks[1].failWrites.length = 0;
		a.disks[1].dataLatency = 0n;
		a.readd(1);
		settle();
		expect(a.differingChunks()).toEqual([]);
	});
});
