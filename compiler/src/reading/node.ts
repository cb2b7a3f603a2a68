// The Node reading: kmod-src's TypeScript as Node must run it to compute
// what ktsc's C computes. JavaScript's operators agree with C's on the
// subset's types except where C wraps (unsigned arithmetic below zero or
// past the type, multiplication past 2^53, bitwise results with bit 31
// set, which JavaScript reads as negative, a compound assignment into a
// narrower type) and where C is undefined (shift counts): the checker has
// decided the C type of every such expression, and the reading rewrites it
// into a call of reading/runtime.ts in that type. Everything else is the
// source text unchanged, so line numbers and stack traces stay the same.
//
// The simulator runs this reading (vitest.config.ts), and the
// differential tests compare it with the C built by gcc.
import { resolve } from 'node:path';
import { ts } from 'ts-morph';
import type { Checker } from '../check/checker.js';
import { COMPOUND } from '../check/exprs.js';
import type { ExprInfo } from '../check/info.js';
import { type CType, typeName } from '../c/types.js';

export const RUNTIME = resolve(import.meta.dirname, 'runtime.ts');

const ARITH = new Set(['+', '-', '*', '&', '|', '^', '<<', '>>', '>>>', '%']);

type IntT = Extract<CType, { kind: 'int' }>;

/** The reading of every file of the checked program's units. */
export function nodeReadings(ck: Checker, runtime = RUNTIME): Map<string, string> {
	const out = new Map<string, string>();
	const info = new Map<ts.Node, ExprInfo>();
	for (const [n, i] of ck.exprInfo) info.set(n.compilerNode, i);
	const compound = new Map<ts.Node, CType>();
	for (const [n, t] of ck.compoundType) compound.set(n.compilerNode, t);
	for (const u of ck.fe.units)
		for (const sf of u.files) out.set(sf.getFilePath(), new Reader(sf.compilerNode, info, compound).read(runtime));
	return out;
}

class Reader {
	private used = false;

	constructor(
		private readonly sf: ts.SourceFile,
		private readonly info: Map<ts.Node, ExprInfo>,
		private readonly compound: Map<ts.Node, CType>,
	) {}

	read(runtime: string): string {
		const body = this.splice(this.sf, 0);
		if (!this.used) return body;
		// at the end (imports are hoisted): line numbers stay the source's
		return `${body}\nimport * as __kts from ${JSON.stringify(runtime)};\n`;
	}

	/** The node's text from `from`, each child replaced by its reading. */
	private splice(n: ts.Node, from = n.getStart(this.sf)): string {
		const text = this.sf.text;
		let out = '';
		let at = from;
		n.forEachChild((c) => {
			const s = c.getStart(this.sf);
			out += text.slice(at, s) + this.expr(c);
			at = c.getEnd();
		});
		return out + text.slice(at, n.getEnd());
	}

	private intType(n: ts.Node): IntT | undefined {
		const t = this.info.get(n)?.type;
		return t?.kind === 'int' ? t : undefined;
	}

	private call(fn: string, ...args: string[]): string {
		this.used = true;
		return `__kts.${fn}(${args.join(', ')})`;
	}

	private wrap(t: IntT, e: string): string {
		// the common cases inline: the simulator runs these on every write
		if (t.bits === 32) return `((${e}) ${t.signed ? '| 0' : '>>> 0'})`;
		if (t.bits === 64) return `BigInt.as${t.signed ? 'Int' : 'Uint'}N(64, ${e})`;
		return this.call('wrap', e, String(t.bits), String(t.signed));
	}

	/** `a op b` in type `t`, from the operands' readings. */
	private op(op: string, t: IntT, a: string, b: string): string {
		const big = t.bits === 64;
		switch (op) {
			case '*':
				return big ? this.wrap(t, `${a} * ${b}`) : this.call('mul32', a, b, String(t.signed));
			case '<<':
				return this.call('shl', a, b, String(t.bits), String(t.signed), JSON.stringify(typeName(t)));
			case '>>':
			case '>>>':
				return this.call('shr', a, b, String(t.bits), String(t.signed), JSON.stringify(typeName(t)));
			case '%':
				// C truncates as JavaScript does; operands already in range
				return `${a} % ${b}`;
			default:
				return this.wrap(t, `${a} ${op} ${b}`);
		}
	}

	private expr(n: ts.Node): string {
		if (ts.isBinaryExpression(n)) {
			const op = n.operatorToken.getText(this.sf);
			const t = this.intType(n);
			if (ARITH.has(op) && t) {
				// a constant the checker folded stays as written
				const i = this.info.get(n)!;
				if (i.untyped && i.lit !== undefined) return this.splice(n);
				return this.op(op, t, this.expr(n.left), this.expr(n.right));
			}
			const bop = COMPOUND[op];
			const rt = this.compound.get(n);
			const lt = this.intType(n.left);
			if (bop && rt?.kind === 'int' && lt) return this.store(n.left, lt, this.op(bop, rt, this.expr(n.left), this.expr(n.right)));
		}
		if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
			const t = this.intType(n.operand);
			if (t) {
				const one = t.bits === 64 ? '1n' : '1';
				return this.store(n.operand, t, this.wrap(t, `${this.expr(n.operand)} ${n.operator === ts.SyntaxKind.PlusPlusToken ? '+' : '-'} ${one}`));
			}
		}
		if (ts.isPrefixUnaryExpression(n) && (n.operator === ts.SyntaxKind.MinusToken || n.operator === ts.SyntaxKind.TildeToken)) {
			const t = this.intType(n);
			const i = this.info.get(n);
			if (t && !(i?.untyped && i.lit !== undefined)) return this.wrap(t, `${n.operator === ts.SyntaxKind.MinusToken ? '-' : '~'}${this.expr(n.operand)}`);
		}
		return this.splice(n);
	}

	/** `lv = value`, value converted to lv's type as C's assignment does. */
	private store(lv: ts.Node, t: IntT, value: string): string {
		if (hasCall(lv)) throw new Error(`${this.where(lv)}: the Node reading would evaluate '${lv.getText(this.sf)}' twice`);
		return `${this.expr(lv)} = ${this.wrap(t, value)}`;
	}

	private where(n: ts.Node): string {
		const { line, character } = this.sf.getLineAndCharacterOfPosition(n.getStart(this.sf));
		return `${this.sf.fileName}:${line + 1}:${character + 1}`;
	}
}

function hasCall(n: ts.Node): boolean {
	if (ts.isCallExpression(n)) return true;
	return ts.forEachChild(n, (c) => hasCall(c) || undefined) ?? false;
}
