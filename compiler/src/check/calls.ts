// Calls: kernel and kmod-src functions, function pointers, Out<T> get/set,
// integer conversions and the intrinsics the compiler lowers itself.
import { type CallExpression, type Expression, Node, SyntaxKind } from 'ts-morph';
import { BOOL, type CType, INT, intType, promote, sameType, typeName, usualArith, valuePreserving, wrapTo } from '../c/types.js';
import type { Checker } from './checker.js';
import { checkCondition, checkExpr, describeNode, type Want } from './exprs.js';
import { FormatError, mismatch, parseFormat } from './format.js';
import { type Adjust, type CallInfo, ERR, type ExprInfo, isErr } from './info.js';
import { type FuncEntity, jsDocTags } from './model.js';
import { breakage } from '../breakage.js';

const ERRI: ExprInfo = { type: ERR };

export function checkCall(ck: Checker, node: CallExpression, want: Want): ExprInfo {
	const callee = node.getExpression();
	const args = node.getArguments() as Expression[];
	if (node.getTypeArguments().length && !isPreludeCallee(ck, callee)) {
		ck.report(node, 'KTS1007');
		return ERRI;
	}
	// Out<T> methods: x.get(), x.set(v)
	if (Node.isPropertyAccessExpression(callee)) {
		const name = callee.getName();
		if (name === 'get' || name === 'set') {
			const base = checkExpr(ck, callee.getExpression());
			if (isErr(base)) return ERRI;
			const outOf = base.outLocal ? base.local!.type : base.type.kind === 'ptr' && base.type.view === 'out' ? base.type.to : undefined;
			if (outOf) {
				ck.exprInfo.set(callee, { type: base.type });
				if (name === 'get') {
					ck.callInfo.set(node, { adjust: [], outMethod: 'get' });
					return { type: outOf, lvalue: false };
				}
				if (want.kind !== 'stmt') {
					ck.report(node, 'KTS1033');
					return ERRI;
				}
				const v = checkExpr(ck, args[0], { kind: 'implicit', type: outOf });
				if (!isErr(v)) ck.assignable(args[0], v, outOf);
				ck.callInfo.set(node, { adjust: ['none'], outMethod: 'set' });
				return { type: { kind: 'void', name: 'void' } };
			}
		}
	}
	let ent: FuncEntity | undefined;
	if (Node.isIdentifier(callee)) {
		const decl = ck.model.declOf(callee);
		const e = decl && !ck.locals.has(decl) ? ck.model.entityOf(decl) : undefined;
		if (e && e.kind === 'intconv') return checkConversion(ck, node, e, want);
		if (e && e.kind === 'func') ent = e;
	}
	if (ent) {
		ck.exprInfo.set(callee, { type: ent.type, entity: ent });
		if (ent.intrinsic) return checkIntrinsic(ck, node, ent, want);
		if (ent.iterator) {
			ck.report(node, 'KTS1022', 'of', '');
			return ERRI;
		}
		if (!checkArgs(ck, node, ent.type.params, ent, args)) return ERRI;
		if (jsDocTags(ent.node).has('bitop') && !checkBitNumber(ck, ent, args[0], args[1])) return ERRI;
		if (jsDocTags(ent.node).has('err_ptr') && !checkErrPtrUse(ck, node, ent)) return ERRI;
		return { type: ent.type.ret };
	}
	// A call through a function pointer (a field such as mddev->pers->quiesce).
	const f = checkExpr(ck, callee);
	if (isErr(f)) return ERRI;
	if (f.type.kind !== 'func') {
		ck.report(callee, 'KTS2006', '()', `'${typeName(f.type)}'`, 'call a function');
		return ERRI;
	}
	const info: CallInfo = { adjust: [], indirect: true };
	ck.callInfo.set(node, info);
	return checkArgs(ck, node, f.type.params, undefined, args, info) ? { type: f.type.ret } : ERRI;
}

/**
 * A function tagged @err_ptr returns a pointer or ERR_PTR(-errno): its
 * result goes into a local that the very next statement tests with
 * IS_ERR() (or IS_ERR_OR_NULL()), or straight back out of a function
 * that is @err_ptr itself. Anything else could use an error as a pointer.
 */
