// Expressions: TypeScript nodes plus the checker's decisions -> C AST.
import { type CallExpression, type Expression, Node, SyntaxKind } from 'ts-morph';
import * as C from '../c/ast.js';
import { type CType, INT_TYPES, type IntType } from '../c/types.js';
import type { Adjust } from '../check/info.js';
import type { Lowerer } from './lowerer.js';
import { breakage } from '../breakage.js';

const BINOP: Record<string, C.BinaryOp> = {
	'+': '+',
	'-': '-',
	'*': '*',
	'%': '%',
	'<<': '<<',
	'>>': '>>',
	'>>>': '>>',
	'&': '&',
	'|': '|',
	'^': '^',
	'&&': '&&',
	'||': '||',
	'<': '<',
	'>': '>',
	'<=': '<=',
	'>=': '>=',
	'===': '==',
	'!==': '!=',
};

const ASSIGNOP: Record<string, C.AssignOp> = {
	'=': '=',
	'+=': '+=',
	'-=': '-=',
	'*=': '*=',
	'%=': '%=',
	'<<=': '<<=',
	'>>=': '>>=',
	'>>>=': '>>=',
	'&=': '&=',
	'|=': '|=',
	'^=': '^=',
};

const INT_MAX = (1n << 31n) - 1n;
const UINT_MAX = (1n << 32n) - 1n;

/** C literal text for a TS integer literal, with the suffix C needs. */
export function literalText(text: string, value: bigint, type: CType | undefined, shiftLeft: boolean, isBig: boolean): string {
	const t = text.replace(/_/g, '').replace(/n$/, '');
	let digits: string;
	if (/^0[oO]/.test(t)) digits = '0' + t.slice(2);
	else if (/^0[bB]/.test(t)) digits = '0x' + value.toString(16);
	else digits = t;
	if (value < 0n) return digits;
	let suffix = '';
	const it = type && type.kind === 'int' ? type : undefined;
	if (shiftLeft && isBig) suffix = it && it.std === 'unsigned long long' ? 'ULL' : 'UL';
	else if (value > INT_MAX) {
		if (it && it.bits === 64) suffix = it.std.includes('long long') ? (it.signed ? 'LL' : 'ULL') : it.signed ? 'L' : 'UL';
		else suffix = value > UINT_MAX ? 'ULL' : 'U';
	}
	return digits + suffix;
}

/**
 * A negative literal `-text` of value `value`: C reads it as minus a
 * positive literal, whose suffix must keep it signed (`-2147483648U` is a
 * large unsigned number), and the most negative int and 64-bit values have
 * no literal at all (2147483648 is no int, 9223372036854775808 no long
 * long): they are the limits.h names.
 */
function negativeLiteral(lw: Lowerer, text: string, value: bigint, type: CType | undefined): C.Expr {
	const it = type && type.kind === 'int' ? type : undefined;
	const magnitude = -value;
	// (INT_MIN is an int: in a 64-bit type -2147483648L is a literal)
	const limit = value === -(1n << 63n) ? (it?.std === 'long' ? 'LONG_MIN' : 'LLONG_MIN') : value === -(1n << 31n) && !(it && it.bits === 64) ? 'INT_MIN' : undefined;
	if (limit) {
		lw.headers.add('linux/limits.h');
		return C.id(limit);
	}
	const digits = literalText(text, magnitude, undefined, false, false).replace(/U?L*$/, '');
	// a 64-bit one keeps its type: -1L, not the int -1 (-1 >> 40 would shift an int)
	if (magnitude <= INT_MAX) return C.num(`-${digits}${it && it.bits === 64 && !breakage.negativeLiteralUntyped ? typedSuffix(it, magnitude) : ''}`);
	return C.num(`-${digits}${it?.std === 'long long' ? 'LL' : 'L'}`);
}

/** Is the value of `node` only tested for truth (if/while/for/!/&&/||)? */
function isCondition(node: Node): boolean {
	const p = node.getParent();
	if (!p) return false;
	if (Node.isIfStatement(p) || Node.isWhileStatement(p) || Node.isDoStatement(p)) return p.getExpression() === node;
	if (Node.isForStatement(p)) return p.getCondition() === node;
	if (Node.isParenthesizedExpression(p)) return isCondition(p);
	if (Node.isBinaryExpression(p) && ['&&', '||'].includes(p.getOperatorToken().getText())) return true;
	if (Node.isPrefixUnaryExpression(p) && p.getOperatorToken() === SyntaxKind.ExclamationToken) return true;
	return false;
}

