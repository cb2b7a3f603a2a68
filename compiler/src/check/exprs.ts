// Expressions: C types, integer promotions and conversions, and the subset
// rules that keep JavaScript's meaning equal to C's.
import { type Expression, Node, SyntaxKind } from 'ts-morph';
import {
	BOOL,
	type CType,
	fits,
	INT,
	intRange,
	type IntType,
	intType,
	promote,
	sameType,
	typeName,
	usualArith,
	wrapTo,
} from '../c/types.js';
import { checkCall } from './calls.js';
import type { Checker } from './checker.js';
import { ERR, type ExprInfo, isErr } from './info.js';
import { breakage } from '../breakage.js';

/** What the surrounding code does with an expression's value. */
export type Want =
	| { kind: 'implicit'; type: CType } // assigned, passed, returned: C converts implicitly
	| { kind: 'operand'; other?: CType } // operand of arithmetic or comparison
	| { kind: 'shift' } // a shift count
	| { kind: 'cond' } // a condition
	| { kind: 'stmt' } // an expression statement
	| { kind: 'value' };

const VALUE: Want = { kind: 'value' };


function set(ck: Checker, node: Node, info: ExprInfo): ExprInfo {
	ck.exprInfo.set(node, info);
	return info;
}

export function err(ck: Checker, node: Node): ExprInfo {
	return set(ck, node, { type: ERR });
}


function literalValue(text: string): bigint | undefined {
	const t = text.replace(/_/g, '').replace(/n$/, '');
	if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t);
	if (/^0[oO][0-7]+$/.test(t)) return BigInt(t);
	if (/^0[bB][01]+$/.test(t)) return BigInt(t);
	if (/^(0|[1-9][0-9]*)$/.test(t)) return BigInt(t);
	return undefined;
}

export function checkExpr(ck: Checker, node: Expression, want: Want = VALUE): ExprInfo {
	const done = ck.exprInfo.get(node);
	if (done) return done;
	const info = checkExprInner(ck, node, want);
	return set(ck, node, info);
}