function checkErrPtrUse(ck: Checker, node: CallExpression, ent: FuncEntity): boolean {
	const name = ent.name;
	let p: Node | undefined = node.getParent();
	while (p && (Node.isParenthesizedExpression(p) || Node.isNonNullExpression(p))) p = p.getParent();
	if (p && Node.isReturnStatement(p)) {
		const fn = p.getFirstAncestor((a) => Node.isFunctionDeclaration(a));
		if (fn && jsDocTags(fn).has('err_ptr')) return true;
		ck.report(node, 'KTS2021', name, 'returned from a function that is not tagged @err_ptr, its callers would not test it');
		return false;
	}
	let local: string | undefined;
	let stmt: Node | undefined;
	if (p && Node.isVariableDeclaration(p) && p.getInitializer() === node) {
		local = p.getName();
		stmt = p.getParent()?.getParent();
	} else if (p && Node.isBinaryExpression(p) && p.getOperatorToken().getText() === '=' && p.getRight() === node && Node.isIdentifier(p.getLeft())) {
		local = p.getLeft().getText();
		stmt = p.getParent();
	}
	if (!local || !stmt || !(Node.isVariableStatement(stmt) || Node.isExpressionStatement(stmt))) {
		ck.report(node, 'KTS2021', name, 'store it in a local and test that with IS_ERR() first');
		return false;
	}
	const next = stmt.getNextSibling();
	const tested =
		!!next &&
		Node.isIfStatement(next) &&
		next
			.getExpression()
			.getDescendantsOfKind(SyntaxKind.CallExpression)
			.concat(Node.isCallExpression(next.getExpression()) ? [next.getExpression().asKindOrThrow(SyntaxKind.CallExpression)] : [])
			.some((c) => ['IS_ERR', 'IS_ERR_OR_NULL'].includes(c.getExpression().getText()) && c.getArguments()[0]?.getText() === local);
	if (!tested) {
		ck.report(node, 'KTS2021', name, `the statement after it must be 'if (IS_ERR(${local}))'`);
		return false;
	}
	return true;
}

/** Bits in an unsigned long on every kernel ktsc's C builds for (32-bit ones too). */
const BITS_PER_LONG = 32n;

/**
 * set_bit(nr, addr) and the other bit operations: a bit number must be
 * inside what `addr` holds. A Bits is one unsigned long of flags: its bit
 * numbers are constants below BITS_PER_LONG. A Bitmap holds its declared
 * size: a constant past it is rejected; a computed one is bounded by the
 * code (the simulator checks it at run time).
 */
function checkBitNumber(ck: Checker, ent: FuncEntity, nrNode: Expression, addrNode: Expression): boolean {
	const nr = ck.info(nrNode);
	const addr = ck.info(addrNode);
	const call = `${ent.name}(${nrNode.getText()}, ...)`;
	if (addr.type.kind === 'array' && addr.type.bitmap) {
		const size = addr.type.bitmap;
		if (nr.lit === undefined || size.value === undefined || nr.lit < size.value) return true;
		ck.report(nrNode, 'KTS2016', call, `bit ${nr.lit} is past the end of a bitmap of ${size.value} bits`, 'use a bit number below the bitmap\'s size');
		return false;
	}
	const constant = nr.lit !== undefined || nr.entity?.kind === 'const' || nr.entity?.kind === 'enummember';
	if (!constant) {
		ck.report(nrNode, 'KTS2016', call, `'${nrNode.getText()}' is computed, and a Bits is a single unsigned long`, 'declare the field as a bitmap of the size the index needs: `dirty = new Bitmap(PAGE_SECTORS)`');
		return false;
	}
	if (nr.lit !== undefined && (nr.lit < 0n || nr.lit >= BITS_PER_LONG)) {
		ck.report(nrNode, 'KTS2016', call, `bit ${nr.lit} is not in an unsigned long (${BITS_PER_LONG} bits on 32-bit kernels)`, 'use a Bitmap for more flags');
		return false;
	}
	return true;
}

function isPreludeCallee(ck: Checker, callee: Node): boolean {
	if (!Node.isIdentifier(callee)) return false;
	const d = ck.model.declOf(callee);
	return !!d && ck.model.isPrelude(d);
}

/** Check arguments against parameters; record address-of adjustments. */
function checkArgs(
	ck: Checker,
	node: CallExpression,
	params: { name: string; type: CType }[],
	ent: FuncEntity | undefined,
	args: Expression[],
	info: CallInfo = { callee: ent, adjust: [] },
): boolean {
	ck.callInfo.set(node, info);
	const fmtIndex = ent ? formatIndex(ck, ent) : undefined;
	let ok = true;
	const fixed = fmtIndex !== undefined ? fmtIndex + 1 : params.length;
	if (args.length < fixed || (fmtIndex === undefined && args.length > params.length)) {
		// TypeScript reports the count; make sure nothing is lowered.
		return false;
	}
	for (const [i, a] of args.entries()) {
		if (i >= fixed) break;
		const p = params[i];
		const adj = checkArg(ck, a, p.type, ent);
		info.adjust[i] = adj ?? 'none';
		if (adj === undefined) ok = false;
	}
	if (fmtIndex !== undefined && ent) ok = checkFormat(ck, node, ent, fmtIndex, args, info) && ok;
	return ok;
}

