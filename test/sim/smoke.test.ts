import { beforeEach, expect, test } from 'vitest';
import { reset, settle, advance } from './sched.js';
import { SimArray } from './md.js';
import { log } from './kernel/printk.js';

beforeEach(() => reset());

test('the bitmap TypeScript runs on the simulated kernel', () => {
	const a = SimArray.fresh();
	expect(a.chunks).toBe(48);
	a.write(0n, 8);
	settle();
	expect(a.state(0)).toBe(2);
	expect(a.diskState(0, 0)).toBe(2);
	advance(10000n);
	expect(a.state(0)).toBe(1);
	a.stop();
	console.log(log.map((l) => l.text).join(''));
});