function checkExprInner(ck: Checker, node: Expression, want: Want): ExprInfo {
	switch (node.getKind()) {
		case SyntaxKind.NumericLiteral:
		case SyntaxKind.BigIntLiteral: {
			const v = literalValue(node.getText());
			if (v === undefined) {
				ck.report(node, 'KTS1008', node.getText());
				return { type: ERR };
			}
			return { type: want.kind === 'implicit' && want.type.kind === 'int' ? want.type : INT, lit: v, untyped: true };
		}
		case SyntaxKind.TrueKeyword:
			return { type: BOOL, lit: 1n };
		case SyntaxKind.FalseKeyword:
			return { type: BOOL, lit: 0n };
		case SyntaxKind.NullKeyword:
			return { type: { kind: 'ptr', to: { kind: 'void', name: 'void' }, view: 'void', nullable: true }, lit: 0n };
		case SyntaxKind.StringLiteral:
		case SyntaxKind.NoSubstitutionTemplateLiteral:
			if (!stringAllowed(node, want)) {
				ck.report(node, 'KTS1004');
				return { type: ERR };
			}
			return { type: { kind: 'ptr', to: intType('char')!, view: 'str', constTarget: true } };
		case SyntaxKind.TemplateExpression:
			ck.report(node, 'KTS1004');
			return { type: ERR };
		case SyntaxKind.Identifier:
			return checkIdentifier(ck, node);
		case SyntaxKind.ParenthesizedExpression: {
			const inner = (node as Node).asKindOrThrow(SyntaxKind.ParenthesizedExpression).getExpression();
			const i = checkExpr(ck, inner, want);
			return { ...i, lvalue: false };
		}
		case SyntaxKind.NonNullExpression:
			return { ...checkExpr(ck, node.asKindOrThrow(SyntaxKind.NonNullExpression).getExpression(), want) };
		case SyntaxKind.PropertyAccessExpression:
			return checkPropertyAccess(ck, node.asKindOrThrow(SyntaxKind.PropertyAccessExpression));
		case SyntaxKind.ElementAccessExpression:
			return checkElementAccess(ck, node.asKindOrThrow(SyntaxKind.ElementAccessExpression));
		case SyntaxKind.CallExpression:
			return checkCall(ck, node.asKindOrThrow(SyntaxKind.CallExpression), want);
		case SyntaxKind.BinaryExpression:
			return checkBinary(ck, node.asKindOrThrow(SyntaxKind.BinaryExpression), want);
		case SyntaxKind.PrefixUnaryExpression:
			return checkPrefix(ck, node.asKindOrThrow(SyntaxKind.PrefixUnaryExpression), want);
		case SyntaxKind.PostfixUnaryExpression: {
			const p = node.asKindOrThrow(SyntaxKind.PostfixUnaryExpression);
			if (want.kind !== 'stmt') {
				ck.report(node, 'KTS1033');
				return { type: ERR };
			}
			return checkIncDec(ck, p.getOperand(), node);
		}
		case SyntaxKind.ConditionalExpression: {
			const c = node.asKindOrThrow(SyntaxKind.ConditionalExpression);
			checkCondition(ck, c.getCondition());
			// C types ?: from its branches before converting the result, so
			// only pointer (string) targets pass down; integers are operands.
			const branch: Want = want.kind === 'implicit' && want.type.kind === 'ptr' ? want : { kind: 'operand' };
			const a = checkExpr(ck, c.getWhenTrue(), branch);
			const b = checkExpr(ck, c.getWhenFalse(), branch);
			if (isErr(a) || isErr(b)) return { type: ERR };
			return { type: commonType(ck, node, a, b, '?:') ?? ERR, untyped: a.untyped && b.untyped };
		}
		case SyntaxKind.AsExpression:
			return checkAs(ck, node.asKindOrThrow(SyntaxKind.AsExpression));
		case SyntaxKind.ArrowFunction:
		case SyntaxKind.FunctionExpression:
			ck.report(node, 'KTS1001');
			return { type: ERR };
		case SyntaxKind.ObjectLiteralExpression:
			ck.report(node, 'KTS1018');
			return { type: ERR };
		case SyntaxKind.ArrayLiteralExpression:
			ck.report(node, 'KTS1017');
			return { type: ERR };
		case SyntaxKind.NewExpression:
			ck.report(node, 'KTS1027');
			return { type: ERR };
		case SyntaxKind.ThisKeyword:
			ck.report(node, 'KTS1029');
			return { type: ERR };
		case SyntaxKind.AwaitExpression:
			ck.report(node, 'KTS1010', "'await'", 'kernel code is synchronous');
			return { type: ERR };
		case SyntaxKind.YieldExpression:
			ck.report(node, 'KTS1010', "'yield'", 'kernel code is synchronous');
			return { type: ERR };
		case SyntaxKind.TypeOfExpression:
			ck.report(node, 'KTS1016', 'typeof');
			return { type: ERR };
		case SyntaxKind.DeleteExpression:
			ck.report(node, 'KTS1016', 'delete');
			return { type: ERR };
		case SyntaxKind.VoidExpression:
			ck.report(node, 'KTS1016', 'void');
			return { type: ERR };
		case SyntaxKind.SpreadElement:
			ck.report(node, 'KTS1010', 'spread', 'pass each argument explicitly');
			return { type: ERR };
		case SyntaxKind.TaggedTemplateExpression:
			ck.report(node, 'KTS1004');
			return { type: ERR };
		case SyntaxKind.SatisfiesExpression:
		case SyntaxKind.TypeAssertionExpression:
			ck.report(node, 'KTS2015');
			return { type: ERR };
		default:
			ck.report(node, 'KTS1010', describeNode(node), 'rewrite it with the constructs listed in compiler/SUBSET.md');
			return { type: ERR };
	}
}

export function describeNode(node: Node): string {
	const kind = node.getKindName().replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
	return `'${node.getText().slice(0, 30)}' (${kind})`;
}

function stringAllowed(node: Node, want: Want): boolean {
	if (want.kind === 'implicit' && want.type.kind === 'ptr' && (want.type.view === 'str' || want.type.view === 'void')) return true;
	const parent = node.getParent();
	// Arguments of calls are checked against their parameter's type by the call checker.
	return !!parent && Node.isCallExpression(parent) && parent.getArguments().includes(node);
}

/** The unsigned type of a signed one's width (int -> unsigned int). */
function unsignedOf(t: IntType): IntType {
	return intType(t.bits === 64 ? (t.std === 'long' ? 'ulong' : 'u64') : 'uint')!;
}

/** An error number: a constant E... of the declaration layer's errno.d.ts. */
function isErrno(decl: Node, name: string): boolean {
	return /^E[A-Z0-9]+$/.test(name) && decl.getSourceFile().getBaseName() === 'errno.d.ts';
}

/** The operand of a unary minus (through parentheses). */
function isNegated(node: Node): boolean {
	let p = node.getParent();
	while (p && Node.isParenthesizedExpression(p)) p = p.getParent();
	return !!p && Node.isPrefixUnaryExpression(p) && p.getOperatorToken() === SyntaxKind.MinusToken;
}

