// Statements and function bodies -> C, following the checker's plan for
// where declarations go. Cleanup blocks become `goto` + label; for-of over
// an iteration macro becomes the macro loop; comments and blank lines of
// the source are kept.
import { type Block, type Expression, type FunctionDeclaration, Node, type Statement, SyntaxKind } from 'ts-morph';
import * as C from '../c/ast.js';
import type { FunctionPlan, HoistedDecl } from '../check/stmts.js';
import type { CType } from '../c/types.js';
import { lowerArg, lowerExpr, lowerValue } from './exprs.js';
import type { Lowerer } from './lowerer.js';

/** Comments written before a node in the source, as text. */
export function leadingComments(node: Node): string[] {
	const out: string[] = [];
	for (const r of node.getLeadingCommentRanges()) {
		const text = r.getText();
		if (text.startsWith('/**')) continue; // JSDoc is handled by declarations
		if (text.startsWith('//')) out.push(text.replace(/^\/\/\s?/, ''));
		else
			out.push(
				text
					.replace(/^\/\*+\s?/, '')
					.replace(/\s*\*\/$/, '')
					.split('\n')
					.map((l) => l.replace(/^\s*\*\s?/, ''))
					.join('\n'),
			);
	}
	// Consecutive // lines form one comment.
	return out.length > 1 && node.getLeadingCommentRanges().every((r) => r.getText().startsWith('//')) ? [out.join('\n')] : out;
}

function blankBefore(node: Node): boolean {
	const full = node.getFullText();
	const lead = full.slice(0, node.getLeadingTriviaWidth());
	return /\n[ \t]*\n/.test(lead);
}

class FnLowering {
	constructor(
		readonly lw: Lowerer,
		readonly plan: FunctionPlan,
		readonly ret: CType,
	) {}

	declsOf(cblock: Node): C.Stmt[] {
		const list = this.plan.decls.get(cblock) ?? [];
		return list
			.filter((d) => !d.alias)
			.map((d) => {
				const decl: C.VarDecl = { name: d.name, type: d.type, pos: this.lw.pos(d.node) };
				if (d.initInline) decl.init = this.initOf(d);
				this.lw.useType(d.type);
				// its own #line: the TypeScript line that declares it
				return { k: 'decl', decl, pos: decl.pos } as C.Stmt;
			});
	}

	initOf(d: HoistedDecl): C.Expr | undefined {
		const init = d.node.getInitializer();
		if (!init) return undefined;
		const call = Node.isCallExpression(init) ? this.lw.ck.callInfo.get(init) : undefined;
		if (call?.intrinsic === 'local') {
			const a = init.asKindOrThrow(SyntaxKind.CallExpression).getArguments()[0] as Expression | undefined;
			return a ? lowerExpr(this.lw, a) : undefined;
		}
		return lowerValue(this.lw, init, d.type);
	}

	/** A block's statements with its hoisted declarations first. */
	block(cblock: Node, stmts: Statement[]): C.Stmt[] {
		const decls = this.declsOf(cblock);
		const body = this.stmts(stmts);
		if (decls.length && body.length && body[0].k !== 'blank') return [...decls, { k: 'blank' }, ...body];
		return [...decls, ...body];
	}

	stmts(stmts: Statement[]): C.Stmt[] {
		const out: C.Stmt[] = [];
		let afterDecl = false;
		for (const [i, s] of stmts.entries()) {
			const lowered = this.stmt(s);
			if (!lowered.length) continue;
			// The blank line TypeScript style puts after a declaration is
			// noise once the declaration became an assignment.
			if (i > 0 && blankBefore(s) && out.length && !afterDecl) out.push({ k: 'blank' });
			afterDecl = Node.isVariableStatement(s);
			for (const c of leadingComments(s)) out.push({ k: 'comment', text: c });
			out.push(...lowered);
		}
		return out;
	}

	body(s: Statement): C.Stmt {
		if (Node.isBlock(s)) return { k: 'block', body: this.block(s, s.getStatements()) };
		const inner = this.stmt(s);
		return inner.length === 1 ? inner[0] : { k: 'block', body: inner };
	}