function formatIndex(ck: Checker, ent: FuncEntity): number | undefined {
	const tag = jsDocTags(ent.node).get('format');
	void ck;
	return tag === undefined ? undefined : Number(tag);
}

/** One argument; returns the adjustment, or undefined after a diagnostic. */
function checkArg(ck: Checker, a: Expression, to: CType, ent: FuncEntity | undefined): Adjust | undefined {
	// A macro taking an object by name: wait_event(pctl->wait, ...)
	if (ent?.macro && (to.kind === 'struct' || to.kind === 'opaque')) {
		const i = checkExpr(ck, a, { kind: 'value' });
		if (isErr(i)) return undefined;
		if (!i.embedded || !sameType(i.type, to)) {
			ck.report(a, 'KTS2009', typeName(to), typeName(i.type), `${ent.name}() takes the object itself`);
			return undefined;
		}
		return 'none';
	}
	// Macro conditions: wait_event(wq, () => cond)
	if (to.kind === 'func' && to.params.length === 0 && to.ret.kind === 'bool' && ent?.macro) {
		if (!Node.isArrowFunction(a) || a.getParameters().length || !Node.isExpression(a.getBody())) {
			ck.report(a, 'KTS3004', ent.name);
			return undefined;
		}
		const c = checkCondition(ck, a.getBody() as Expression);
		ck.exprInfo.set(a, { type: BOOL });
		return isErr(c) ? undefined : 'cond-macro';
	}
	const i = checkExpr(ck, a, { kind: 'implicit', type: to });
	if (isErr(i)) return undefined;
	if (!ck.assignable(a, i, to, 'argument')) return undefined;
	if (to.kind === 'ptr' && (i.embedded || i.outLocal) && i.type.kind !== 'array') return 'address';
	return 'none';
}

function checkFormat(ck: Checker, node: CallExpression, ent: FuncEntity, fmtIndex: number, args: Expression[], info: CallInfo): boolean {
	const fmtNode = args[fmtIndex];
	// A format that is already wrong (a string built with +) was reported.
	if (fmtNode && !(Node.isStringLiteral(fmtNode) || Node.isNoSubstitutionTemplateLiteral(fmtNode)) && isErr(checkExpr(ck, fmtNode))) return false;
	if (!fmtNode || !(Node.isStringLiteral(fmtNode) || Node.isNoSubstitutionTemplateLiteral(fmtNode))) {
		ck.report(fmtNode ?? node, 'KTS3003', ent.name);
		return false;
	}
	let convs;
	try {
		convs = parseFormat(fmtNode.getLiteralValue());
	} catch (e) {
		if (e instanceof FormatError) {
			ck.report(fmtNode, 'KTS3002', e.message, 'see Documentation/core-api/printk-formats.rst');
			return false;
		}
		throw e;
	}
	const rest = args.slice(fmtIndex + 1);
	const expected = convs.reduce((n, c) => n + 1 + c.star, 0);
	if (rest.length !== expected) {
		ck.report(node, 'KTS3002', `'${fmtNode.getLiteralValue().replace(/\n/g, '\\n')}' takes ${expected} argument${expected === 1 ? '' : 's'}, ${rest.length} given`, 'give one argument per conversion');
		for (const a of rest) checkExpr(ck, a);
		return false;
	}
	let ok = true;
	let k = 0;
	for (const c of convs) {
		for (let s = 0; s < c.star; s++) {
			const a = rest[k++];
			const i = checkExpr(ck, a);
			info.adjust[fmtIndex + k] = 'none';
			if (!isErr(i) && !(i.type.kind === 'int' && promote(i.type) === INT) && !i.untyped) {
				ck.report(a, 'KTS3002', `'*' needs an int, not '${typeName(i.type)}'`, 'convert with int(...)');
				ok = false;
			}
		}
		const a = rest[k++];
		const i = checkExpr(ck, a, c.kind === 'str' ? { kind: 'implicit', type: { kind: 'ptr', to: intType('char')!, view: 'str' } } : { kind: 'value' });
		info.adjust[fmtIndex + k] = 'none';
		if (isErr(i)) {
			ok = false;
			continue;
		}
		const why = mismatch(c, i.type, !!i.untyped);
		if (why) {
			ck.report(a, 'KTS3002', why, 'match the conversion to the argument\'s C type');
			ok = false;
		}
	}
	return ok;
}

