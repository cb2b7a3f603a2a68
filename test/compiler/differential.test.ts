// Differential tests, Csmith-style: programs of the subset run as ktsc's C
// (gcc, UBSAN and ASan fatal) and as their Node reading; every result must
// be the same. See test/compiler/differential/harness.ts.
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { argOf, build, type Built, type Call, Refused, ROOT, runC, runNode } from './differential/harness.js';
import { programArb } from './differential/generate.js';
import { breakage } from '../../compiler/src/breakage.js';

/** Random programs to check: make check runs 2,000 (scripts/check.ts), make fuzz-compiler any number. */
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

/** A program ktsc refuses for a reason the generator cannot see coming. */
class Skip extends Error {}

/**
 * One random program through ktsc, gcc and the Node reading, every call
 * compared. gcc folds the random constants further than ktsc and warns:
 * -Woverflow where a narrowing that ktsc leaves to the assignment (as
 * kernel code does) changes a folded value, -Wtautological-compare where
 * masks make a comparison constant; kmod-src's own go through the
 * kernel's W=1 build gate. A comparison whose answer C knows (x < 0 on an
 * unsigned x that folds) or a signed constant that overflows is refused
 * (KTS2018, KTS2019), as gcc would warn: Skip.
 */
async function checkProgram(text: string, dir: string, stats: { calls: number; refused: number }, raw = false): Promise<void> {
	mkdirSync(dir, { recursive: true });
	const file = join(dir, 'prog.ts');
	writeFileSync(file, text);
	let b: Built;
	try {
		b = await build(file, join(dir, 'out'), raw, ['-Wno-overflow', '-Wno-tautological-compare']);
	} catch (e) {
		const codes = e instanceof Refused ? [...e.message.matchAll(/error (KTS\d+)/g)].map((m) => m[1]) : [];
		if (codes.length && codes.every((c) => c === 'KTS2018' || c === 'KTS2019')) {
			stats.refused++;
			throw new Skip(e instanceof Error ? e.message : String(e));
		}
		throw e;
	}
	const cs = callsOf(b, 60);
	stats.calls += cs.length;
	const bad = compare(cs, await runC(b, cs), runNode(b, cs));
	if (bad.length) throw new Error(`C and Node differ:\n  ${bad.slice(0, 5).join('\n  ')}`);
}

/** checkProgram() over random programs, for fast-check: a Skip is no run. */
function programProperty(dir: string, stats: { calls: number; refused: number }, raw = false) {
	return fc.asyncProperty(programArb(6), async (text) => {
		try {
			await checkProgram(text, dir, stats, raw);
		} catch (e) {
			fc.pre(!(e instanceof Skip));
			throw e;
		}
	});
}

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