function checkIdentifier(ck: Checker, node: Expression): ExprInfo {
	const name = node.getText();
	if (name === 'undefined') {
		ck.report(node, 'KTS1016', 'undefined');
		return { type: ERR };
	}
	const decl = ck.model.declOf(node);
	if (!decl) return { type: ERR }; // TypeScript reported it
	const local = ck.locals.get(decl);
	if (local) return { type: local.type, lvalue: !local.outLocal, outLocal: local.outLocal, local };
	const ent = ck.model.entityOf(decl);
	if (!ent) {
		if (Node.isVariableDeclaration(decl) || Node.isParameterDeclaration(decl)) return { type: ERR };
		ck.report(node, 'KTS1010', `using '${name}' as a value`, 'use functions, variables and constants as values');
		return { type: ERR };
	}
	switch (ent.kind) {
		case 'const':
			if (isErrno(ent.node, name) && !isNegated(node)) {
				ck.report(node, 'KTS2020', name);
				return { type: ERR };
			}
			// Kernel constants (EINVAL, PAGE_SHIFT, HZ) are not negative,
			// unless declared with a negative @value (NUMA_NO_NODE is -1).
			return { type: ent.type, lit: ent.value, entity: ent, untyped: false, nonneg: ent.external && (ent.value === undefined || ent.value >= 0n) };
		case 'var':
			return { type: ent.type, lvalue: ent.mutable, entity: ent, embedded: ent.isObject, constObject: ent.constObject };
		case 'func':
			return { type: { ...ent.type, pointer: true }, entity: ent };
		case 'enummember':
			return { type: ent.type, lit: ent.value, entity: ent };
		case 'intconv':
			ck.report(node, 'KTS2013');
			return { type: ERR };
		default:
			ck.report(node, 'KTS1010', `using the type '${name}' as a value`, 'types are used in annotations, or as the first argument of kzalloc()/container_of()');
			return { type: ERR };
	}
}

function structOf(t: CType): { st: CType & { kind: 'struct' }; viaPtr: boolean } | undefined {
	if (t.kind === 'struct') return { st: t, viaPtr: false };
	if (t.kind === 'ptr' && t.view === 'struct' && t.to.kind === 'struct') return { st: t.to, viaPtr: true };
	return undefined;
}

function checkPropertyAccess(ck: Checker, node: import('ts-morph').PropertyAccessExpression): ExprInfo {
	if (node.hasQuestionDotToken()) {
		ck.report(node, 'KTS1019', '?.');
		return { type: ERR };
	}
	const target = node.getExpression();
	// enum member: llbitmap_state.BitClean
	const decl = ck.model.declOf(node.getNameNode());
	if (decl && Node.isEnumMember(decl)) {
		const ent = ck.model.entityOf(decl);
		if (ent && ent.kind === 'enummember') {
			ck.exprInfo.set(target, { type: ent.type });
			return { type: ent.type, lit: ent.value, entity: ent };
		}
	}
	const base = checkExpr(ck, target);
	if (isErr(base)) return { type: ERR };
	const s = structOf(base.type);
	const field = node.getName();
	if (!s) {
		ck.report(node.getNameNode(), 'KTS2006', '.', `'${typeName(base.type)}'`, `'.${field}' needs a struct or a Ptr<struct>`);
		return { type: ERR };
	}
	if (!s.viaPtr && !base.embedded && !base.lvalue) {
		ck.report(node, 'KTS2009', 'a struct pointer', typeName(base.type), 'read fields through a Ptr<T>');
		return { type: ERR };
	}
	const f = s.st.fields.get(field);
	if (!f) {
		ck.report(node.getNameNode(), 'KTS3001', field, ` in ${s.st.cname}`);
		return { type: ERR };
	}
	const embedded = f.type.kind === 'struct' || f.type.kind === 'array' || f.type.kind === 'opaque';
	return { type: f.type, lvalue: !embedded, embedded };
}