	stmt(s: Statement): C.Stmt[] {
		const lw = this.lw;
		const pos = lw.pos(s);
		switch (s.getKind()) {
			case SyntaxKind.Block:
				return [{ k: 'block', body: this.block(s, (s as Block).getStatements()), pos }];
			case SyntaxKind.EmptyStatement:
				return [];
			case SyntaxKind.VariableStatement: {
				const out: C.Stmt[] = [];
				for (const vd of s.asKindOrThrow(SyntaxKind.VariableStatement).getDeclarations()) {
					const d = this.plan.byNode.get(vd);
					if (!d || d.initInline) continue;
					const init = this.initOf(d);
					if (init) out.push(C.exprStmt({ k: 'assign', op: '=', l: C.id(d.name), r: init }, lw.pos(vd)));
				}
				return out;
			}
			case SyntaxKind.ExpressionStatement:
				return [C.exprStmt(lowerExpr(lw, s.asKindOrThrow(SyntaxKind.ExpressionStatement).getExpression()), pos)];
			case SyntaxKind.IfStatement: {
				const st = s.asKindOrThrow(SyntaxKind.IfStatement);
				const e = st.getElseStatement();
				return [{ k: 'if', cond: lowerExpr(lw, st.getExpression()), then: this.body(st.getThenStatement()), else: e ? this.body(e) : undefined, pos }];
			}
			case SyntaxKind.WhileStatement: {
				const st = s.asKindOrThrow(SyntaxKind.WhileStatement);
				return [{ k: 'while', cond: lowerExpr(lw, st.getExpression()), body: this.body(st.getStatement()), pos }];
			}
			case SyntaxKind.DoStatement: {
				const st = s.asKindOrThrow(SyntaxKind.DoStatement);
				return [{ k: 'do', body: this.body(st.getStatement()), cond: lowerExpr(lw, st.getExpression()), pos }];
			}
			case SyntaxKind.ForStatement: {
				const st = s.asKindOrThrow(SyntaxKind.ForStatement);
				const init = st.getInitializer();
				let initExpr: C.Expr | undefined;
				if (init && Node.isVariableDeclarationList(init)) {
					const parts = init
						.getDeclarations()
						.filter((vd) => vd.getInitializer())
						.map((vd) => ({ k: 'assign', op: '=', l: C.id(this.plan.byNode.get(vd)!.name), r: lowerExpr(lw, vd.getInitializer()!) }) as C.Expr);
					initExpr = parts.reduce<C.Expr | undefined>((a, b) => (a ? { k: 'binary', op: ',', l: a, r: b } : b), undefined);
				} else if (init) initExpr = lowerExpr(lw, init);
				const cond = st.getCondition();
				const inc = st.getIncrementor();
				return [{ k: 'for', init: initExpr, cond: cond && lowerExpr(lw, cond), step: inc && lowerExpr(lw, inc), body: this.body(st.getStatement()), pos }];
			}
			case SyntaxKind.ForOfStatement: {
				const st = s.asKindOrThrow(SyntaxKind.ForOfStatement);
				const call = st.getExpression().asKindOrThrow(SyntaxKind.CallExpression);
				const info = lw.ck.callInfo.get(call)!;
				lw.useEntity(info.callee);
				const vd = st.getInitializer().asKindOrThrow(SyntaxKind.VariableDeclarationList).getDeclarations()[0];
				const name = this.plan.byNode.get(vd)!.name;
				const args = (call.getArguments() as Expression[]).map((a, i) => lowerArg(lw, a, info.adjust[i] ?? 'none'));
				return [{ k: 'macro_loop', macro: info.callee!.cname, args: [C.id(name), ...args], body: this.body(st.getStatement()), pos }];
			}
			case SyntaxKind.SwitchStatement: {
				const st = s.asKindOrThrow(SyntaxKind.SwitchStatement);
				const cases: C.Case[] = [];
				let pending: (C.Expr | undefined)[] = [];
				for (const c of st.getClauses()) {
					pending.push(Node.isCaseClause(c) ? lowerExpr(lw, c.getExpression()) : undefined);
					const stmts = c.getStatements();
					if (!stmts.length) continue;
					let body = this.block(c, stmts);
					if ((this.plan.decls.get(c) ?? []).some((d) => !d.alias)) body = [{ k: 'block', body }];
					cases.push({ labels: pending, body });
					pending = [];
				}
				if (pending.length) cases.push({ labels: pending, body: [{ k: 'break' }] });
				return [{ k: 'switch', e: lowerExpr(lw, st.getExpression()), cases, pos }];
			}
			case SyntaxKind.ReturnStatement: {
				const e = s.asKindOrThrow(SyntaxKind.ReturnStatement).getExpression();
				return [{ k: 'return', e: e && lowerValue(lw, e, this.ret), pos }];
			}
			case SyntaxKind.BreakStatement: {
				const label = s.asKindOrThrow(SyntaxKind.BreakStatement).getLabel()?.getText();
				return [label ? { k: 'goto', label, pos } : { k: 'break', pos }];
			}
			case SyntaxKind.ContinueStatement:
				return [{ k: 'continue', pos }];
			case SyntaxKind.LabeledStatement: {
				// out_free: { ... break out_free; ... }  ->  ... goto out_free; ...  out_free:
				const st = s.asKindOrThrow(SyntaxKind.LabeledStatement);
				const label = st.getLabel().getText();
				const inner = this.stmts((st.getStatement() as Block).getStatements());
				return this.plan.usedLabels.has(label) ? [...inner, { k: 'label', name: label, pos }] : inner;
			}
		}
		throw new Error(`internal: cannot lower statement ${s.getKindName()}`);
	}
}

export function lowerFunctionBody(lw: Lowerer, fn: FunctionDeclaration): C.Block {
	const plan = lw.ck.plans.get(fn)!;
	const ent = lw.ck.model.entityOf(fn);
	const f = new FnLowering(lw, plan, ent && ent.kind === 'func' ? ent.type.ret : { kind: 'void', name: 'void' });
	const body = fn.getBody() as Block;
	return { k: 'block', body: f.block(body, body.getStatements()) };
}