describe('C and the Node reading agree', () => {
	const ARITH = join(ROOT, 'test/compiler/differential/arith.ts');
	/**
	 * Where JavaScript's operators happen to compute C's value, and the C
	 * was what differed: int_of_u8s (promotion to int), negate_widened (a
	 * ktsc that printed -(u32)a), shift_negative_long (one that printed the
	 * int -1 shifted by up to 63), compare_converted_constant (one that
	 * dropped the (s64) of an unsigned constant expression), shift_converted_int_min
	 * (one that printed s64(INT_MIN) as the int INT_MIN: gcc refused the shift),
	 * shift_signed_left and narrow_store (their conversions wrap in JavaScript too).
	 */
	const CONTROLS = ['int_of_u8s', 'negate_widened', 'shift_negative_long', 'compare_converted_constant', 'shift_converted_int_min', 'shift_signed_left', 'narrow_store'];

	test('arithmetic where JavaScript and C part ways (differential/arith.ts), on edge values and random ones', async () => {
		const b = await build(ARITH, join(WORK, 'arith'));
		const calls = callsOf(b);
		const c = await runC(b, calls);
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
		const bad = compare(calls, await runC(b, calls), runNode(b, calls));
		const fns = new Set(bad.map((l) => l.split('(')[0]));
		expect([...fns].sort()).toEqual(b.fns.map((f) => f.name).filter((n) => !CONTROLS.includes(n)).sort());
		console.log(`${bad.length} of ${calls.length} calls differ, e.g.\n  ${[...fns].map((f) => bad.find((l) => l.startsWith(`${f}(`))).join('\n  ')}`);
	});

	test("kmod-src's pure functions (state table, default space, chunk geometry, untagged chunk size) on random inputs", async () => {
		const units = ['md-llbitmap/geometry.ts', 'md-llbitmap/state.ts'].map((f) => join(ROOT, 'kmod-src', f));
		const b = await build(join(ROOT, 'test/compiler/differential/kmod.ts'), join(WORK, 'kmod'), false, [], units);
		// >= 10,000 inputs each
		const calls = callsOf(b, 30_000);
		for (let s = 0n; s < 7n; s++) for (let a = 0n; a < 9n; a++) calls.push({ fn: 'next_state', args: [s, a] });
		// the geometry where it matters: real array sizes, chunk sizes and rooms
		const real = fc.sample(fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.constantFrom(0n, 1n, 8n, 128n, 1024n, 2n ** 22n), fc.bigInt({ min: 1n, max: 131072n })), { numRuns: 5000, seed: 16 });
		for (const [sectors, chunk, room] of real) calls.push({ fn: 'chunkshift', args: [sectors, chunk, room] });
		// recorded chunk sizes both ways: mainline's sectors and the old module's bytes
		const recorded = fc.sample(
			fc.tuple(fc.constantFrom(8n, 128n, 4096n, 65536n, 2n ** 22n).map((c) => [c, c << 9n]), fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.bigInt({ min: 1n, max: 131072n })),
			{ numRuns: 5000, seed: 17 },
		);
		for (const [[c, bytes], sectors, room] of recorded) for (const v of [c, bytes & 0xffffffffn]) calls.push({ fn: 'untagged_chunk', args: [v, sectors, room] });
		const c = await runC(b, calls);
		expect(compare(calls, c, runNode(b, calls))).toEqual([]);
		// the inputs reached the functions, not only their guards
		for (const f of b.fns) expect(calls.filter((call) => call.fn === f.name).length, f.name).toBeGreaterThanOrEqual(10_000);
		const shifts = new Set(calls.map((call, i) => (call.fn === 'chunkshift' ? c[i] : '')).filter((v) => v && v !== '255'));
		expect(shifts.size).toBeGreaterThan(10);
		expect(new Set(calls.map((call, i) => (call.fn === 'next_state' ? c[i] : ''))).size).toBeGreaterThan(4);
	});

	test(`${PROGRAMS} random programs of 6 functions: every call gives the same value, no sanitizer report`, async () => {
		const seed = Number(process.env.KTS_DIFF_SEED ?? 1515);
		const t0 = performance.now();
		const stats = { calls: 0, refused: 0 };
		// two at a time: one compiles (ktsc, in this process) while the
		// other's gcc and C run
		// (enough for PROGRAMS checked ones: ktsc refuses some, see checkProgram)
		const programs = fc.sample(programArb(6), { numRuns: Math.ceil(PROGRAMS * 1.5) + 10, seed });
		let next = 0;
		let checked = 0;
		let failed: number | undefined;
		const worker = async (w: number) => {
			while (failed === undefined && checked < PROGRAMS && next < programs.length) {
				const i = next++;
				try {
					await checkProgram(programs[i], join(WORK, `gen${w}`), stats);
					checked++;
				} catch (e) {
					if (!(e instanceof Skip)) failed ??= i;
				}
			}
		};
		await Promise.all([worker(0), worker(1)]);
		const s = (performance.now() - t0) / 1000;
		if (failed !== undefined) {
			// the same programs again, one by one, up to the failure: fast-check shrinks it
			await fc.assert(
				programProperty(join(WORK, 'gen0'), stats),
				{ numRuns: failed + 1, seed },
			);
			throw new Error(`program ${failed} of seed ${seed} failed, and did not fail again alone`);
		}
		console.log(
			`seed ${seed}: ${checked} programs (${checked * 6} functions) checked, ${stats.calls} calls agree, ${stats.refused} more refused for a tautology or a constant overflow; ${((checked + stats.refused) / s).toFixed(1)} programs/s`,
		);
		expect(checked).toBeGreaterThanOrEqual(PROGRAMS);
	}, 1_800_000);

	test('broken: random programs run as plain JavaScript (no reading) are caught and shrunk', async () => {
		const stats = { calls: 0, refused: 0 };
		const out = await fc.check(
			programProperty(join(WORK, 'gen-raw'), stats, true),
			{ numRuns: 20, seed: 1515, endOnFailure: true },
		);
		expect(out.failed).toBe(true);
		expect((out.errorInstance as Error).message).toContain('C and Node differ');
	}, 600_000);

	describe('broken compilers are caught within 500 random programs (a count, not a time: the machine may be loaded)', () => {
		for (const variant of Object.keys(breakage) as (keyof typeof breakage)[]) {
			test(variant, async () => {
				const stats = { calls: 0, refused: 0 };
				const t0 = performance.now();
				breakage[variant] = true;
				try {
					const out = await fc.check(
						programProperty(join(WORK, `gen-${variant}`), stats),
						{ numRuns: 500, seed: 1515, endOnFailure: true },
					);
					const s = (performance.now() - t0) / 1000;
					expect(out.failed, `${variant} not caught in ${out.numRuns} programs (${s.toFixed(0)} s)`).toBe(true);
					console.log(`${variant}: caught after ${out.numRuns} programs, ${s.toFixed(1)} s: ${(out.errorInstance as Error).message.split('\n').slice(0, 2).join(' ')}`);
				} finally {
					breakage[variant] = false;
				}
			}, 600_000);
		}
	});
});