function checkElementAccess(ck: Checker, node: import('ts-morph').ElementAccessExpression): ExprInfo {
	if (node.hasQuestionDotToken()) {
		ck.report(node, 'KTS1019', '?.');
		return { type: ERR };
	}
	const base = checkExpr(ck, node.getExpression());
	const idxNode = node.getArgumentExpressionOrThrow();
	const idx = checkExpr(ck, idxNode, { kind: 'operand' });
	if (isErr(base) || isErr(idx)) return { type: ERR };
	if (idx.type.kind !== 'int' && idx.type.kind !== 'enum') {
		ck.report(idxNode, 'KTS2009', 'an integer index', typeName(idx.type), 'index with an integer');
		return { type: ERR };
	}
	if (idx.type.kind === 'int' && idx.type.bitwise) {
		ck.report(idxNode, 'KTS2005', idx.type.name, 'it cannot index memory');
		return { type: ERR };
	}
	const t = base.type;
	let elem: CType | undefined;
	if (t.kind === 'ptr' && t.view === 'mem') elem = t.to;
	else if (t.kind === 'array') elem = t.of;
	if (!elem) {
		ck.report(node.getExpression(), 'KTS2006', '[]', `'${typeName(t)}'`, 'index a Mem<T> or an Arr<T, N>');
		return { type: ERR };
	}
	const embedded = elem.kind === 'struct';
	return { type: elem, lvalue: !embedded && !(t.kind === 'ptr' && t.constTarget), embedded };
}

function checkAs(ck: Checker, node: import('ts-morph').AsExpression): ExprInfo {
	const tn = node.getTypeNode();
	if (tn && tn.getText() === 'const') {
		ck.report(node, 'KTS2015');
		return { type: ERR };
	}
	const inner = checkExpr(ck, node.getExpression());
	if (isErr(inner) || !tn) return { type: ERR };
	const to = ck.model.typeFromNode(tn);
	if (!to) return { type: ERR };
	const from = inner.type;
	// void * -> struct pointer (mddev->bitmap as Ptr<llbitmap>)
	if (from.kind === 'ptr' && from.view === 'void' && to.kind === 'ptr') return { type: to };
	// integer -> enum (a state byte read from memory)
	if (to.kind === 'enum' && (from.kind === 'int' || from.kind === 'enum') && !(from.kind === 'int' && from.bitwise))
		return { type: to };
	ck.report(node, 'KTS2015');
	return { type: ERR };
}

/** A condition: C accepts any scalar; JavaScript's truthiness agrees. */
export function checkCondition(ck: Checker, node: Expression): ExprInfo {
	const i = checkExpr(ck, node, { kind: 'cond' });
	if (isErr(i)) return i;
	const t = i.type;
	// a function pointer that may be NULL is tested like a pointer
	if (t.kind === 'struct' || t.kind === 'array' || (t.kind === 'func' && !t.nullable) || t.kind === 'void') {
		ck.report(node, 'KTS2009', 'a condition (bool, integer or pointer)', typeName(t), 'compare explicitly');
		return { type: ERR };
	}
	if (t.kind === 'int' && t.bitwise) {
		// sparse accepts testing a __bitwise value against zero.
		return i;
	}
	return i;
}

function asArith(ck: Checker, node: Node, i: ExprInfo, op: string): IntType | undefined {
	const t = i.type;
	if (t.kind === 'int') return t;
	if (t.kind === 'enum') return INT;
	if (t.kind === 'bool') {
		ck.report(node, 'KTS2006', op, "'bool'", 'use && / || / ! on booleans, or convert with a comparison');
		return undefined;
	}
	if (t.kind === 'ptr') {
		ck.report(node, 'KTS2006', op, 'a pointer', 'index a Mem<T> instead of doing pointer arithmetic');
		return undefined;
	}
	ck.report(node, 'KTS2006', op, `'${typeName(t)}'`, 'use integers');
	return undefined;
}

function isNonNegativeConst(i: ExprInfo): boolean {
	return (i.lit !== undefined && i.lit >= 0n) || !!i.nonneg;
}

/** Usual arithmetic conversions with the subset's signedness rule. */
function arith(ck: Checker, node: Node, op: string, a: ExprInfo, b: ExprInfo, an: Node, bn: Node): IntType | undefined {
	const x = asArith(ck, an, a, op);
	const y = asArith(ck, bn, b, op);
	if (!x || !y) return undefined;
	if (x.bitwise || y.bitwise) {
		const bitOps = ['&', '|', '^', '===', '!==', '&=', '|=', '^='];
		const bw = x.bitwise ? x : y;
		const other = x.bitwise ? y : x;
		const otherInfo = x.bitwise ? b : a;
		if (!bitOps.includes(op)) {
			ck.report(node, 'KTS2005', bw.name, `'${op}' is not defined for it`);
			return undefined;
		}
		if (other.name !== bw.name && !(otherInfo.untyped && otherInfo.lit === 0n)) {
			ck.report(node, 'KTS2005', bw.name, `it cannot be combined with '${other.name}'`);
			return undefined;
		}
		return bw;
	}
	// An untyped literal takes the other operand's type.
	if (a.untyped && !b.untyped) {
		if (a.lit !== undefined && !fits(a.lit, promote(y))) ck.report(an, 'KTS2004', String(a.lit), typeName(promote(y)));
		return promote(y);
	}
	if (b.untyped && !a.untyped) {
		if (b.lit !== undefined && !fits(b.lit, promote(x))) ck.report(bn, 'KTS2004', String(b.lit), typeName(promote(x)));
		return promote(x);
	}
	const r = usualArith(x, y);
	if (!r.signed) {
		const signedSide = promote(x).signed ? { t: x, i: a } : promote(y).signed ? { t: y, i: b } : undefined;
		if (signedSide && !isNonNegativeConst(signedSide.i)) {
			const [s, u] = promote(x).signed ? [x, y] : [y, x];
			ck.report(node, 'KTS2003', typeName(s), typeName(u), op);
			return undefined;
		}
	}
	return r;
}

