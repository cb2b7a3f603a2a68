// The checker: decides, for every node of kmod-src, whether the subset
// accepts it and what C types and conversions it means. It reports every
// problem it finds (many per run) and records its decisions in side tables
// that the lowering reads. It never builds C.
import { type Node, SyntaxKind } from 'ts-morph';
import {
	type CType,
	fits,
	type IntType,
	isInteger,
	sameType,
	typeName,
	valuePreserving,
} from '../c/types.js';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import type { Frontend, Unit } from '../frontend.js';
import { checkSleepingContexts } from './context.js';
import { checkTopLevel, type UnitDecls } from './decls.js';
import type { CallInfo, ConvInfo, ExprInfo, LocalInfo } from './info.js';
import { Model } from './model.js';
import type { FunctionPlan } from './stmts.js';

export interface FuncContext {
	ret: CType;
	/** Cleanup-block labels in scope, innermost last. */
	labels: string[];
	/** Every cleanup label of the function so far (C labels are function-wide). */
	seenLabels: Set<string>;
	plan: FunctionPlan;
}

export class Checker {
	readonly model: Model;
	readonly exprInfo = new Map<Node, ExprInfo>();
	readonly callInfo = new Map<Node, CallInfo>();
	readonly convInfo = new Map<Node, ConvInfo>();
	/** `x op= y`: the C type `x op y` is computed in before it is stored back. */
	readonly compoundType = new Map<Node, CType>();
	readonly locals = new Map<Node, LocalInfo>();
	readonly plans = new Map<Node, FunctionPlan>();
	readonly units = new Map<string, UnitDecls>();
	fn: FuncContext | undefined;

	constructor(
		readonly fe: Frontend,
		readonly diags: Diagnostics,
	) {
		this.model = new Model(fe, diags);
		this.model.finishStructs();
	}

	run(): void {
		this.markCrossUnitImports();
		for (const u of this.fe.units) this.units.set(u.name, checkTopLevel(this, u));
		checkSleepingContexts(this);
	}

	/** Declarations another unit imports: they go in the unit's header. */
	readonly crossUnit = new Set<Node>();

	/** A function another unit imports is global in C. */
	private markCrossUnitImports(): void {
		for (const u of this.fe.units)
			for (const sf of u.files)
				for (const imp of sf.getImportDeclarations())
					for (const named of imp.getNamedImports()) {
						const decl = this.model.declOf(named.getNameNode());
						if (!decl || this.model.isPrelude(decl)) continue;
						const owner = this.unitOf(decl);
						if (!owner || owner === u) continue;
						this.crossUnit.add(decl);
						const ent = this.model.entityOf(decl);
						if (ent?.kind === 'func') ent.global = true;
					}
	}

	unitOf(node: Node): Unit | undefined {
		const sf = node.getSourceFile();
		return this.fe.units.find((u) => u.files.includes(sf));
	}

	report(node: Node, code: string, ...args: string[]): void {
		this.diags.report(node, code, ...args);
	}

	/**
	 * A name kmod-src declares (function, parameter, local, field, enum
	 * member) must be one C can take: not a C keyword TypeScript allows,
	 * nor a kernel object-like macro, which the preprocessor would expand
	 * wherever the name appears (p->current too).
	 */
	checkName(node: Node, name: string): void {
		if (C_KEYWORDS.has(name)) this.report(node, 'KTS1034', name, 'a C keyword');
		else if (KERNEL_MACROS.has(name)) this.report(node, 'KTS1034', name, 'a kernel macro');
	}

	info(node: Node): ExprInfo {
		const i = this.exprInfo.get(node);
		if (!i) throw new Error(`internal: no type recorded for '${node.getText().slice(0, 40)}' (${node.getKindName()})`);
		return i;
	}

	// ------------------------------------------------------- conversions

	/** The TS name of a type's conversion function (for hints). */
	convName(t: CType): string {
		if (t.kind !== 'int') return typeName(t);
		return t.name === 'unsigned long' ? 'ulong' : t.name === 'unsigned int' ? 'uint' : t.name;
	}