/** The suffix that gives a literal the C type `t` (or one as wide). */
export function typedSuffix(t: CType, value: bigint): string {
	if (t.kind !== 'int' || value > INT_MAX) return '';
	if (t.bits === 64) return t.std.includes('long long') ? (t.signed ? 'LL' : 'ULL') : t.signed ? 'L' : 'UL';
	return t.signed || t.bits < 32 ? '' : 'U';
}

function isBigLiteral(node: Node): boolean {
	return node.getKind() === SyntaxKind.BigIntLiteral;
}

export function lowerExpr(lw: Lowerer, node: Expression): C.Expr {
	const ck = lw.ck;
	const info = ck.exprInfo.get(node);
	switch (node.getKind()) {
		case SyntaxKind.NumericLiteral:
		case SyntaxKind.BigIntLiteral: {
			const parent = node.getParent();
			const shiftLeft =
				!!parent && Node.isBinaryExpression(parent) && parent.getOperatorToken().getText() === '<<' && parent.getLeft() === node;
			return C.num(literalText(node.getText(), info?.lit ?? 0n, info?.type, shiftLeft, isBigLiteral(node)));
		}
		case SyntaxKind.TrueKeyword:
			return C.id('true');
		case SyntaxKind.FalseKeyword:
			return C.id('false');
		case SyntaxKind.NullKeyword:
			return C.id('NULL');
		case SyntaxKind.StringLiteral:
		case SyntaxKind.NoSubstitutionTemplateLiteral:
			return { k: 'str', value: (node as import('ts-morph').StringLiteral).getLiteralValue() };
		case SyntaxKind.Identifier: {
			if (info?.local) return C.id(info.local.name, lw.pos(node));
			const ent = info?.entity;
			lw.useEntity(ent);
			return C.id(ent ? ent.cname : node.getText(), lw.pos(node));
		}
		case SyntaxKind.ParenthesizedExpression:
			return { k: 'paren', e: lowerExpr(lw, node.asKindOrThrow(SyntaxKind.ParenthesizedExpression).getExpression()) };
		case SyntaxKind.NonNullExpression:
			return lowerExpr(lw, node.asKindOrThrow(SyntaxKind.NonNullExpression).getExpression());
		case SyntaxKind.AsExpression:
			return lowerExpr(lw, node.asKindOrThrow(SyntaxKind.AsExpression).getExpression());
		case SyntaxKind.PropertyAccessExpression: {
			const pa = node.asKindOrThrow(SyntaxKind.PropertyAccessExpression);
			if (info?.entity?.kind === 'enummember') {
				lw.useEntity(info.entity);
				return C.id(info.entity.cname);
			}
			const base = ck.info(pa.getExpression());
			const arrow = base.type.kind === 'ptr';
			return { k: 'member', e: lowerExpr(lw, pa.getExpression()), name: pa.getName(), arrow };
		}
		case SyntaxKind.ElementAccessExpression: {
			const ea = node.asKindOrThrow(SyntaxKind.ElementAccessExpression);
			return { k: 'index', e: lowerExpr(lw, ea.getExpression()), i: lowerExpr(lw, ea.getArgumentExpressionOrThrow()) };
		}
		case SyntaxKind.CallExpression:
			return lowerCall(lw, node.asKindOrThrow(SyntaxKind.CallExpression));
		case SyntaxKind.BinaryExpression: {
			const be = node.asKindOrThrow(SyntaxKind.BinaryExpression);
			const op = be.getOperatorToken().getText();
			if (op in ASSIGNOP)
				return { k: 'assign', op: ASSIGNOP[op], l: lowerExpr(lw, be.getLeft()), r: lowerValue(lw, be.getRight(), ck.info(be.getLeft()).type) };
			// x === null is !x; x !== null is x (or !!x as a value): kernel style.
			if ((op === '===' || op === '!==') && be.getRight().getKind() === SyntaxKind.NullKeyword) {
				const x = lowerExpr(lw, be.getLeft());
				if (op === '===') return { k: 'unary', op: '!', e: x };
				return isCondition(be) ? x : { k: 'unary', op: '!', e: { k: 'unary', op: '!', e: x } };
			}
			let l = lowerExpr(lw, be.getLeft());
			let r = lowerExpr(lw, be.getRight());
			// Comparing a pointer with a file-scope object: its address.
			if (op === '===' || op === '!==') {
				if (ck.info(be.getLeft()).embedded && ck.info(be.getRight()).type.kind === 'ptr') l = C.addr(l);
				if (ck.info(be.getRight()).embedded && ck.info(be.getLeft()).type.kind === 'ptr') r = C.addr(r);
			}
			return { k: 'binary', op: BINOP[op], l, r };
		}
		case SyntaxKind.PrefixUnaryExpression: {
			const pe = node.asKindOrThrow(SyntaxKind.PrefixUnaryExpression);
			const opMap: Partial<Record<SyntaxKind, C.UnaryOp>> = {
				[SyntaxKind.ExclamationToken]: '!',
				[SyntaxKind.TildeToken]: '~',
				[SyntaxKind.MinusToken]: '-',
				[SyntaxKind.PlusPlusToken]: '++',
				[SyntaxKind.MinusMinusToken]: '--',
			};
			const operand = pe.getOperand();
			// A negative literal stays one literal.
			if (pe.getOperatorToken() === SyntaxKind.MinusToken && (Node.isNumericLiteral(operand) || operand.getKind() === SyntaxKind.BigIntLiteral))
				return negativeLiteral(lw, operand.getText(), info?.lit ?? 0n, info?.type);
			return { k: 'unary', op: opMap[pe.getOperatorToken()]!, e: lowerExpr(lw, operand) };
		}
		case SyntaxKind.PostfixUnaryExpression: {
			const pe = node.asKindOrThrow(SyntaxKind.PostfixUnaryExpression);
			return { k: 'postfix', op: pe.getOperatorToken() === SyntaxKind.PlusPlusToken ? '++' : '--', e: lowerExpr(lw, pe.getOperand()) };
		}
		case SyntaxKind.ConditionalExpression: {
			const ce = node.asKindOrThrow(SyntaxKind.ConditionalExpression);
			return { k: 'cond', c: lowerExpr(lw, ce.getCondition()), t: lowerExpr(lw, ce.getWhenTrue()), f: lowerExpr(lw, ce.getWhenFalse()) };
		}
	}
	throw new Error(`internal: cannot lower ${node.getKindName()} (the checker should have rejected it)`);
}

