// A unit's file scope -> C declarations for its .c file, its header, or
// the hunks of a kernel patch.
import { type Expression, Node, type ObjectLiteralExpression } from 'ts-morph';
import * as C from '../c/ast.js';
import type { CType, EnumType, StructType } from '../c/types.js';
import type { Checker } from '../check/checker.js';
import { isSentinel, tableDim, type TopItem, type UnitDecls } from '../check/decls.js';
import { jsDocText } from '../check/model.js';
import { literalText, lowerExpr, typedSuffix } from './exprs.js';
import { Lowerer } from './lowerer.js';
import { leadingComments, lowerFunctionBody } from './stmts.js';

export interface LoweredUnit {
	name: string;
	/** Declarations of the .c file (or the inserted text of a patch). */
	body: C.Decl[];
	/** Declarations of the unit's header (exports). */
	header: C.Decl[];
	headerName?: string;
	includes: { path: string; system: boolean }[];
	kpatches: UnitDecls['kpatches'];
	subject?: string;
	comment?: string;
	sources: string[];
}

function funcDecl(lw: Lowerer, it: Extract<TopItem, { kind: 'func' }>): C.FuncDecl {
	const ent = it.ent;
	for (const p of ent.type.params) lw.useType(p.type);
	lw.useType(ent.type.ret);
	return {
		k: 'func',
		name: ent.cname,
		ret: ent.type.ret,
		params: ent.type.params,
		isStatic: !ent.global,
		body: lowerFunctionBody(lw, it.node),
		comment: jsDocText(it.node),
		pos: lw.pos(it.node),
	};
}

function objectInit(lw: Lowerer, obj: ObjectLiteralExpression, st: StructType, depth: number): C.InitList {
	const items: C.InitItem[] = [];
	for (const p of obj.getProperties()) {
		if (!Node.isPropertyAssignment(p)) continue;
		const v = p.getInitializerOrThrow();
		const f = st.fields.get(p.getName())!;
		if (f.type.kind === 'struct' && Node.isObjectLiteralExpression(v)) {
			items.push({ field: p.getName(), value: objectInit(lw, v, f.type, depth + 1) });
			continue;
		}
		const info = lw.ck.info(v);
		let e = lowerExpr(lw, v);
		if (info.embedded && f.type.kind === 'ptr' && info.type.kind !== 'array') e = C.addr(e);
		items.push({ field: p.getName(), value: e });
	}
	return { k: 'init', items, multiline: true };
}

function enumMember(en: EnumType, v: bigint): string {
	return [...en.members.entries()].find(([k, x]) => x === v && !isSentinel(en, k))![0];
}

function tableInit(lw: Lowerer, obj: ObjectLiteralExpression, dims: EnumType[], depth: number): C.InitList {
	const items: C.InitItem[] = [];
	const dim = dims[depth];
	for (const p of obj.getProperties()) {
		if (!Node.isPropertyAssignment(p) || !Node.isComputedPropertyName(p.getNameNode())) continue;
		const key = (p.getNameNode() as import('ts-morph').ComputedPropertyName).getExpression();
		const k = lw.ck.info(key);
		const index = C.id(enumMember(dim, k.lit!));
		const v = p.getInitializerOrThrow();
		const value = depth + 1 < dims.length ? tableInit(lw, v as ObjectLiteralExpression, dims, depth + 1) : lowerExpr(lw, v);
		items.push({ index, value });
	}
	return { k: 'init', items, multiline: true };
}

function structDecl(lw: Lowerer, it: Extract<TopItem, { kind: 'struct' }>): C.StructDecl {
	const cls = it.node;
	const fields = [...it.ent.type.fields.values()].map((f) => {
		lw.useType(f.type);
		const prop = cls.getProperty(f.name)!;
		const comment = f.comment ?? (leadingComments(prop).join('\n') || undefined);
		return { name: f.name, type: f.type, comment, blankBefore: /\n[ \t]*\n/.test(prop.getFullText().slice(0, prop.getLeadingTriviaWidth())) };
	});
	if (fields.length) fields[0].blankBefore = false;
	return { k: 'struct', name: it.ent.type.name, fields, comment: jsDocText(cls), pos: lw.pos(cls) };
}

/**
 * An enum member's initialiser in C: a literal as C spells it (0o4 is 04,
 * 1_000 is 1000, 0b101 is 0x5); an expression as written, unless it holds
 * such literals, then its value.
 */
function enumValue(init: Node, value: bigint | undefined): C.Expr {
	const text = init.getText();
	if (Node.isNumericLiteral(init)) return C.num(literalText(text, value ?? BigInt(init.getLiteralValue()), undefined, false, false));
	if (value !== undefined && /\b0[oObB]|\d_\d/.test(text)) return C.num(String(value));
	return C.num(text);
}