/** u32(x), ulong(x), ...: explicit conversions. */
function checkConversion(ck: Checker, node: CallExpression, conv: { target: CType }, want: Want): ExprInfo {
	const args = node.getArguments() as Expression[];
	const to = conv.target;
	if (args.length !== 1) {
		ck.report(node, 'KTS2013');
		return ERRI;
	}
	const a = checkExpr(ck, args[0], { kind: 'operand' });
	if (isErr(a)) return ERRI;
	const from = a.type;
	if (to.kind !== 'int') return ERRI;
	if (from.kind === 'bool' || from.kind === 'ptr' || (from.kind === 'int' && from.bitwise) || to.bitwise) {
		ck.report(node, 'KTS2009', 'an integer', typeName(from), 'convert integers only');
		return ERRI;
	}
	if (from.kind === 'int' && from.name === to.name && !a.untyped) {
		ck.report(node, 'KTS2014', `${ck.convName(to)}(${typeName(from)})`);
		return ERRI;
	}
	// A literal converted is the literal C's conversion gives: u8(300) is
	// 44; so is a named constant whose value the conversion changes.
	const lit = a.lit === undefined ? undefined : wrapTo(a.lit, to);
	const literal = a.untyped || (Node.isCallExpression(args[0]) && ck.convInfo.get(args[0])?.lit !== undefined);
	if (lit !== undefined && (literal || lit !== a.lit)) {
		ck.convInfo.set(node, { target: to, cast: false, lit });
		return { type: to, lit };
	}
	// Does C need the cast written out? Not where it would convert the
	// same way itself: a widening (the value is kept, whatever C converts
	// it to next), or an assignment to the very type.
	const fromInt = from.kind === 'int' ? from : INT;
	const widening = a.untyped || valuePreserving(fromInt, to);
	// (where only the value matters, a constant whose value fits keeps it too)
	const keepsValue = widening || (lit !== undefined && lit === a.lit);
	let cast = true;
	if (want.kind === 'implicit') cast = !(keepsValue || (want.type.kind === 'int' && sameType(want.type, to)) || breakage.dropNarrowingCasts);
	else if (want.kind === 'shift') cast = !keepsValue;
	// an operand: its type decides the other's conversion, so the operand
	// without the cast must convert the same way (0ULL >> n is no s64 0)
	// (an int constant such as a #define: any other type it meets takes
	// it by value)
	else if (
		(widening || (keepsValue && fromInt.signed && fromInt.bits <= 32 && lit! >= 0n)) &&
		want.kind === 'operand' &&
		want.other &&
		want.other.kind === 'int' &&
		sameType(usualArith(to, want.other), want.other) &&
		sameType(usualArith(fromInt, want.other), want.other)
	)
		cast = false;
	ck.convInfo.set(node, { target: to, cast });
	return { type: to, lit };
}

const alloc = new Set(['kzalloc', 'kcalloc']);

function typeToken(ck: Checker, a: Expression | undefined, name: string): CType | undefined {
	if (!a) return undefined;
	if (Node.isIdentifier(a)) {
		const st = ck.model.structs.get(a.getText());
		if (st && ck.model.declOf(a) === st.node) return st.type;
		const it = intType(a.getText());
		if (it) return it;
	}
	if (Node.isCallExpression(a) && a.getExpression().getText() === 'ptr_to') {
		const inner = typeToken(ck, a.getArguments()[0] as Expression, name);
		return inner && { kind: 'ptr', to: inner, view: 'struct', nullable: true };
	}
	// TypeScript's signature of the intrinsic admits only type tokens.
	throw new Error(`internal: ${name}() got '${a.getText()}' as a type`);
}

