// Statements and function bodies. Also plans where each local goes in C:
// the kernel builds with -Wdeclaration-after-statement, so declarations are
// hoisted to the top of their C block (a labelled cleanup block is not a C
// block: its body is flattened into the enclosing one).
import {
	type Block,
	type Expression,
	type FunctionDeclaration,
	Node,
	type Statement,
	SyntaxKind,
	type VariableDeclaration,
} from 'ts-morph';
import { type CType, typeName, sameType } from '../c/types.js';
import type { Checker } from './checker.js';
import { checkCondition, checkExpr, describeNode, isErr } from './exprs.js';
import type { LocalInfo } from './info.js';

export interface HoistedDecl {
	name: string;
	type: CType;
	node: VariableDeclaration;
	/** Keep the initialiser on the declaration (leading declarations). */
	initInline: boolean;
	/** A later declaration reusing this C variable. */
	alias?: boolean;
}

export interface FunctionPlan {
	/** C block (a Block node or the function) -> its hoisted declarations. */
	decls: Map<Node, HoistedDecl[]>;
	/** Declaration node -> its hoisted entry. */
	byNode: Map<Node, HoistedDecl>;
	/** Cleanup labels that some `break label` uses (only those get a C label). */
	usedLabels: Set<string>;
}

/** The C block a node's declarations belong to. */
export function cBlockOf(node: Node): Node {
	let n: Node | undefined = node.getParent();
	while (n) {
		if (Node.isBlock(n)) {
			const p = n.getParent();
			if (p && Node.isLabeledStatement(p)) {
				n = p.getParent();
				continue;
			}
			return n;
		}
		if (Node.isFunctionDeclaration(n)) return n;
		if (Node.isCaseClause(n) || Node.isDefaultClause(n)) return n;
		n = n.getParent();
	}
	throw new Error('internal: declaration outside a function');
}

/**
 * Nothing follows a cleanup block's label in C: it is the last statement
 * of its block, which is the function's, a case's or a plain block (a
 * cleanup block around it flattens away, so look past those).
 */
function endsCBlock(st: Node): boolean {
	const p = st.getParent();
	if (!p) return false;
	if (Node.isCaseClause(p) || Node.isDefaultClause(p)) return p.getStatements().at(-1) === st;
	if (!Node.isBlock(p) || p.getStatements().at(-1) !== st) return false;
	const outer = p.getParent();
	return outer && Node.isLabeledStatement(outer) ? endsCBlock(outer) : true;
}

function isLeadingDecl(stmt: Statement): boolean {
	const block = stmt.getParent();
	if (!block || !(Node.isBlock(block) || Node.isCaseClause(block) || Node.isDefaultClause(block))) return false;
	if (Node.isBlock(block) && block.getParent() && Node.isLabeledStatement(block.getParent()!)) return false;
	for (const s of block.getStatements()) {
		if (s === stmt) return true;
		if (!Node.isVariableStatement(s)) return false;
	}
	return false;
}

export function checkFunction(ck: Checker, fn: FunctionDeclaration, ret: CType, params: { name: string; type: CType }[]): void {
	const plan: FunctionPlan = { decls: new Map(), byNode: new Map(), usedLabels: new Set() };
	ck.plans.set(fn, plan);
	ck.fn = { ret, labels: [], seenLabels: new Set(), plan };
	for (const [i, p] of fn.getParameters().entries()) {
		const info: LocalInfo = { name: p.getName(), type: params[i]?.type ?? ret, outLocal: false, param: true, node: p };
		ck.locals.set(p, info);
	}
	const body = fn.getBody();
	if (body && Node.isBlock(body)) checkBlockBody(ck, body);
	ck.fn = undefined;
}

function checkBlockBody(ck: Checker, block: Block): void {
	for (const s of block.getStatements()) checkStmt(ck, s);
}

/** Where a TS declaration is visible: its block, or the for statement it starts. */
function tsScope(vd: VariableDeclaration): Node {
	const list = vd.getParentOrThrow();
	const owner = list.getParentOrThrow();
	if (Node.isForStatement(owner) || Node.isForOfStatement(owner)) return owner;
	return owner.getParentOrThrow();
}