function constFold(op: string, a: bigint, b: bigint): bigint | undefined {
	switch (op) {
		case '+':
			return a + b;
		case '-':
			return a - b;
		case '*':
			return a * b;
		case '%':
			return b === 0n ? undefined : a % b;
		case '<<':
			return a << b;
		case '>>':
		case '>>>':
			return a >> b;
		case '&':
			return a & b;
		case '|':
			return a | b;
		case '^':
			return a ^ b;
	}
	return undefined;
}

/** Compound assignments and the operator each applies. */
export const COMPOUND: Record<string, string> = {
	'+=': '+',
	'-=': '-',
	'*=': '*',
	'%=': '%',
	'&=': '&',
	'|=': '|',
	'^=': '^',
	'<<=': '<<',
	'>>=': '>>',
	'>>>=': '>>>',
	'/=': '/',
	'**=': '**',
};

function checkBinary(ck: Checker, node: import('ts-morph').BinaryExpression, want: Want): ExprInfo {
	const op = node.getOperatorToken().getText();
	const ln = node.getLeft();
	const rn = node.getRight();
	if (op === '=' || op in COMPOUND) {
		if (want.kind !== 'stmt') {
			ck.report(node, 'KTS1033');
			return { type: ERR };
		}
		return checkAssign(ck, node, op);
	}
	switch (op) {
		case '==':
		case '!=':
			ck.report(node.getOperatorToken(), 'KTS1011', op, op + '=');
			return { type: ERR };
		case '**':
			ck.report(node.getOperatorToken(), 'KTS1010', "'**'", 'use a shift for powers of two');
			return { type: ERR };
		case '??':
			checkExpr(ck, ln);
			checkExpr(ck, rn);
			ck.report(node.getOperatorToken(), 'KTS1019', '??');
			return { type: ERR };
		case 'in':
		case 'instanceof':
			ck.report(node.getOperatorToken(), 'KTS1016', op);
			return { type: ERR };
		case ',':
			ck.report(node.getOperatorToken(), 'KTS1010', 'the comma operator', 'write two statements');
			return { type: ERR };
		case '&&':
		case '||': {
			const a = checkCondition(ck, ln);
			const b = checkCondition(ck, rn);
			if (isErr(a) || isErr(b)) return { type: ERR };
			return { type: BOOL };
		}
	}
	// String building: one report for the whole expression.
	if (op === '+' && [ln, rn].some((n) => Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) || Node.isTemplateExpression(n))) {
		ck.report(node, 'KTS1004');
		return { type: ERR };
	}
	const shift = op === '<<' || op === '>>' || op === '>>>';
	const a = checkExpr(ck, ln, shift ? { kind: 'value' } : { kind: 'operand' });
	const b = checkExpr(ck, rn, shift ? { kind: 'shift' } : { kind: 'operand', other: isErr(a) ? undefined : a.type });
	if (isErr(a) || isErr(b)) return { type: ERR };
	return binaryResult(ck, node, op, a, b, ln, rn, want);
}

