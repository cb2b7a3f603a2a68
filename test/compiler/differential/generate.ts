// Random programs of the subset, Csmith-style: every expression is built
// for the C type it must have, so ktsc accepts the program as generated
// (a refusal is a finding too), and nothing in it is undefined in C:
// shift counts are masked to the width, `%` divides unsigned values by a
// divisor with bit 0 set. What is left - wrapping, promotions, conversions
// between every pair of types, compound assignments into narrow types,
// comparisons of wrapped values - is where C and the Node reading could
// part ways.
import fc from 'fast-check';

interface T {
	/** TypeScript (and conversion function) name. */
	ts: string;
	bits: 8 | 16 | 32 | 64;
	signed: boolean;
}

const TYPES: T[] = [
	{ ts: 'u8', bits: 8, signed: false },
	{ ts: 's8', bits: 8, signed: true },
	{ ts: 'u16', bits: 16, signed: false },
	{ ts: 's16', bits: 16, signed: true },
	{ ts: 'u32', bits: 32, signed: false },
	{ ts: 's32', bits: 32, signed: true },
	{ ts: 'int', bits: 32, signed: true },
	{ ts: 'uint', bits: 32, signed: false },
	{ ts: 'u64', bits: 64, signed: false },
	{ ts: 's64', bits: 64, signed: true },
	{ ts: 'ulong', bits: 64, signed: false },
	{ ts: 'long', bits: 64, signed: true },
	{ ts: 'sector_t', bits: 64, signed: false },
];
const byName = (n: string) => TYPES.find((t) => t.ts === n)!;
/** Types whose arithmetic stays in the type (C's promotions leave them alone). */
const ARITH = TYPES.filter((t) => t.bits >= 32);
const PROMOTED_TO_INT = ['u8', 's8', 'u16', 's16', 'int'].map(byName);

interface Var {
	name: string;
	t: T;
}

const lit = (t: T): fc.Arbitrary<string> => {
	const max = t.signed ? 2n ** BigInt(t.bits - 1) - 1n : 2n ** BigInt(t.bits) - 1n;
	const min = t.signed ? -max - 1n : 0n;
	return fc.oneof(fc.constantFrom(0n, 1n, max, min, 2n, 0x80n, 0x7fffn), fc.bigInt({ min, max })).map((v) => {
		const s = v < 0n ? `-0x${(-v).toString(16)}` : v > 9n ? `0x${v.toString(16)}` : String(v);
		return `${t.ts}(${s}${t.bits === 64 ? 'n' : ''})`;
	});
};

/** An expression whose C type is `t`, over `vars`, at most `depth` deep. */
function expr(t: T, depth: number, vars: Var[]): fc.Arbitrary<string> {
	const mine = vars.filter((v) => v.t === t).map((v) => v.name);
	// mostly variables (of another type, converted): constants fold, and
	// folded ones tend to overflow (KTS2019) or compare constantly (KTS2018)
	const others = vars.filter((v) => v.t !== t).map((v) => `${t.ts}(${v.name})`);
	const named = [...mine, ...others];
	const leaf = named.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...named) }, { weight: 1, arbitrary: lit(t) }) : lit(t);
	if (depth <= 0) return leaf;
	const sub = (u: T) => expr(u, depth - 1, vars);
	const self = sub(t);
	const arms: fc.Arbitrary<string>[] = [
		leaf,
		// a conversion from any other type
		fc.constantFrom(...TYPES.filter((u) => u !== t)).chain((u) => sub(u)).map((e) => `${t.ts}(${e})`),
		// a comparison picks one of two values
		// (no '>' or '>=': 'f(x) << (y > z)' may read as type arguments
		// f<...>(); 'b < a' is 'a > b')
		fc.constantFrom(...ARITH).chain((u) => fc.tuple(sub(u), fc.constantFrom('<', '<=', '===', '!=='), sub(u)).filter(([a, , b]) => a !== b)).chain(([a, c, b]) => fc.tuple(self, self).map(([x, y]) => `(${a} ${c} ${b} ? ${x} : ${y})`)),
	];
	if (t.bits >= 32) {
		arms.push(
			fc.tuple(self, fc.constantFrom('+', '-', '*', '&', '|', '^'), self).map(([a, op, b]) => `(${a} ${op} ${b})`),
			// (a signed value is shifted right only: left past its sign bit is undefined, KTS2006)
			fc.tuple(self, fc.boolean(), self).map(([a, left, b]) => `(${a} ${left && !t.signed ? '<<' : t.bits === 32 && !t.signed ? '>>>' : '>>'} (${b} & ${t.bits === 64 ? '63n' : '31'}))`),
			t.signed ? self.map((a) => `(-${a})`) : fc.tuple(self, self).map(([a, b]) => `(${a} & ~${b})`),
		);
		if (t.bits === 32 && !t.signed) arms.push(fc.tuple(self, self).map(([a, b]) => `(${a} % (${b} | 1))`));
		if (t.ts === 'int')
			// small types promoted to int
			arms.push(fc.tuple(fc.constantFrom(...PROMOTED_TO_INT), fc.constantFrom(...PROMOTED_TO_INT), fc.constantFrom('+', '-', '*', '&', '|', '^')).chain(([a, b, op]) => fc.tuple(sub(a), sub(b)).map(([x, y]) => `(${x} ${op} ${y})`)));
	}
	return fc.oneof({ depthSize: 'small', withCrossShrink: true }, ...arms);
}