function enumDecl(lw: Lowerer, it: Extract<TopItem, { kind: 'enum' }>): C.EnumDecl {
	const members: C.EnumMember[] = it.node.getMembers().map((m) => {
		const init = m.getInitializer();
		return { name: m.getName(), value: init ? enumValue(init, it.type.members.get(m.getName())) : undefined, comment: jsDocText(m) };
	});
	return { k: 'enum', name: it.type.name, members, comment: jsDocText(it.node), pos: lw.pos(it.node) };
}

/**
 * A typed file-scope constant's macro keeps its type: `const X: ulong =
 * 128n` is `128UL` (a bare `128` is an int, and `X << 40` would shift past
 * its width); an expression of a wider or unsigned type is cast to it.
 */
function defineValue(lw: Lowerer, init: Expression, type: CType): C.Expr {
	const e = lowerExpr(lw, init);
	if (type.kind === 'int' && (type.bits > 32 || (!type.signed && type.bits === 32))) {
		const lit = lw.ck.exprInfo.get(init)?.lit;
		if (e.k === 'int' && lit !== undefined && lit >= 0n) return /[uUlL]$/.test(e.text) ? e : C.num(e.text + typedSuffix(type, lit));
		if (e.k !== 'int') return { k: 'paren', e: { k: 'cast', type, e: e.k === 'ident' || e.k === 'paren' ? e : { k: 'paren', e } } as C.Expr };
	}
	return e.k === 'int' || e.k === 'ident' || e.k === 'paren' ? e : { k: 'paren', e };
}

/** Functions a declaration refers to (for forward declarations). */
function referencedFuncs(lw: Lowerer, run: () => void): Set<string> {
	const before = new Set(lw.referenced);
	lw.referenced.clear();
	run();
	const used = new Set(lw.referenced);
	for (const b of before) lw.referenced.add(b);
	for (const u of used) lw.referenced.add(u);
	return used;
}