/** `cmpxchg(mem, i, old, new)`: compare-and-exchange of one integer element of memory. */
function checkCmpxchgElement(ck: Checker, args: Expression[]): ExprInfo {
	const base = checkExpr(ck, args[0]);
	const idx = checkExpr(ck, args[1], { kind: 'operand' });
	if (isErr(base) || isErr(idx)) return ERRI;
	const t = base.type;
	const elem = t.kind === 'ptr' && t.view === 'mem' && !t.constTarget ? t.to : t.kind === 'array' ? t.of : undefined;
	if (!elem || (elem.kind !== 'int' && elem.kind !== 'enum')) {
		ck.report(args[0], 'KTS2006', 'cmpxchg()', `'${typeName(t)}'`, "exchange an integer element of a Mem<T> or an Arr<T, N>, or a field: cmpxchg(p, 'field', old, new)");
		return ERRI;
	}
	if (idx.type.kind !== 'int' && idx.type.kind !== 'enum') {
		ck.report(args[1], 'KTS2009', 'an integer index', typeName(idx.type), 'index with an integer');
		return ERRI;
	}
	for (const v of args.slice(2)) {
		const i = checkExpr(ck, v, { kind: 'implicit', type: elem });
		if (isErr(i) || !ck.assignable(v, i, elem)) return ERRI;
	}
	return { type: elem };
}

/**
 * An allocation stored straight into a void * would be sized
 * sizeof(*p), one byte, in the kernel's idiom (checkpatch asks for it):
 * refused, the object goes into a typed pointer first.
 */
function allocTarget(ck: Checker, node: CallExpression, want: Want, t: CType): boolean {
	if (want.kind !== 'implicit' || want.type.kind !== 'ptr' || want.type.view !== 'void') return true;
	ck.report(node, 'KTS2009', `${typeName(t)} *`, 'void *', 'allocate into a Ptr<T> first, then store that: sizeof(*p) of a void * is 1 byte');
	return false;
}

/** sizeof(*p) is the allocation's size only if p points to the type allocated. */
function allocSize(want: Want, t: CType): 'target' | 'type' {
	return want.kind === 'implicit' && !(want.type.kind === 'ptr' && sameType(want.type.to, t)) ? 'type' : 'target';
}