/**
 * A value stored into `target` (assigned, returned, initialised): a
 * file-scope object or an embedded struct stored into a pointer is its
 * address.
 */
export function lowerValue(lw: Lowerer, node: Expression, target: CType): C.Expr {
	const e = lowerExpr(lw, node);
	const info = lw.ck.exprInfo.get(node);
	if (target.kind === 'ptr' && info && (info.embedded || info.outLocal) && info.type.kind !== 'array') return C.addr(e);
	return e;
}

/** An argument or value, adjusted as the checker decided. */
export function lowerArg(lw: Lowerer, node: Expression, adjust: Adjust): C.Expr {
	if (adjust === 'cond-macro') {
		const body = (node as import('ts-morph').ArrowFunction).getBody() as Expression;
		return lowerExpr(lw, body);
	}
	const e = lowerExpr(lw, node);
	return adjust === 'address' ? C.addr(e) : e;
}

/** The C expression a call's result is stored in, for sizeof(*lhs). */
function storedInto(lw: Lowerer, call: CallExpression): C.Expr | undefined {
	let p: Node | undefined = call.getParent();
	while (p && (Node.isParenthesizedExpression(p) || Node.isNonNullExpression(p) || Node.isAsExpression(p))) p = p.getParent();
	if (!p) return undefined;
	if (Node.isBinaryExpression(p) && p.getOperatorToken().getText() === '=') return lowerExpr(lw, p.getLeft());
	if (Node.isVariableDeclaration(p)) {
		const local = lw.ck.locals.get(p);
		if (local) return C.id(local.name);
	}
	return undefined;
}

function structTypeArg(lw: Lowerer, node: Expression): CType {
	const name = node.getText();
	const st = lw.ck.model.structs.get(name);
	if (st) {
		lw.useType(st.type);
		return st.type;
	}
	if (Node.isCallExpression(node) && node.getExpression().getText() === 'ptr_to') {
		return { kind: 'ptr', to: structTypeArg(lw, node.getArguments()[0] as Expression), view: 'struct' };
	}
	const it = INT_TYPES.get(name) ?? INT_TYPES.get(name === 'ulong' ? 'unsigned long' : name === 'uint' ? 'unsigned int' : name);
	return it as IntType;
}