export function lowerUnit(ck: Checker, decls: UnitDecls, rootDir: string): LoweredUnit {
	const lw = new Lowerer(ck, decls.unit.name, rootDir);
	const body: C.Decl[] = [];
	const header: C.Decl[] = [];
	const defined = new Set<string>();
	/** Functions used before their definition -> where in `body` the first use is. */
	const needProto = new Map<string, number>();
	const funcs = new Map<string, C.FuncDecl>();

	// Called just before the using declaration is pushed: body.length is its index.
	const note = (used: Set<string>) => {
		for (const f of used) if (!defined.has(f) && !needProto.has(f)) needProto.set(f, body.length);
	};

	for (const it of decls.items) {
		switch (it.kind) {
			case 'func': {
				defined.add(it.ent.name);
				let d!: C.FuncDecl;
				note(referencedFuncs(lw, () => (d = funcDecl(lw, it))));
				funcs.set(it.ent.name, d);
				body.push(d);
				if (it.ent.global) header.push({ k: 'proto', name: d.name, ret: d.ret, params: d.params, isStatic: false });
				break;
			}
			case 'struct': {
				const d = structDecl(lw, it);
				(ck.crossUnit.has(it.node) ? header : body).push(d);
				break;
			}
			case 'enum': {
				const d = enumDecl(lw, it);
				(ck.crossUnit.has(it.node) ? header : body).push(d);
				break;
			}
			case 'define': {
				const d: C.Define = { k: 'define', name: it.ent.cname, value: defineValue(lw, it.node.getInitializerOrThrow(), it.ent.type), comment: jsDocText(it.node), pos: lw.pos(it.node) };
				(ck.crossUnit.has(it.node) ? header : body).push(d);
				break;
			}
			case 'global': {
				const init = it.node.getInitializer();
				lw.useType(it.ent.type);
				const exported = ck.crossUnit.has(it.node);
				// Statics start zeroed: no `= 0` (checkpatch).
				const zero = !init || ck.exprInfo.get(init)?.lit === 0n;
				body.push({ k: 'global', decl: { name: it.ent.cname, type: it.ent.type, isStatic: !exported, init: zero ? undefined : lowerExpr(lw, init), comment: jsDocText(it.node) }, pos: lw.pos(it.node) });
				if (exported) header.push({ k: 'global', decl: { name: it.ent.cname, type: it.ent.type, isExtern: true } });
				break;
			}
			case 'object': {
				lw.useType(it.ent.type);
				let init!: C.InitList;
				note(referencedFuncs(lw, () => (init = objectInit(lw, it.init, it.ent.type as StructType, 0))));
				const global = !!it.ent.global;
				body.push({ k: 'global', decl: { name: it.ent.cname, type: it.ent.type, isStatic: !global, isConst: it.constQual, init, comment: jsDocText(it.node) }, pos: lw.pos(it.node) });
				if (global) header.push({ k: 'global', decl: { name: it.ent.cname, type: it.ent.type, isConst: it.constQual, isExtern: true } });
				break;
			}
			case 'table': {
				const dims = it.dims.map(tableDim);
				let type: CType = it.elem;
				for (const d of [...dims].reverse()) type = { kind: 'array', of: type, len: d };
				// another unit's table: global, declared extern in the header
				const exported = ck.crossUnit.has(it.node);
				body.push({ k: 'global', decl: { name: it.ent.cname, type, isStatic: !exported, isConst: true, init: tableInit(lw, it.node.getInitializerOrThrow() as ObjectLiteralExpression, it.dims, 0), comment: jsDocText(it.node) }, pos: lw.pos(it.node) });
				if (exported) header.push({ k: 'global', decl: { name: it.ent.cname, type, isConst: true, isExtern: true } });
				break;
			}
			case 'attr': {
				lw.headers.add('"md.h"');
				note(new Set([`${it.attr}_show`, ...(it.rw ? [`${it.attr}_store`] : [])]));
				body.push({
					k: 'global',
					decl: { name: it.ent.cname, type: it.ent.type, isStatic: true, init: C.call(it.rw ? '__ATTR_RW' : '__ATTR_RO', [C.id(it.attr)]), comment: jsDocText(it.node) },
					pos: lw.pos(it.node),
				});
				break;
			}
			case 'attrlist': {
				const attr = ck.model.structs.get('attribute')!.type;
				const items: C.InitItem[] = [
					...it.entries.map((e) => ({ value: C.addr({ k: 'member', e: C.id(e), name: 'attr', arrow: false }) as C.Expr })),
					{ value: C.id('NULL') },
				];
				body.push({
					k: 'global',
					decl: { name: it.ent.cname, type: { kind: 'array', of: { kind: 'ptr', to: attr, view: 'struct' }, len: '' }, isStatic: true, init: { k: 'init', items, multiline: true } },
					pos: lw.pos(it.node),
				});
				break;
			}
			case 'param': {
				lw.headers.add('linux/moduleparam.h');
				const t = (it.ent.type as Extract<CType, { kind: 'ptr' }>).to;
				const init = lowerExpr(lw, it.init);
				const zero = init.k === 'ident' && (init.name === 'false' || init.name === '0');
				body.push({ k: 'global', decl: { name: it.ent.cname, type: t, isStatic: true, init: zero ? undefined : init, comment: jsDocText(it.node) }, pos: lw.pos(it.node) });
				body.push({ k: 'macro', name: 'module_param_named', args: [C.id(it.param), C.id(it.ent.cname), C.id(it.ctype), C.num(it.perm)] });
				body.push({ k: 'macro', name: 'MODULE_PARM_DESC', args: [C.id(it.param), { k: 'str', value: it.desc }] });
				break;
			}
			case 'export':
				lw.headers.add('linux/export.h');
				body.push({ k: 'macro', name: 'EXPORT_SYMBOL_GPL', args: [C.id(it.fn)] });
				break;
			case 'kpatch':
				break;
		}
	}

	// Static prototypes for functions used before their definition, each
	// just before its first use: after the types it names (a prototype at
	// the top could name a struct defined further down).
	const at = new Map<number, C.Proto[]>();
	for (const [name, use] of needProto) {
		const f = funcs.get(name);
		if (f && f.isStatic) at.set(use, [...(at.get(use) ?? []), { k: 'proto', name: f.name, ret: f.ret, params: f.params, isStatic: true }]);
	}
	for (const use of [...at.keys()].sort((a, b) => b - a)) body.splice(use, 0, ...at.get(use)!);

	const hasHeader = header.some((d) => d.k === 'proto' || d.k === 'global');
	const headerName = hasHeader || header.length ? decls.headerName ?? `${decls.unit.name}.h` : undefined;
	const includes = orderIncludes(lw.headers, [...lw.unitDeps].map((u) => ck.units.get(u)?.headerName ?? `${u}.h`), headerName);
	return {
		name: decls.unit.name,
		body,
		header,
		headerName,
		includes,
		kpatches: decls.kpatches,
		subject: decls.subject,
		comment: decls.comment,
		sources: decls.unit.files.map((f) => f.getFilePath()),
	};
}

/** System headers sorted, then md's own headers, then other units', then ours. */
function orderIncludes(headers: Set<string>, units: string[], own: string | undefined): { path: string; system: boolean }[] {
	const sys = [...headers].filter((h) => !h.startsWith('"')).sort();
	const localOrder = ['"md.h"', '"md-bitmap.h"'];
	const local = [...headers]
		.filter((h) => h.startsWith('"'))
		.sort((a, b) => (localOrder.indexOf(a) + 1 || 99) - (localOrder.indexOf(b) + 1 || 99) || a.localeCompare(b));
	const out = [
		...sys.filter((h) => h !== 'linux/types.h' || sys.length === 1).map((path) => ({ path, system: true })),
		...local.map((h) => ({ path: h.slice(1, -1), system: false })),
		...units.filter((u) => u !== own).map((path) => ({ path, system: false })),
	];
	if (own) out.push({ path: own, system: false });
	return out;
}