function binaryResult(
	ck: Checker,
	node: Node,
	op: string,
	a: ExprInfo,
	b: ExprInfo,
	ln: Node,
	rn: Node,
	want: Want,
): ExprInfo {
	void want;
	switch (op) {
		case '===':
		case '!==':
		case '<':
		case '>':
		case '<=':
		case '>=': {
			if (a.type.kind === 'ptr' || b.type.kind === 'ptr') {
				if (op !== '===' && op !== '!==') {
					ck.report(node, 'KTS2006', op, 'pointers', 'compare pointers only with === / !==');
					return { type: ERR };
				}
				if (a.type.kind === 'ptr' && b.type.kind === 'ptr') return { type: BOOL };
				// A pointer against a file-scope object: its address.
				const [p, o] = a.type.kind === 'ptr' ? [a.type, b] : [b.type as Extract<CType, { kind: 'ptr' }>, a];
				if (o.embedded && sameType(p.to, o.type)) return { type: BOOL };
				ck.report(node, 'KTS2009', typeName(a.type), typeName(b.type), 'compare a pointer with a pointer or null');
				return { type: ERR };
			}
			if (a.type.kind === 'bool' || b.type.kind === 'bool') {
				if (a.type.kind === 'bool' && b.type.kind === 'bool' && (op === '===' || op === '!==')) return { type: BOOL };
				ck.report(node, 'KTS2006', op, "'bool'", 'use the boolean directly, or !');
				return { type: ERR };
			}
			if (a.type.kind === 'enum' && b.type.kind === 'enum' && a.type.name !== b.type.name) {
				ck.report(node, 'KTS2009', `enum ${a.type.name}`, `enum ${b.type.name}`, 'compare members of one enum');
				return { type: ERR };
			}
			const r = arith(ck, node, op, a, b, ln, rn);
			if (!r) return { type: ERR };
			if (!tautology(ck, node, op, a, b, ln, rn)) return { type: ERR };
			if (a.lit !== undefined && b.lit !== undefined && a.untyped && b.untyped) {
				const v = op === '===' ? a.lit === b.lit : op === '!==' ? a.lit !== b.lit : op === '<' ? a.lit < b.lit : op === '>' ? a.lit > b.lit : op === '<=' ? a.lit <= b.lit : a.lit >= b.lit;
				return { type: BOOL, lit: v ? 1n : 0n };
			}
			return { type: BOOL };
		}
		case '/':
			ck.report(node, 'KTS1012');
			return { type: ERR };
		case '%':
			if (reprBigint(a.type) || reprBigint(b.type)) {
				ck.report(node, 'KTS1015');
				return { type: ERR };
			}
			break;
		case '>>': {
			const t = a.type;
			if (t.kind === 'int' && !t.signed && t.bits === 32 && !a.untyped) {
				ck.report(node, 'KTS1013', typeName(t));
				return { type: ERR };
			}
			break;
		}
		case '>>>': {
			const t = a.type;
			if (!(t.kind === 'int' && !t.signed && t.bits <= 32) && !a.untyped) {
				ck.report(node, 'KTS1014', typeName(t));
				return { type: ERR };
			}
			// Node shifts -1 >>> n as 0xffffffff; C's -1 >> n stays -1
			if (a.untyped && a.lit !== undefined && a.lit < 0n) {
				ck.report(node, 'KTS1014', `the negative constant ${a.lit}`);
				return { type: ERR };
			}
			break;
		}
	}
	if (op === '<<' || op === '>>' || op === '>>>') {
		const x = asArith(ck, ln, a, op);
		const y = asArith(ck, rn, b, op);
		if (!x || !y) return { type: ERR };
		if (x.bitwise || y.bitwise) {
			ck.report(node, 'KTS2005', (x.bitwise ? x : y).name, `'${op}' is not defined for it`);
			return { type: ERR };
		}
		const lt = a.untyped ? INT : promote(x);
		// a signed value shifted left past its sign bit is undefined in C,
		// and gcc's optimiser does assume it away (differential/arith.ts
		// shift_signed_left): only a constant that stays in range may
		if (op === '<<' && lt.signed && !(a.lit !== undefined && b.lit !== undefined && fits(constFold('<<', a.lit, b.lit)!, lt))) {
			ck.report(node, 'KTS2006', '<<', `the signed '${typeName(lt)}'`, `a left shift past the sign bit is undefined in C; shift an unsigned value (${ck.convName(unsignedOf(lt))}(x) << n)`);
			return { type: ERR };
		}
		if (b.lit !== undefined) {
			if (b.lit < 0n || b.lit >= BigInt(lt.bits)) {
				ck.report(rn, 'KTS2008', String(b.lit), String(lt.bits), typeName(lt));
				return { type: ERR };
			}
		}
		if (a.untyped && b.untyped && a.lit !== undefined && b.lit !== undefined) {
			const v = constFold(op, a.lit, b.lit)!;
			return { type: INT, lit: v, untyped: true };
		}
		if (a.untyped && a.lit !== undefined && op === '<<') {
			// 1 << n is an int shift in C: it must stay within int.
			return { type: INT };
		}
		return { type: lt, lit: a.lit !== undefined && b.lit !== undefined ? wrapTo(constFold(op, a.lit, b.lit)!, lt) : undefined };
	}
	const r = arith(ck, node, op, a, b, ln, rn);
	if (!r) return { type: ERR };
	if (a.lit !== undefined && b.lit !== undefined) {
		const v = constFold(op, a.lit, b.lit);
		// C computes two int literals in int
		const inInt = (x: bigint) => fits(x, INT);
		if (a.untyped && b.untyped && !(v !== undefined && inInt(a.lit) && inInt(b.lit) && !inInt(v) && '+-*'.includes(op))) return { type: r, lit: v, untyped: true };
		if (v !== undefined) {
			const [lo, hi] = intRange(r);
			if (v >= lo && v <= hi) return { type: r, lit: v };
			if (r.signed && '+-*'.includes(op)) {
				ck.report(node, 'KTS2019', node.getText(), typeName(r), String(v));
				return { type: ERR };
			}
			return { type: r, lit: wrapTo(v, r) };
		}
	}
	return { type: r };
}