function declare(ck: Checker, vd: VariableDeclaration, type: CType, outLocal: boolean, forInit: boolean): void {
	const plan = ck.fn!.plan;
	const cblock = forInit ? cBlockOf(vd.getParentOrThrow().getParentOrThrow()) : cBlockOf(vd);
	const list = plan.decls.get(cblock) ?? [];
	plan.decls.set(cblock, list);
	const name = vd.getName();
	const stmt = vd.getVariableStatement();

	ck.checkName(vd.getNameNode(), name);
	const initInline = !forInit && !!stmt && isLeadingDecl(stmt) && !!vd.getInitializer();
	const clash = list.find((d) => d.name === name && !d.alias);
	let entry: HoistedDecl;
	if (clash) {
		if (!sameType(clash.type, type)) ck.report(vd.getNameNode(), 'KTS2012', name, typeName(type), typeName(clash.type));
		else if (vd.getAncestors().includes(tsScope(clash.node))) ck.report(vd.getNameNode(), 'KTS2017', name);
		entry = { name, type, node: vd, initInline: false, alias: true };
	} else {
		// A parameter of the same name lives in the function's outermost block.
		const fnNode = vd.getFirstAncestorByKind(SyntaxKind.FunctionDeclaration);
		if (fnNode && cblock === fnNode.getBody() && fnNode.getParameters().some((p) => p.getName() === name))
			ck.report(vd.getNameNode(), 'KTS2012', name, typeName(type), 'a parameter');
		entry = { name, type, node: vd, initInline };
	}
	list.push(entry);
	plan.byNode.set(vd, entry);
	ck.locals.set(vd, { name, type, outLocal, param: false, node: vd });
}

function checkVarDecl(ck: Checker, vd: VariableDeclaration, forInit: boolean): void {
	const nameNode = vd.getNameNode();
	if (!Node.isIdentifier(nameNode)) {
		ck.report(nameNode, 'KTS1021');
		return;
	}
	const init = vd.getInitializer();
	const tn = vd.getTypeNode();
	// const x = local<ulong>(0n): a C scalar whose address can be taken.
	if (init && Node.isCallExpression(init) && Node.isIdentifier(init.getExpression())) {
		const ent = ck.model.resolve(init.getExpression());
		if (ent && ent.kind === 'func' && ent.intrinsic === 'local') {
			const targ = init.getTypeArguments()[0];
			const t = targ && ck.model.typeFromNode(targ);
			if (!t) {
				ck.report(init, 'KTS2001', `local() in '${vd.getName()}'`);
				return;
			}
			const a = init.getArguments()[0] as Expression | undefined;
			if (a) {
				const i = checkExpr(ck, a, { kind: 'implicit', type: t });
				if (!isErr(i)) ck.assignable(a, i, t);
			}
			ck.exprInfo.set(init.getExpression(), { type: t, entity: ent });
			ck.callInfo.set(init, { callee: ent, intrinsic: 'local', adjust: ['none'] });
			ck.exprInfo.set(init, { type: t });
			declare(ck, vd, t, true, forInit);
			return;
		}
	}
	let type: CType | undefined;
	if (tn) {
		type = ck.model.typeFromNode(tn);
		if (!type) return;
		if (init) {
			const i = checkExpr(ck, init, { kind: 'implicit', type });
			if (!isErr(i)) ck.assignable(init, i, type);
		}
	} else if (init) {
		const i = checkExpr(ck, init, { kind: 'value' });
		if (isErr(i)) return;
		if (i.untyped) {
			ck.report(nameNode, 'KTS2001', `'${vd.getName()}' (an integer)`);
			return;
		}
		if (i.type.kind === 'func' || i.type.kind === 'struct' || i.type.kind === 'array') {
			ck.report(nameNode, 'KTS2001', `'${vd.getName()}'`);
			return;
		}
		type = i.type;
	} else {
		ck.report(nameNode, 'KTS2001', `'${vd.getName()}'`);
		return;
	}
	declare(ck, vd, type, false, forInit);
}

function endsFlow(stmts: Statement[]): boolean {
	const last = stmts[stmts.length - 1];
	if (!last) return false;
	if (Node.isBreakStatement(last) || Node.isReturnStatement(last) || Node.isContinueStatement(last)) return true;
	if (Node.isBlock(last)) return endsFlow(last.getStatements());
	if (Node.isIfStatement(last)) {
		const e = last.getElseStatement();
		return !!e && endsFlow([last.getThenStatement()]) && endsFlow([e]);
	}
	return false;
}