/** Narrower types whose every value a type keeps (C widens them implicitly). */
const WIDENS_FROM: Record<string, string[]> = {
	s16: ['u8', 's8'],
	u16: ['u8'],
	int: ['u8', 's8', 'u16', 's16'],
	s32: ['u8', 's8', 'u16', 's16'],
	u32: ['u8', 'u16'],
	uint: ['u8', 'u16'],
};

/**
 * What a declaration of type `t` starts from: an expression of its type,
 * or a narrower conversion it widens (`let x: u32 = u8(e)`: C truncates to
 * u8 first, then widens).
 */
function initExpr(t: T, vars: Var[]): fc.Arbitrary<string> {
	const narrow = (WIDENS_FROM[t.ts] ?? []).map(byName);
	const arms: fc.Arbitrary<string>[] = [expr(t, 3, vars), expr(t, 3, vars), expr(t, 3, vars)];
	if (narrow.length) arms.push(fc.constantFrom(...narrow).chain((n) => expr(byName('int'), 2, vars).map((e) => `${n.ts}(${e})`)));
	// minus a widened unsigned value: C negates in the wide type
	if (t.signed && t.bits === 64) arms.push(fc.constantFrom(...['u32', 'uint', 'u16'].map(byName)).chain((u) => expr(u, 2, vars).map((e) => `-${t.ts}(${e})`)));
	return fc.oneof(...arms);
}

/** A statement that changes local `v`, stored as C stores into its type. */
function update(v: Var, vars: Var[]): fc.Arbitrary<string> {
	const arms: fc.Arbitrary<string>[] = [fc.constantFrom(`${v.name}++;`, `${v.name}--;`)];
	if (v.t.bits < 32) {
		// into a narrow type: computed in int, stored modulo its width
		arms.push(fc.tuple(fc.constantFrom('+=', '-=', '*=', '^=', '|='), expr(byName('int'), 2, vars)).map(([op, e]) => `${v.name} ${op} ${e};`));
		arms.push(expr(byName('int'), 2, vars).map((e) => `${v.name} = ${v.t.ts}(${e});`));
	} else {
		const mask = v.t.bits === 64 ? '63n' : '31';
		const right = v.t.bits === 32 && !v.t.signed ? '>>>=' : '>>=';
		arms.push(fc.tuple(fc.constantFrom(...(v.t.signed ? [right] : ['<<=', right])), expr(v.t, 1, vars)).map(([op, e]) => `${v.name} ${op} ${e} & ${mask};`));
		arms.push(fc.tuple(fc.constantFrom('+=', '-=', '*=', '&=', '|=', '^=', '='), expr(v.t, 2, vars)).map(([op, e]) => `${v.name} ${op} ${e};`));
	}
	return fc.oneof(...arms);
}