/**
 * A comparison C knows the answer to: an expression with itself, or an
 * unsigned value against 0 for `<` and `>=`. gcc warns; refused. Returns
 * false when reported.
 */
function tautology(ck: Checker, node: Node, op: string, a: ExprInfo, b: ExprInfo, ln: Node, rn: Node): boolean {
	const text = (n: Node) => n.getText().replace(/\s+/g, '');
	if (!(a.lit !== undefined && b.lit !== undefined) && text(ln) === text(rn)) {
		const v = op === '===' || op === '<=' || op === '>=';
		ck.report(node, 'KTS2018', node.getText(), v ? 'true' : 'false', 'it compares a value with itself');
		return false;
	}
	const unsigned = (i: ExprInfo) => i.type.kind === 'int' && !i.type.signed && i.lit === undefined;
	const always =
		(unsigned(a) && b.lit === 0n && (op === '<' || op === '>=')) || (unsigned(b) && a.lit === 0n && (op === '>' || op === '<='));
	if (always) {
		ck.report(node, 'KTS2018', node.getText(), op === '<' || op === '>' ? 'false' : 'true', `'${typeName(unsigned(a) ? a.type : b.type)}' is unsigned and never below 0`);
		return false;
	}
	return true;
}

function reprBigint(t: CType): boolean {
	return t.kind === 'int' && t.bits === 64;
}

function checkAssign(ck: Checker, node: import('ts-morph').BinaryExpression, op: string): ExprInfo {
	const ln = node.getLeft();
	const rn = node.getRight();
	const l = checkExpr(ck, ln);
	if (isErr(l)) {
		checkExpr(ck, rn);
		return { type: ERR };
	}
	if (!l.lvalue) {
		const what = ln.getText();
		if (l.outLocal) ck.report(ln, 'KTS2011', what, `write ${what}.set(value)`);
		else if (l.entity && l.entity.kind === 'const') ck.report(ln, 'KTS2011', what, 'it is a constant');
		else if (l.embedded) ck.report(ln, 'KTS2011', what, 'structs are not copied; assign their fields');
		else ck.report(ln, 'KTS2011', what, 'assign to a variable, a field or an element');
		checkExpr(ck, rn);
		return { type: ERR };
	}
	if (op === '=') {
		const r = checkExpr(ck, rn, { kind: 'implicit', type: l.type });
		if (isErr(r)) return { type: ERR };
		ck.assignable(rn, r, l.type);
		return { type: l.type };
	}
	const bop = COMPOUND[op];
	if (bop === '/') {
		ck.report(node.getOperatorToken(), 'KTS1012');
		return { type: ERR };
	}
	if (bop === '**') {
		ck.report(node.getOperatorToken(), 'KTS1010', "'**='", 'use a shift for powers of two');
		return { type: ERR };
	}
	const isShift = bop === '<<' || bop === '>>' || bop === '>>>';
	const r = checkExpr(ck, rn, isShift ? { kind: 'shift' } : { kind: 'operand', other: l.type });
	if (isErr(r)) return { type: ERR };
	const res = binaryResult(ck, node, bop, l, r, ln, rn, { kind: 'value' });
	if (isErr(res)) return res;
	ck.compoundType.set(node, res.type);
	// x op= y stores (x op y) back into x: that must keep the value.
	if (res.type.kind === 'int' && l.type.kind === 'int' && !sameType(res.type, l.type) && !isShift) {
		const narrower = promote(l.type).bits < res.type.bits || (promote(l.type).signed !== res.type.signed && !r.untyped);
		if (narrower && !r.untyped) {
			ck.report(node, 'KTS2002', typeName(res.type), typeName(l.type), ck.convName(l.type));
			return { type: ERR };
		}
	}
	return { type: l.type };
}