	/**
	 * Check that a value may flow into `to` without an explicit conversion
	 * (assignment, argument, return, initialiser). Reports and returns false
	 * if not. C's implicit conversions are allowed only when they keep the
	 * value.
	 */
	assignable(node: Node, from: ExprInfo, to: CType, what = 'value'): boolean {
		const f = from.type;
		if (to.kind === 'int') {
			if (from.untyped && from.lit !== undefined) {
				if (to.bitwise && from.lit !== 0n) {
					this.report(node, 'KTS2005', to.name, 'only 0 converts to it implicitly');
					return false;
				}
				if (!fits(from.lit, to)) {
					this.report(node, 'KTS2004', String(from.lit), to.name);
					return false;
				}
				return true;
			}
			if (f.kind === 'int') {
				if (f.bitwise || to.bitwise) {
					if (f.name === to.name) return true;
					this.report(node, 'KTS2005', f.bitwise ? f.name : to.name, `it does not convert implicitly to or from '${f.bitwise ? to.name : f.name}'`);
					return false;
				}
				if (valuePreserving(f, to)) return true;
				if (from.lit !== undefined && fits(from.lit, to)) return true;
				// A kernel constant (never negative) fits an unsigned type as wide.
				if (from.nonneg && f.signed && !to.signed && to.bits >= f.bits) return true;
				this.report(node, 'KTS2002', typeName(f), typeName(to), this.convName(to));
				return false;
			}
			if (f.kind === 'enum') {
				const max = [...f.members.values()].reduce((a, b) => (a > b ? a : b), 0n);
				const min = [...f.members.values()].reduce((a, b) => (a < b ? a : b), 0n);
				if (fits(max, to) && fits(min, to)) return true;
				this.report(node, 'KTS2002', typeName(f), typeName(to), this.convName(to));
				return false;
			}
			this.report(node, 'KTS2009', typeName(to), typeName(f), `convert explicitly`);
			return false;
		}
		if (to.kind === 'enum') {
			if (f.kind === 'enum' && f.name === to.name) return true;
			if (f.kind === 'int' && !f.bitwise) return true; // C: int -> enum is implicit
			if (from.untyped) return true;
			this.report(node, 'KTS2009', typeName(to), typeName(f), `use a member of enum ${to.name}`);
			return false;
		}
		if (to.kind === 'bool') {
			if (f.kind === 'bool') return true;
			this.report(node, 'KTS2009', 'bool', typeName(f), 'compare explicitly, e.g. x !== 0');
			return false;
		}
		if (to.kind === 'ptr') {
			if (f.kind === 'ptr') {
				if (f.nullable && !to.nullable && from.lit === 0n) return true;
				// C would drop the const (gcc: discards 'const' qualifier)
				if (f.constTarget && !to.constTarget && from.lit !== 0n) {
					this.report(node, 'KTS2009', typeName(to), `const ${typeName(f.to)} *`, 'keep it const: ConstMem<T> or Readonly<Ptr<T>> where it goes');
					return false;
				}
				if (to.view === 'void' || sameType(f.to, to.to) || f.to.kind === 'void') return true;
				if (to.view === 'str' && f.view === 'str') return true;
				this.report(node, 'KTS2009', typeName(to), typeName(f), 'pass a pointer to the right type');
				return false;
			}
			if (from.embedded && (f.kind === 'struct' || f.kind === 'opaque') && (sameType(f, to.to) || to.view === 'void')) {
				if (from.constObject && !to.constTarget) {
					this.report(node, 'KTS2009', `const ${typeName(f)} *`, `${typeName(f)} *`, 'the object is Readonly<T>: take it as Readonly<Ptr<T>>');
					return false;
				}
				return true; // lowered to &x->field
			}
			if (from.embedded && f.kind === 'array' && (sameType(f.of, to.to) || to.view === 'void')) return true; // array decays
			if (from.outLocal && to.view === 'out' && from.local && sameType(from.local.type, to.to)) {
				// &local goes to the call only: stored or returned, it outlives the local
				if (what === 'argument') return true;
				this.report(node, 'KTS2009', 'a pointer that outlives the call', `the address of the local '${from.local.name}'`, 'pass a local() to a function only; store or return a value');
				return false;
			}
			this.report(node, 'KTS2009', typeName(to), typeName(f), 'pass a pointer');
			return false;
		}
		if (to.kind === 'func') {
			// TypeScript takes (a: u8) => int for (a: u32) => void: C does not
			// NULL where the op is optional
			if (to.nullable && f.kind === 'ptr' && from.lit === 0n) return true;
			if (f.kind === 'func') {
				if (sameSignature(f, to)) return true;
				this.report(node, 'KTS2009', signature(to), signature(f), 'give the function exactly the C signature of the pointer it is stored in');
				return false;
			}
			this.report(node, 'KTS2009', 'function', typeName(f), 'pass a function by name');
			return false;
		}
		if (to.kind === 'struct' || to.kind === 'opaque') {
			this.report(node, 'KTS2009', typeName(to), typeName(f), `structs are not copied; use a Ptr<${to.name}>`);
			return false;
		}
		void what;
		return true;
	}

	/** Both operands must be usable as integers; returns them as IntTypes. */
	static asIntType(t: CType): IntType | undefined {
		if (t.kind === 'int') return t;
		return undefined;
	}

	isIntLike(t: CType): boolean {
		return isInteger(t);
	}
}

/** C keywords that TypeScript accepts as names. */
const C_KEYWORDS = new Set([
	'auto', 'char', 'double', 'extern', 'float', 'goto', 'inline', 'int', 'long', 'register', 'restrict', 'short',
	'signed', 'sizeof', 'struct', 'typedef', 'union', 'unsigned', 'volatile', 'asm', '_Bool', '_Alignas', '_Alignof',
	'_Atomic', '_Generic', '_Noreturn', '_Static_assert', '_Thread_local', 'bool', 'NULL',
]);

/** Object-like macros of the kernel headers with names a field or local may take. */
const KERNEL_MACROS = new Set(['current', 'jiffies_64', 'THIS_MODULE', 'KBUILD_MODNAME', 'PAGE_SIZE', 'HZ']);

export { SyntaxKind };

/** A C function type as written, for messages. */
function signature(f: Extract<CType, { kind: 'func' }>): string {
	return `${typeName(f.ret)} (*)(${f.params.map((p) => typeName(p.type)).join(', ') || 'void'})`;
}

/** Function types C calls compatible: the same types, pointers to const alike. */
function sameSignature(a: Extract<CType, { kind: 'func' }>, b: Extract<CType, { kind: 'func' }>): boolean {
	const same = (x: CType, y: CType) => sameType(x, y) && (x.kind !== 'ptr' || y.kind !== 'ptr' || !!x.constTarget === !!y.constTarget);
	return same(a.ret, b.ret) && a.params.length === b.params.length && a.params.every((p, i) => same(p.type, b.params[i].type));
}