export function checkStmt(ck: Checker, s: Statement): void {
	switch (s.getKind()) {
		case SyntaxKind.Block:
			checkBlockBody(ck, s as Block);
			return;
		case SyntaxKind.EmptyStatement:
			return;
		case SyntaxKind.VariableStatement: {
			const vs = s.asKindOrThrow(SyntaxKind.VariableStatement);
			if (vs.getDeclarationKind() === 'var') {
				ck.report(vs.getDeclarationKindKeywords()[0] ?? vs, 'KTS1020');
				return;
			}
			for (const vd of vs.getDeclarations()) checkVarDecl(ck, vd, false);
			return;
		}
		case SyntaxKind.ExpressionStatement: {
			const e = s.asKindOrThrow(SyntaxKind.ExpressionStatement).getExpression();
			const effect =
				Node.isCallExpression(e) ||
				(Node.isBinaryExpression(e) && /=$/.test(e.getOperatorToken().getText()) && !['==', '===', '!=', '!==', '<=', '>='].includes(e.getOperatorToken().getText())) ||
				Node.isPostfixUnaryExpression(e) ||
				(Node.isPrefixUnaryExpression(e) && [SyntaxKind.PlusPlusToken, SyntaxKind.MinusMinusToken].includes(e.getOperatorToken()));
			if (!effect) {
				ck.report(e, 'KTS1010', `the expression statement ${describeNode(e)}`, 'a statement must call, assign or increment');
				return;
			}
			checkExpr(ck, e, { kind: 'stmt' });
			return;
		}
		case SyntaxKind.IfStatement: {
			const st = s.asKindOrThrow(SyntaxKind.IfStatement);
			checkCondition(ck, st.getExpression());
			checkStmt(ck, st.getThenStatement());
			const e = st.getElseStatement();
			if (e) checkStmt(ck, e);
			return;
		}
		case SyntaxKind.WhileStatement: {
			const st = s.asKindOrThrow(SyntaxKind.WhileStatement);
			checkCondition(ck, st.getExpression());
			checkStmt(ck, st.getStatement());
			return;
		}
		case SyntaxKind.DoStatement: {
			const st = s.asKindOrThrow(SyntaxKind.DoStatement);
			checkStmt(ck, st.getStatement());
			checkCondition(ck, st.getExpression());
			return;
		}
		case SyntaxKind.ForStatement: {
			const st = s.asKindOrThrow(SyntaxKind.ForStatement);
			const init = st.getInitializer();
			if (init) {
				if (Node.isVariableDeclarationList(init)) {
					if (init.getDeclarationKind() === 'var') ck.report(init, 'KTS1020');
					else for (const vd of init.getDeclarations()) checkVarDecl(ck, vd, true);
				} else checkExpr(ck, init, { kind: 'stmt' });
			}
			const c = st.getCondition();
			if (c) checkCondition(ck, c);
			const inc = st.getIncrementor();
			if (inc) checkExpr(ck, inc, { kind: 'stmt' });
			checkStmt(ck, st.getStatement());
			return;
		}
		case SyntaxKind.ForOfStatement: {
			const st = s.asKindOrThrow(SyntaxKind.ForOfStatement);
			const e = st.getExpression();
			const ent = Node.isCallExpression(e) && Node.isIdentifier(e.getExpression()) ? ck.model.resolve(e.getExpression()) : undefined;
			if (!ent || ent.kind !== 'func' || !ent.iterator || !Node.isCallExpression(e)) {
				ck.report(e, 'KTS1022', 'of');
				return;
			}
			const rt = (ent.node as FunctionDeclaration).getReturnTypeNode();
			const elemNode = rt && Node.isTypeReference(rt) ? rt.getTypeArguments()[0] : undefined;
			const elem = elemNode && ck.model.typeFromNode(elemNode);
			const init = st.getInitializer();
			if (!elem || !Node.isVariableDeclarationList(init) || init.getDeclarations().length !== 1) {
				ck.report(st, 'KTS1022', 'of');
				return;
			}
			ck.exprInfo.set(e.getExpression(), { type: ent.type, entity: ent });
			const args = e.getArguments() as Expression[];
			const params = ent.type.params;
			const adjust = args.map((a, i) => {
				const pi = checkExpr(ck, a, { kind: 'implicit', type: params[i]?.type ?? elem });
				if (!isErr(pi) && params[i]) ck.assignable(a, pi, params[i].type);
				return pi.embedded && params[i]?.type.kind === 'ptr' ? ('address' as const) : ('none' as const);
			});
			ck.callInfo.set(e, { callee: ent, adjust });
			ck.exprInfo.set(e, { type: elem });
			const vd = init.getDeclarations()[0];
			declare(ck, vd, elem, false, true);
			checkStmt(ck, st.getStatement());
			return;
		}
		case SyntaxKind.ForInStatement:
			ck.report(s, 'KTS1022', 'in');
			return;
		case SyntaxKind.SwitchStatement: {
			const st = s.asKindOrThrow(SyntaxKind.SwitchStatement);
			const e = checkExpr(ck, st.getExpression(), { kind: 'operand' });
			if (!isErr(e) && e.type.kind !== 'int' && e.type.kind !== 'enum')
				ck.report(st.getExpression(), 'KTS2009', 'an integer or enum', typeName(e.type), 'switch on an integer');
			const clauses = st.getClauses();
			for (const [i, c] of clauses.entries()) {
				if (Node.isCaseClause(c)) {
					const v = checkExpr(ck, c.getExpression(), { kind: 'operand' });
					if (!isErr(v) && v.lit === undefined) ck.report(c.getExpression(), 'KTS2009', 'a constant', describeNode(c.getExpression()), 'case labels are constants');
				}
				const body = c.getStatements();
				for (const b of body) checkStmt(ck, b);
				if (body.length && !endsFlow(body) && i < clauses.length - 1) ck.report(c, 'KTS1024');
			}
			return;
		}
		case SyntaxKind.ReturnStatement: {
			const st = s.asKindOrThrow(SyntaxKind.ReturnStatement);
			const e = st.getExpression();
			const ret = ck.fn!.ret;
			if (e) {
				const i = checkExpr(ck, e, { kind: 'implicit', type: ret });
				if (!isErr(i)) ck.assignable(e, i, ret);
			}
			return;
		}
		case SyntaxKind.BreakStatement: {
			const st = s.asKindOrThrow(SyntaxKind.BreakStatement);
			const label = st.getLabel()?.getText();
			if (label) {
				if (!ck.fn!.labels.includes(label)) ck.report(st, 'KTS1023', label);
				else ck.fn!.plan.usedLabels.add(label);
			}
			return;
		}
		case SyntaxKind.ContinueStatement: {
			const st = s.asKindOrThrow(SyntaxKind.ContinueStatement);
			if (st.getLabel()) ck.report(st, 'KTS1023', st.getLabel()!.getText());
			return;
		}
		case SyntaxKind.LabeledStatement: {
			const st = s.asKindOrThrow(SyntaxKind.LabeledStatement);
			const label = st.getLabel().getText();
			const body = st.getStatement();
			if (!/^(out|err)/.test(label) || !Node.isBlock(body)) {
				ck.report(st.getLabel(), 'KTS1023', label);
				return;
			}
			if (ck.fn!.seenLabels.has(label)) ck.report(st.getLabel(), 'KTS1035', label);
			ck.fn!.seenLabels.add(label);
			ck.fn!.labels.push(label);
			checkBlockBody(ck, body);
			ck.fn!.labels.pop();
			if (ck.fn!.plan.usedLabels.has(label) && endsCBlock(st)) ck.report(st.getLabel(), 'KTS1036', label);
			return;
		}
		case SyntaxKind.ThrowStatement:
		case SyntaxKind.TryStatement:
			ck.report(s, 'KTS1005');
			return;
		case SyntaxKind.FunctionDeclaration:
			ck.report(s, 'KTS1026');
			return;
		case SyntaxKind.ClassDeclaration:
			ck.report(s, 'KTS1010', 'a class inside a function', 'declare structs at file scope');
			return;
		default:
			ck.report(s, 'KTS1010', describeNode(s), 'use the statements listed in compiler/SUBSET.md');
	}
}