function checkIncDec(ck: Checker, operand: Expression, node: Node): ExprInfo {
	const i = checkExpr(ck, operand);
	if (isErr(i)) return i;
	if (!i.lvalue || (i.type.kind !== 'int' && i.type.kind !== 'enum')) {
		ck.report(node, 'KTS2006', '++/--', `'${typeName(i.type)}'`, 'increment an integer variable or field');
		return { type: ERR };
	}
	if (i.type.kind === 'int' && i.type.bitwise) {
		ck.report(node, 'KTS2005', i.type.name, "'++' is not defined for it");
		return { type: ERR };
	}
	return { type: i.type };
}

function checkPrefix(ck: Checker, node: import('ts-morph').PrefixUnaryExpression, want: Want): ExprInfo {
	const opk = node.getOperatorToken();
	const operand = node.getOperand();
	switch (opk) {
		case SyntaxKind.ExclamationToken: {
			const i = checkCondition(ck, operand);
			if (isErr(i)) return i;
			return { type: BOOL, lit: i.lit !== undefined ? (i.lit ? 0n : 1n) : undefined };
		}
		case SyntaxKind.PlusPlusToken:
		case SyntaxKind.MinusMinusToken:
			if (want.kind !== 'stmt') {
				ck.report(node, 'KTS1033');
				return { type: ERR };
			}
			return checkIncDec(ck, operand, node);
		case SyntaxKind.MinusToken: {
			// only a literal takes its type from the target: C negates
			// anything else in its own type (-(long)x, not (long)-x)
			const literal = Node.isNumericLiteral(operand) || Node.isBigIntLiteral(operand);
			const i = checkExpr(ck, operand, want.kind === 'implicit' && (literal || breakage.negateInTargetType) ? want : { kind: 'operand' });
			if (isErr(i)) return i;
			if (i.untyped && i.lit !== undefined) return { type: i.type, lit: -i.lit, untyped: true };
			const t = asArith(ck, operand, i, '-');
			if (!t) return { type: ERR };
			if (!promote(t).signed) {
				ck.report(node, 'KTS2006', '-', `the unsigned '${typeName(t)}'`, 'negating an unsigned value wraps in C; convert to a signed type first');
				return { type: ERR };
			}
			if (t.bitwise) {
				ck.report(node, 'KTS2005', t.name, "'-' is not defined for it");
				return { type: ERR };
			}
			if (i.lit !== undefined && !fits(-i.lit, promote(t))) {
				ck.report(node, 'KTS2019', node.getText(), typeName(promote(t)), String(-i.lit));
				return { type: ERR };
			}
			return { type: promote(t), lit: i.lit !== undefined ? -i.lit : undefined };
		}
		case SyntaxKind.PlusToken:
			ck.report(node, 'KTS1010', "unary '+'", 'remove it');
			return { type: ERR };
		case SyntaxKind.TildeToken: {
			const i = checkExpr(ck, operand, { kind: 'operand' });
			if (isErr(i)) return i;
			const t = asArith(ck, operand, i, '~');
			if (!t) return { type: ERR };
			const p = promote(t);
			// ~ on an unsigned 32/64-bit value is negative in Node: only as a mask.
			const parent = node.getParent();
			const masked =
				parent &&
				Node.isBinaryExpression(parent) &&
				['&', '&='].includes(parent.getOperatorToken().getText()) &&
				parent.getRight() === node;
			if (!p.signed && !masked && !t.bitwise) {
				ck.report(node, 'KTS2006', '~', `the unsigned '${typeName(t)}' outside a mask`, "write it as the right operand of '&' (x & ~mask), where Node and C agree");
				return { type: ERR };
			}
			if (t.bitwise && !masked) {
				ck.report(node, 'KTS2005', t.name, "'~' is accepted only in a mask: x & ~FLAG");
				return { type: ERR };
			}
			return { type: p };
		}
	}
	ck.report(node, 'KTS1010', describeNode(node), 'use the C operators of the subset');
	return { type: ERR };
}

function commonType(ck: Checker, node: Node, a: ExprInfo, b: ExprInfo, op: string): CType | undefined {
	if (a.type.kind === 'ptr' || b.type.kind === 'ptr') {
		if (a.type.kind === 'ptr' && b.type.kind === 'ptr') return a.lit === 0n ? b.type : a.type;
		ck.report(node, 'KTS2009', typeName(a.type), typeName(b.type), 'both branches must have one type');
		return undefined;
	}
	if (a.type.kind === 'bool' && b.type.kind === 'bool') return BOOL;
	if (a.type.kind === 'enum' && b.type.kind === 'enum' && a.type.name === b.type.name) return a.type;
	if (sameType(a.type, b.type)) return a.type;
	const r = arith(ck, node, op, a, b, node, node);
	return r;
}

export { ERR, isErr };