function checkIntrinsic(ck: Checker, node: CallExpression, ent: FuncEntity, want: Want): ExprInfo {
	const args = node.getArguments() as Expression[];
	const name = ent.intrinsic!;
	const info: CallInfo = { callee: ent, intrinsic: name, adjust: args.map(() => 'none') };
	ck.callInfo.set(node, info);
	switch (name) {
		case 'local':
			ck.report(node, 'KTS1010', 'local() outside a const declaration', "write 'const x = local<T>(init);'");
			return ERRI;
		case 'ptr_to':
			ck.report(node, 'KTS1010', 'ptr_to() outside kcalloc()', 'use it as the element type of kcalloc()');
			return ERRI;
		case 'div': {
			if (args.length !== 2) return ERRI;
			const a = checkExpr(ck, args[0], { kind: 'operand' });
			const b = checkExpr(ck, args[1], { kind: 'operand' });
			if (isErr(a) || isErr(b)) return ERRI;
			if (a.type.kind !== 'int' || b.type.kind !== 'int' || a.type.bits === 64 || b.type.bits === 64) {
				ck.report(node, 'KTS2009', 'integers of up to 32 bits', `${typeName(a.type)}, ${typeName(b.type)}`, 'use div_u64() / div64_u64() for 64-bit values');
				return ERRI;
			}
			if (a.type.signed !== b.type.signed && !a.untyped && !b.untyped) {
				ck.report(node, 'KTS2003', typeName(a.type.signed ? a.type : b.type), typeName(a.type.signed ? b.type : a.type), '/');
				return ERRI;
			}
			const t = a.untyped ? promote(b.type) : b.untyped ? promote(a.type) : usualArith(a.type, b.type);
			return { type: t };
		}
		case 'kzalloc': {
			const t = typeToken(ck, args[0], name);
			const g = args[1] && checkExpr(ck, args[1], { kind: 'implicit', type: intType('gfp_t')! });
			if (!t || !g || isErr(g)) return ERRI;
			ck.assignable(args[1], g, intType('gfp_t')!);
			if (!allocTarget(ck, node, want, t)) return ERRI;
			info.allocSize = allocSize(want, t);
			return { type: { kind: 'ptr', to: t, view: 'struct', nullable: true } };
		}
		case 'kcalloc': {
			const n = checkExpr(ck, args[0], { kind: 'implicit', type: intType('size_t')! });
			const t = typeToken(ck, args[1], name);
			const g = args[2] && checkExpr(ck, args[2], { kind: 'implicit', type: intType('gfp_t')! });
			if (isErr(n) || !t || !g || isErr(g)) return ERRI;
			ck.assignable(args[0], n, intType('size_t')!);
			ck.assignable(args[2], g, intType('gfp_t')!);
			if (!allocTarget(ck, node, want, t)) return ERRI;
			info.allocSize = allocSize(want, t);
			return { type: { kind: 'ptr', to: t, view: 'mem', nullable: true } };
		}
		case 'container_of': {
			const p = checkExpr(ck, args[0]);
			const t = typeToken(ck, args[1], name);
			const f = args[2];
			if (isErr(p) || !t) return ERRI;
			if (!f || !Node.isStringLiteral(f) || t.kind !== 'struct') {
				ck.report(f ?? node, 'KTS3009', 'container_of');
				return ERRI;
			}
			ck.exprInfo.set(f, { type: INT });
			const field = t.fields.get(f.getLiteralValue());
			if (!field) {
				ck.report(f, 'KTS3001', f.getLiteralValue(), ` in ${t.cname}`);
				return ERRI;
			}
			return { type: { kind: 'ptr', to: t, view: 'struct' } };
		}
		case 'cmpxchg':
			if (args[1] && !Node.isStringLiteral(args[1])) return checkCmpxchgElement(ck, args);
		// falls through: cmpxchg(p, 'field', old, new)
		case 'WRITE_ONCE':
		case 'READ_FIELD_ONCE': {
			const obj = args[0] && checkExpr(ck, args[0]);
			const f = args[1];
			if (!obj || isErr(obj)) return ERRI;
			const st = obj.type.kind === 'ptr' && obj.type.to.kind === 'struct' ? obj.type.to : obj.type.kind === 'struct' ? obj.type : undefined;
			if (!st || !f || !Node.isStringLiteral(f)) {
				ck.report(f ?? node, 'KTS3009', ent.name);
				return ERRI;
			}
			ck.exprInfo.set(f, { type: INT });
			const field = st.fields.get(f.getLiteralValue());
			if (!field) {
				ck.report(f, 'KTS3001', f.getLiteralValue(), ` in ${st.cname}`);
				return ERRI;
			}
			for (const v of args.slice(2)) {
				const i = checkExpr(ck, v, { kind: 'implicit', type: field.type });
				if (isErr(i) || !ck.assignable(v, i, field.type)) return ERRI;
			}
			if (name === 'WRITE_ONCE' && want.kind !== 'stmt') {
				ck.report(node, 'KTS1033');
				return ERRI;
			}
			return { type: name === 'WRITE_ONCE' ? { kind: 'void', name: 'void' } : field.type };
		}
		case 'READ_ONCE': {
			const a = checkExpr(ck, args[0]);
			if (isErr(a)) return ERRI;
			if (!a.lvalue) {
				ck.report(args[0], 'KTS2009', 'a variable or field', describeNode(args[0]), 'READ_ONCE() reads memory');
				return ERRI;
			}
			return { type: a.type };
		}
		case 'offsetof': {
			const t = typeToken(ck, args[0], name);
			const f = args[1];
			if (!t) return ERRI;
			if (!f || !Node.isStringLiteral(f) || t.kind !== 'struct' || !t.fields.has(f.getLiteralValue())) {
				ck.report(f ?? node, 'KTS3013');
				return ERRI;
			}
			ck.exprInfo.set(f, { type: INT });
			return { type: intType('size_t')! };
		}
		case 'sizeof': {
			const t = typeToken(ck, args[0], name);
			return t ? { type: intType('size_t')! } : ERRI;
		}
		case 'min':
		case 'max': {
			const a = checkExpr(ck, args[0], { kind: 'operand' });
			const b = checkExpr(ck, args[1], { kind: 'operand' });
			if (isErr(a) || isErr(b)) return ERRI;
			if (a.type.kind !== 'int' || b.type.kind !== 'int') {
				ck.report(node, 'KTS2009', 'integers', `${typeName(a.type)}, ${typeName(b.type)}`, `${name}() compares integers`);
				return ERRI;
			}
			if (!a.untyped && !b.untyped && !sameType(a.type, b.type)) {
				ck.report(node, 'KTS2009', typeName(a.type), typeName(b.type), `${name}() needs both arguments of one type; convert one`);
				return ERRI;
			}
			return { type: a.untyped ? b.type : a.type };
		}
		case 'file_macro':
			ck.report(node, 'KTS1030', `${ent.name}() inside a function`);
			return ERRI;
		default: {
			// Intrinsics whose checking is an ordinary call's.
			return checkArgs(ck, node, ent.type.params, ent, args, info) ? { type: ent.type.ret } : ERRI;
		}
	}
}

export { alloc };