export function lowerCall(lw: Lowerer, node: CallExpression): C.Expr {
	const ck = lw.ck;
	const pos = lw.pos(node);
	const args = node.getArguments() as Expression[];
	const conv = ck.convInfo.get(node);
	if (conv) {
		// A converted constant is a literal of that type: ulong(1) is 1UL,
		// u8(300) is 44, s8(200) is -56.
		if (conv.lit !== undefined && conv.target.kind === 'int') {
			const a = ck.exprInfo.get(args[0]);
			if (conv.lit < 0n) return negativeLiteral(lw, String(-conv.lit), conv.lit, conv.target);
			const text = a?.untyped && a.lit === conv.lit ? args[0].getText() : String(conv.lit);
			return C.num(literalText(text, conv.lit, conv.target, false, false) + typedSuffix(conv.target, conv.lit));
		}
		const inner = lowerExpr(lw, args[0]);
		return conv.cast ? { k: 'cast', type: conv.target, e: inner } : inner;
	}
	const info = ck.callInfo.get(node);
	if (!info) throw new Error(`internal: call '${node.getText().slice(0, 40)}' was not checked`);
	if (info.outMethod) {
		const pa = node.getExpression().asKindOrThrow(SyntaxKind.PropertyAccessExpression);
		const base = ck.info(pa.getExpression());
		const target = base.outLocal ? C.id(base.local!.name) : C.deref(lowerExpr(lw, pa.getExpression()));
		if (base.entity) lw.useEntity(base.entity);
		if (info.outMethod === 'get') return target;
		return { k: 'assign', op: '=', l: target, r: lowerExpr(lw, args[0]) };
	}
	const callee = info.callee;
	if (callee) lw.useEntity(callee);
	switch (info.intrinsic) {
		case 'div':
			return { k: 'binary', op: '/', l: lowerExpr(lw, args[0]), r: lowerExpr(lw, args[1]) };
		case 'min':
		case 'max':
			return C.call(info.intrinsic, [lowerExpr(lw, args[0]), lowerExpr(lw, args[1])], pos);
		case 'kzalloc': {
			const into = info.allocSize === 'target' ? storedInto(lw, node) : undefined;
			const size: C.Expr = into ? { k: 'sizeof_expr', e: C.deref(into) } : { k: 'sizeof_type', type: structTypeArg(lw, args[0]) };
			if (!into) structTypeArg(lw, args[0]);
			return C.call('kzalloc', [size, lowerExpr(lw, args[1])], pos);
		}
		case 'kcalloc': {
			const into = info.allocSize === 'target' ? storedInto(lw, node) : undefined;
			const size: C.Expr = into ? { k: 'sizeof_expr', e: C.deref(into) } : { k: 'sizeof_type', type: structTypeArg(lw, args[1]) };
			return C.call('kcalloc', [lowerExpr(lw, args[0]), size, lowerExpr(lw, args[2])], pos);
		}
		case 'sizeof':
			return { k: 'sizeof_type', type: structTypeArg(lw, args[0]) };
		case 'offsetof':
			return C.call('offsetof', [{ k: 'type_arg', type: structTypeArg(lw, args[0]) }, C.id((args[1] as import('ts-morph').StringLiteral).getLiteralValue())], pos);
		case 'container_of':
			lw.headers.add('linux/container_of.h');
			return C.call(
				'container_of',
				[lowerExpr(lw, args[0]), { k: 'type_arg', type: structTypeArg(lw, args[1]) }, C.id((args[2] as import('ts-morph').StringLiteral).getLiteralValue())],
				pos,
			);
		case 'cmpxchg':
			if (!Node.isStringLiteral(args[1])) {
				const elem: C.Expr = { k: 'index', e: lowerExpr(lw, args[0]), i: lowerExpr(lw, args[1]) };
				return C.call('cmpxchg', [C.addr(elem), ...args.slice(2).map((a) => lowerExpr(lw, a))], pos);
			}
		// falls through: cmpxchg(p, 'field', old, new)
		case 'WRITE_ONCE': {
			const base = ck.info(args[0]);
			const field: C.Expr = {
				k: 'member',
				e: lowerExpr(lw, args[0]),
				name: (args[1] as import('ts-morph').StringLiteral).getLiteralValue(),
				arrow: base.type.kind === 'ptr',
			};
			const rest = args.slice(2).map((a) => lowerExpr(lw, a));
			return C.call(info.intrinsic, [info.intrinsic === 'cmpxchg' ? C.addr(field) : field, ...rest], pos);
		}
	}
	const fn: C.Expr = info.indirect ? lowerExpr(lw, node.getExpression()) : C.id(callee!.cname);
	return C.call(fn, args.map((a, i) => lowerArg(lw, a, info.adjust[i] ?? 'none')), pos);
}
