// Differential tests, Csmith-style: programs of the subset run as ktsc's C
// (gcc, UBSAN and ASan fatal) and as their Node reading; every result must
// be the same. See test/compiler/differential/harness.ts.
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { argOf, build, type Built, type Call, Refused, ROOT, runC, runNode } from './differential/harness.js';
import { programArb } from './differential/generate.js';

const PROGRAMS = Number(process.env.KTS_DIFF_PROGRAMS ?? 20);

const WORK = join(ROOT, 'build/difftest');
const EDGES = [0n, 1n, 2n, 3n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n];

function compare(calls: Call[], c: string[], n: string[]): string[] {
	const bad: string[] = [];
	calls.forEach((call, i) => {
		if (c[i] !== n[i]) bad.push(`${call.fn}(${call.args.join(', ')}): C ${c[i]}, Node ${n[i]}`);
	});
	return bad;
}

describe('C and the Node reading agree', () => {
	const ARITH = join(ROOT, 'test/compiler/differential/arith.ts');
	/**
	 * Where JavaScript's operators happen to compute C's value, and the C
	 * was what differed: int_of_u8s (promotion to int), negate_widened (a
	 * ktsc that printed -(u32)a), shift_negative_long (one that printed the
	 * int -1 shifted by up to 63), compare_converted_constant (one that
	 * dropped the (s64) of an unsigned constant expression).
	 */
	const CONTROLS = ['int_of_u8s', 'negate_widened', 'shift_negative_long', 'compare_converted_constant'];

	/** Edge values and random ones for every function of `b`. */
	function callsOf(b: Built, n = 400): Call[] {
		const raw = fc.sample(fc.oneof(fc.constantFrom(...EDGES), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), { numRuns: n, seed: 15 });
		const calls: Call[] = [];
		for (const f of b.fns) {
			for (const a of EDGES) for (const bb of [0n, 1n, 0xffffffffn, 2n ** 64n - 1n]) calls.push({ fn: f.name, args: f.params.map((p, i) => argOf(p, i === 0 ? a : bb)) });
			for (let i = 0; i + f.params.length <= raw.length; i += f.params.length) calls.push({ fn: f.name, args: f.params.map((p, j) => argOf(p, raw[i + j])) });
		}
		return calls;
	}

	test('arithmetic where JavaScript and C part ways (differential/arith.ts), on edge values and random ones', async () => {
		const b = await build(ARITH, join(WORK, 'arith'));
		const calls = callsOf(b);
		const c = runC(b, calls);
		expect(compare(calls, c, runNode(b, calls))).toEqual([]);
		// the cases do exercise the wrap: the raw JavaScript operator would differ
		expect(b.mod.sub_below_zero(1, 2)).toBe(true);
		expect(b.mod.add_wraps(0xffffffff, 1)).toBe(true);
		expect(b.mod.u8_increment(255)).toBe(1);
		expect(b.mod.high_bit(1)).toBe(0x80000001);
		expect(calls.length).toBeGreaterThan(1000);
	});

	test('broken: the source run as it is (the simulator before the reading) differs from the C in every case', async () => {
		const b = await build(ARITH, join(WORK, 'arith'), true);
		const calls = callsOf(b);
		const bad = compare(calls, runC(b, calls), runNode(b, calls));
		const fns = new Set(bad.map((l) => l.split('(')[0]));
		expect([...fns].sort()).toEqual(b.fns.map((f) => f.name).filter((n) => !CONTROLS.includes(n)).sort());
		console.log(`${bad.length} of ${calls.length} calls differ, e.g.\n  ${[...fns].map((f) => bad.find((l) => l.startsWith(`${f}(`))).join('\n  ')}`);
	});

	test("kmod-src's pure functions (state table, default space, chunk geometry) on random inputs", async () => {
		const units = ['md-llbitmap/geometry.ts', 'md-llbitmap/state.ts'].map((f) => join(ROOT, 'kmod-src', f));
		const b = await build(join(ROOT, 'test/compiler/differential/kmod.ts'), join(WORK, 'kmod'), false, [], units);
		const calls = callsOf(b, 3000);
		for (let s = 0n; s < 7n; s++) for (let a = 0n; a < 9n; a++) calls.push({ fn: 'next_state', args: [s, a] });
		// the geometry where it matters: real array sizes, chunk sizes and rooms
		const real = fc.sample(fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.constantFrom(0n, 1n, 8n, 128n, 1024n, 2n ** 22n), fc.bigInt({ min: 1n, max: 131072n })), { numRuns: 2000, seed: 16 });
		for (const [sectors, chunk, room] of real) calls.push({ fn: 'chunkshift', args: [sectors, chunk, room] });
		const c = runC(b, calls);
		expect(compare(calls, c, runNode(b, calls))).toEqual([]);
		// the inputs reached the functions, not only their guards
		const shifts = new Set(calls.map((call, i) => (call.fn === 'chunkshift' ? c[i] : '')).filter((v) => v && v !== '255'));
		expect(shifts.size).toBeGreaterThan(10);
		expect(new Set(calls.map((call, i) => (call.fn === 'next_state' ? c[i] : ''))).size).toBeGreaterThan(4);
	});

	test(`${PROGRAMS} random programs of 6 functions: every call gives the same value, no sanitizer report`, async () => {
		const dir = join(WORK, 'gen');
		mkdirSync(dir, { recursive: true });
		let calls = 0;
		let refused = 0;
		await fc.assert(
			fc.asyncProperty(programArb(6), async (text) => {
				const file = join(dir, 'prog.ts');
				writeFileSync(file, text);
				let b: Built;
				try {
					// gcc folds the random constants further than ktsc and
					// warns: -Woverflow where a narrowing that ktsc leaves to
					// the assignment (as kernel code does) changes a folded
					// value, -Wtautological-compare where masks make a
					// comparison constant. kmod-src's own go through the
					// kernel's W=1 build gate.
					b = await build(file, join(dir, 'out'), false, ['-Wno-overflow', '-Wno-tautological-compare']);
				} catch (e) {
					// a comparison whose answer C knows (x < 0 on an unsigned
					// x that folds) or a signed constant that overflows:
					// refused, as gcc would warn; try another
					const codes = e instanceof Refused ? [...e.message.matchAll(/error (KTS\d+)/g)].map((m) => m[1]) : [];
					if (codes.length && codes.every((c) => c === 'KTS2018' || c === 'KTS2019')) {
						refused++;
						fc.pre(false);
					}
					throw e;
				}
				const cs = callsOf(b, 60);
				calls += cs.length;
				const bad = compare(cs, runC(b, cs), runNode(b, cs));
				if (bad.length) throw new Error(`C and Node differ:\n  ${bad.slice(0, 5).join('\n  ')}`);
			}),
			{ numRuns: PROGRAMS, seed: Number(process.env.KTS_DIFF_SEED ?? 1515), endOnFailure: false },
		);
		console.log(`${PROGRAMS} programs, ${PROGRAMS * 6} functions, ${calls} calls agree (${refused} more refused for a tautology or a constant overflow)`);
	}, 600_000);

	test('broken: random programs run as plain JavaScript (no reading) are caught and shrunk', async () => {
		const dir = join(WORK, 'gen-raw');
		mkdirSync(dir, { recursive: true });
		const out = await fc.check(
			fc.asyncProperty(programArb(6), async (text) => {
				const file = join(dir, 'prog.ts');
				writeFileSync(file, text);
				let b: Built;
				try {
					b = await build(file, join(dir, 'out'), true, ['-Wno-overflow', '-Wno-tautological-compare']);
				} catch (e) {
					fc.pre(!(e instanceof Refused));
					throw e;
				}
				const cs = callsOf(b, 60);
				const bad = compare(cs, runC(b, cs), runNode(b, cs));
				if (bad.length) throw new Error(`C and Node differ:\n  ${bad.slice(0, 3).join('\n  ')}`);
			}),
			{ numRuns: 20, seed: 1515, endOnFailure: true },
		);
		expect(out.failed).toBe(true);
		expect((out.errorInstance as Error).message).toContain('C and Node differ');
	}, 600_000);
});