const typeArb = fc.constantFrom(...TYPES);

/**
 * One function `name`: parameters, locals, updates (some in a loop), a
 * result that uses every variable. With `fields`, it also allocates the
 * program's struct (kzalloc), computes with its fields as with locals and
 * frees it (kfree) before it returns.
 */
function fn(name: string, fields: T[]): fc.Arbitrary<string> {
	return fc
		.record({ params: fc.array(typeArb, { minLength: 1, maxLength: 3 }), locals: fc.array(typeArb, { minLength: 1, maxLength: 3 }), ret: typeArb, withStruct: fc.boolean() })
		.chain(({ params, locals, ret, withStruct }) => {
			const ps: Var[] = params.map((t, i) => ({ name: `p${i}`, t }));
			const xs: Var[] = locals.map((t, i) => ({ name: `x${i}`, t }));
			const fs: Var[] = withStruct ? fields.map((t, i) => ({ name: `s.a${i}`, t })) : [];
			const inits = fc.tuple(...xs.map((x, i) => initExpr(x.t, [...ps, ...fs, ...xs.slice(0, i)])));
			const all = [...ps, ...fs, ...xs];
			const changed = [...xs, ...fs];
			const updates = fc.array(fc.constantFrom(...changed).chain((x) => update(x, all)), { maxLength: 5 });
			const loop = fc.option(fc.constantFrom(...changed).chain((x) => update(x, all)), { nil: undefined });
			return fc.tuple(inits, updates, loop, expr(ret, 3, all)).map(([init, ups, lp, r]) => {
				const body = [
					...(withStruct ? ['const s = kzalloc(st, GFP_KERNEL);', '', 'if (!s)', `\treturn ${ret.ts}(0${ret.bits === 64 ? 'n' : ''});`] : []),
					...xs.map((x, i) => `let x${i}: ${x.t.ts} = ${init[i]};`),
					...ups,
					...(lp ? [`for (let i: int = 0; i < 3; i++)\n\t\t${lp}`] : []),
				];
				// every variable goes into the result, so none is unused
				const acc = all.map((v) => (v.t.ts === 'u64' ? v.name : `u64(${v.name})`)).join(' ^ ');
				const result = ret.ts === 'u64' ? `${acc} ^ ${r}` : `${ret.ts}(${acc} ^ u64(${r}))`;
				const tail = withStruct ? [`const result: ${ret.ts} = ${result};`, '', 'kfree(s);', 'return result;'] : [`return ${result};`];
				return `/** @global */\nexport function ${name}(${ps.map((p) => `${p.name}: ${p.t.ts}`).join(', ')}): ${ret.ts} {\n\t${body.join('\n\t')}\n\n\t${tail.join('\n\t')}\n}\n`;
			});
		});
}

const IMPORTS = `import { GFP_KERNEL, kfree, kzalloc } from '../../../kmod-src/kernel/slab';
import { int, long, s8, s16, s32, s64, sector_t, u8, u16, u32, u64, uint, ulong } from '../../../kmod-src/kernel/types';
`;

/** Programs of `n` functions f0..f(n-1) and a struct st of 2 to 4 integer fields. */
export function programArb(n: number): fc.Arbitrary<string> {
	return fc.array(typeArb, { minLength: 2, maxLength: 4 }).chain((fields) =>
		fc.tuple(...Array.from({ length: n }, (_, i) => fn(`f${i}`, fields))).map((fns) => {
			const st = `class st {\n${fields.map((t, i) => `\ta${i}: ${t.ts} = 0${t.bits === 64 ? 'n' : ''};`).join('\n')}\n}\n`;
			return `/**\n * Generated by test/compiler/differential/generate.ts.\n */\n${IMPORTS}\n${st}\n${fns.join('\n')}`;
		}),
	);
}
