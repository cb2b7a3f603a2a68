// File scope: functions, structs, enums, constants, tables, ops tables,
// sysfs attributes, module parameters, exported symbols and kernel patches.
import {
	type ClassDeclaration,
	type EnumDeclaration,
	type Expression,
	type FunctionDeclaration,
	Node,
	type ObjectLiteralExpression,
	type SourceFile,
	SyntaxKind,
	type VariableDeclaration,
} from 'ts-morph';
import { type CType, type EnumType, fits, intType, type StructType, typeName } from '../c/types.js';
import type { Unit } from '../frontend.js';
import type { Checker } from './checker.js';
import { checkExpr, isErr } from './exprs.js';
import { type ConstEntity, type FuncEntity, jsDocTags, type StructEntity, type VarEntity } from './model.js';
import { checkFunction } from './stmts.js';

export type TopItem =
	| { kind: 'func'; node: FunctionDeclaration; ent: FuncEntity }
	| { kind: 'struct'; node: ClassDeclaration; ent: StructEntity }
	| { kind: 'enum'; node: EnumDeclaration; type: EnumType }
	| { kind: 'define'; node: VariableDeclaration; ent: ConstEntity }
	| { kind: 'global'; node: VariableDeclaration; ent: VarEntity }
	| { kind: 'object'; node: VariableDeclaration; ent: VarEntity; init: ObjectLiteralExpression; constQual: boolean }
	| { kind: 'table'; node: VariableDeclaration; ent: VarEntity; dims: EnumType[]; elem: CType }
	| { kind: 'attr'; node: VariableDeclaration; ent: VarEntity; attr: string; rw: boolean }
	| { kind: 'attrlist'; node: VariableDeclaration; ent: VarEntity; entries: string[] }
	| { kind: 'param'; node: VariableDeclaration; ent: VarEntity; param: string; ctype: string; perm: string; desc: string; init: Expression }
	| { kind: 'export'; node: Node; fn: string }
	| { kind: 'kpatch'; node: Node; spec: KPatchSpec };

export interface KPatchSpec {
	file: string;
	line: number;
	before: string[];
	after: string[];
	/** What goes in: functions and exports of the unit (default), or a prototype. */
	insert: 'unit' | 'prototypes';
}

export interface UnitDecls {
	unit: Unit;
	items: TopItem[];
	/** A kernel patch unit (block/bdev.ts) rather than a C file. */
	kpatches: KPatchSpec[];
	subject?: string;
	headerName?: string;
	/** File comment (the unit's first JSDoc). */
	comment?: string;
}

function isZeroInit(ck: Checker, init: Expression, type: CType): boolean {
	if (type.kind === 'struct' || type.kind === 'opaque') {
		return Node.isNewExpression(init) && init.getArguments().length === 0 && init.getExpression().getText() === type.name;
	}
	if (type.kind === 'array') {
		return false;
	}
	const i = checkExpr(ck, init, { kind: 'implicit', type });
	if (isErr(i)) return false;
	if (type.kind === 'ptr') return i.lit === 0n;
	return i.lit === 0n;
}

function checkStruct(ck: Checker, cls: ClassDeclaration): void {
	const ent = ck.model.structs.get(cls.getName()!)!;
	if (cls.getExtends() || cls.getImplements().length) ck.report(cls.getNameNode() ?? cls, 'KTS1009', 'inheritance', cls.getName()!);
	if (cls.getTypeParameters().length) ck.report(cls, 'KTS1007');
	for (const m of cls.getMembers()) {
		if (Node.isPropertyDeclaration(m)) {
			if (m.isStatic()) {
				ck.report(m, 'KTS1009', 'a static field', cls.getName()!);
				continue;
			}
			ck.checkName(m.getNameNode(), m.getName());
			const tn = m.getTypeNode();
			if (!tn && !ck.model.embeddedType(m.getInitializer())) {
				// a Bitmap of a bad size is reported where its size is
				if (!ck.model.isBitmapInit(m.getInitializer())) ck.report(m.getNameNode(), 'KTS2001', `field '${m.getName()}'`);
				continue;
			}
			const f = ent.type.fields.get(m.getName());
			if (!f) continue;
			const init = m.getInitializer();
			if (m.hasExclamationToken()) {
				if (f.type.kind !== 'ptr' && !(f.type.kind === 'func' && f.type.nullable)) ck.report(m.getNameNode(), 'KTS1028', m.getName());
				continue;
			}
			if (!init) {
				if (f.type.kind === 'array') continue; // arrays are zeroed by kzalloc and the sim alike
				ck.report(m.getNameNode(), 'KTS1028', m.getName());
				continue;
			}
			if (f.type.kind === 'array') {
				// new Bitmap(bits): zeroed like any array
				if (!f.type.bitmap) ck.report(init, 'KTS1028', m.getName());
				continue;
			}
			if (!isZeroInit(ck, init, f.type)) ck.report(init, 'KTS1028', m.getName());
		} else if (Node.isMethodDeclaration(m)) ck.report(m, 'KTS1009', 'a method', cls.getName()!);
		else if (Node.isConstructorDeclaration(m)) ck.report(m, 'KTS1009', 'a constructor', cls.getName()!);
		else ck.report(m, 'KTS1009', `a ${m.getKindName()}`, cls.getName()!);
	}
}

function checkEnum(ck: Checker, en: EnumDeclaration): EnumType {
	const ent = ck.model.enums.get(en.getName())!;
	for (const m of en.getMembers()) {
		const init = m.getInitializer();
		if (init && !(Node.isNumericLiteral(init) || Node.isPrefixUnaryExpression(init) || Node.isBinaryExpression(init) || Node.isIdentifier(init) || Node.isPropertyAccessExpression(init)))
			ck.report(init, 'KTS1004');
		if (typeof m.getValue() === 'string') ck.report(m, 'KTS1004');
	}
	return ent.type;
}

function checkFunctionDecl(ck: Checker, fn: FunctionDeclaration): FuncEntity | undefined {
	const ent = ck.model.entityOf(fn);
	if (!fn.getBody()) {
		ck.report(fn, 'KTS1010', 'a function without a body', 'declare kernel functions in kmod-src/kernel/*.d.ts');
		return undefined;
	}
	if (fn.isAsync()) ck.report(fn, 'KTS1010', 'async', 'kernel code is synchronous');
	if (fn.isGenerator()) ck.report(fn, 'KTS1010', 'a generator', 'kernel code is synchronous');
	if (fn.getTypeParameters().length) ck.report(fn, 'KTS1007');
	if (!fn.getReturnTypeNode()) ck.report(fn.getNameNode() ?? fn, 'KTS2001', `the return type of '${fn.getName()}'`);
	if (fn.getNameNode()) ck.checkName(fn.getNameNode()!, fn.getName()!);
	for (const p of fn.getParameters()) {
		if (Node.isIdentifier(p.getNameNode())) ck.checkName(p.getNameNode(), p.getName());
		if (p.isRestParameter()) ck.report(p, 'KTS1025', 'rest');
		else if (p.hasQuestionToken()) ck.report(p, 'KTS1025', 'optional');
		else if (p.getInitializer()) ck.report(p, 'KTS1025', 'default');
		if (!Node.isIdentifier(p.getNameNode())) ck.report(p.getNameNode(), 'KTS1021');
		if (!p.getTypeNode()) ck.report(p, 'KTS2001', `parameter '${p.getName()}'`);
	}
	if (!ent || ent.kind !== 'func') return undefined;
	checkFunction(ck, fn, ent.type.ret, ent.type.params);
	return ent;
}

/** A file-scope constant: value known, printed as #define. */
function constValue(ck: Checker, vd: VariableDeclaration): { type: CType; value: bigint } | undefined {
	const init = vd.getInitializer();
	if (!init) return undefined;
	const tn = vd.getTypeNode();
	const want = tn ? ck.model.typeFromNode(tn) : undefined;
	if (tn && !want) return undefined;
	const i = checkExpr(ck, init, want ? { kind: 'implicit', type: want } : { kind: 'value' });
	if (isErr(i) || i.lit === undefined || (i.type.kind !== 'int' && i.type.kind !== 'enum')) return undefined;
	if (want) {
		if (!ck.assignable(init, i, want)) return undefined;
		return { type: want, value: i.lit };
	}
	return { type: i.untyped ? intType('int')! : i.type, value: i.lit };
}

function stringArg(node: Node | undefined): string | undefined {
	return node && (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) ? node.getLiteralValue() : undefined;
}

/** A call of a file-scope intrinsic (module_param, __ATTR_RO, ...). */
function intrinsicCall(ck: Checker, init: Expression | undefined): { name: string; args: Expression[]; ent: FuncEntity } | undefined {
	if (!init || !Node.isCallExpression(init) || !Node.isIdentifier(init.getExpression())) return undefined;
	const ent = ck.model.resolve(init.getExpression());
	if (!ent || ent.kind !== 'func' || !ent.intrinsic) return undefined;
	return { name: ent.name, args: init.getArguments() as Expression[], ent };
}

function checkVariable(ck: Checker, vd: VariableDeclaration, items: TopItem[]): void {
	const stmt = vd.getVariableStatement()!;
	const isConst = stmt.getDeclarationKind() === 'const';
	if (stmt.getDeclarationKind() === 'var') {
		ck.report(stmt, 'KTS1020');
		return;
	}
	if (!Node.isIdentifier(vd.getNameNode())) {
		ck.report(vd.getNameNode(), 'KTS1021');
		return;
	}
	const init = vd.getInitializer();
	const tn = vd.getTypeNode();
	const call = intrinsicCall(ck, init);

	// module_param('name', init, perm, 'desc')
	if (call && call.name === 'module_param') {
		const [nameArg, initArg, permArg, descArg] = call.args;
		const pname = stringArg(nameArg);
		const desc = stringArg(descArg);
		const ptn = tn && Node.isTypeReference(tn) && tn.getTypeName().getText() === 'Param' ? tn.getTypeArguments()[0] : undefined;
		const t = ptn && ck.model.typeFromNode(ptn);
		if (!pname || !/^[a-z_][a-z0-9_]*$/.test(pname)) {
			ck.report(nameArg ?? vd, 'KTS3011', 'needs a C identifier as its name', "write module_param('llbitmap', ...)");
			return;
		}
		if (!desc) {
			ck.report(descArg ?? vd, 'KTS3011', 'needs a description string', 'it becomes MODULE_PARM_DESC()');
			return;
		}
		const ptype = t && (t.kind === 'bool' ? 'bool' : t.kind === 'int' ? ({ int: 'int', 'unsigned int': 'uint', 'unsigned long': 'ulong', long: 'long', u32: 'uint' } as Record<string, string>)[t.name] : undefined);
		if (!t || !ptype) {
			ck.report(tn ?? vd, 'KTS3011', 'needs a declared type Param<bool>, Param<int>, Param<uint> or Param<ulong>', "annotate: const x: Param<bool> = module_param(...)");
			return;
		}
		const i = checkExpr(ck, initArg, { kind: 'implicit', type: t });
		if (isErr(i) || i.lit === undefined || !ck.assignable(initArg, i, t)) {
			if (!isErr(i) && i.lit === undefined) ck.report(initArg, 'KTS3011', 'needs a constant initial value', 'write a literal');
			return;
		}
		if (!permArg || !/^0o[0-7]{3}$/.test(permArg.getText())) {
			ck.report(permArg ?? vd, 'KTS3011', 'needs an octal permission such as 0o644', 'use 0o644 (root can change it) or 0o444');
			return;
		}
		const ent: VarEntity = { kind: 'var', name: vd.getName(), cname: vd.getName(), external: false, node: vd, type: { kind: 'ptr', to: t, view: 'out' }, mutable: false, decl: vd, isObject: false };
		ck.model.setVar(vd, ent);
		ck.locals.set(vd, { name: vd.getName(), type: t, outLocal: true, param: false, node: vd });
		items.push({ kind: 'param', node: vd, ent, param: pname, ctype: ptype, perm: '0' + permArg.getText().slice(2), desc, init: initArg });
		return;
	}

	// __ATTR_RO('name', name_show) / __ATTR_RW('name', name_show, name_store)
	if (call && (call.name === '__ATTR_RO' || call.name === '__ATTR_RW')) {
		const attr = stringArg(call.args[0]);
		const rw = call.name === '__ATTR_RW';
		if (!attr) {
			ck.report(call.args[0] ?? vd, 'KTS3006', '?', 'name_show');
			return;
		}
		const show = call.args[1]?.getText();
		const store = call.args[2]?.getText();
		if (show !== `${attr}_show` || (rw && store !== `${attr}_store`)) {
			ck.report(call.args[1] ?? vd, 'KTS3006', attr, rw ? `${attr}_show and ${attr}_store` : `${attr}_show`);
			return;
		}
		for (const a of call.args.slice(1)) checkExpr(ck, a);
		const st = ck.model.structs.get('md_sysfs_entry')!.type;
		const ent: VarEntity = { kind: 'var', name: vd.getName(), cname: vd.getName(), external: false, node: vd, type: st, mutable: false, decl: vd, isObject: true };
		ck.model.setVar(vd, ent);
		items.push({ kind: 'attr', node: vd, ent, attr, rw });
		return;
	}

	if (!tn) {
		// Untyped: an integer constant.
		if (!isConst) {
			ck.report(vd.getNameNode(), 'KTS2001', `'${vd.getName()}'`);
			return;
		}
		const c = constValue(ck, vd);
		if (!c) {
			if (init && !ck.exprInfo.has(init)) ck.report(vd.getNameNode(), 'KTS2001', `'${vd.getName()}'`);
			return;
		}
		items.push({ kind: 'define', node: vd, ent: ck.model.setConst(vd, c.type, c.value) });
		return;
	}

	// attribute lists: const x: attribute_list = [a, b, c]
	if (Node.isTypeReference(tn) && tn.getTypeName().getText() === 'attribute_list') {
		if (!init || !Node.isArrayLiteralExpression(init)) {
			ck.report(init ?? vd, 'KTS1017');
			return;
		}
		const entries: string[] = [];
		for (const el of init.getElements()) {
			const e = Node.isIdentifier(el) ? ck.model.resolve(el) : undefined;
			if (!e || e.kind !== 'var' || e.type.kind !== 'struct' || e.type.name !== 'md_sysfs_entry') {
				ck.report(el, 'KTS2009', 'an md_sysfs_entry', el.getText(), 'list attributes declared with __ATTR_RO/__ATTR_RW');
				continue;
			}
			entries.push(e.cname);
		}
		const ent: VarEntity = { kind: 'var', name: vd.getName(), cname: vd.getName(), external: false, node: vd, type: { kind: 'array', of: { kind: 'ptr', to: ck.model.structs.get('attribute')!.type, view: 'struct' }, len: '' }, mutable: false, decl: vd, isObject: true };
		ck.model.setVar(vd, ent);
		items.push({ kind: 'attrlist', node: vd, ent, entries });
		return;
	}

	// Tables: const t: Table<A, B, V> = { [A.x]: { [B.y]: v, ... }, ... }
	if (Node.isTypeReference(tn) && tn.getTypeName().getText() === 'Table') {
		checkTable(ck, vd, tn.getTypeArguments(), items);
		return;
	}

	const type = ck.model.typeFromNode(tn);
	if (!type) return;
	if (type.kind === 'struct') {
		if (!init || !Node.isObjectLiteralExpression(init)) {
			ck.report(init ?? vd, 'KTS1018');
			return;
		}
		const constQual = Node.isTypeReference(tn) && tn.getTypeName().getText() === 'Readonly';
		const ent: VarEntity = {
			kind: 'var',
			name: vd.getName(),
			cname: vd.getName(),
			external: false,
			node: vd,
			type,
			mutable: false,
			decl: vd,
			isObject: true,
			constObject: constQual,
			global: jsDocTags(vd).has('global'),
		};
		ck.model.setVar(vd, ent);
		checkObjectLiteral(ck, init, type);
		items.push({ kind: 'object', node: vd, ent, init, constQual });
		return;
	}
	if (isConst && (type.kind === 'int' || type.kind === 'enum')) {
		const c = constValue(ck, vd);
		if (!c) {
			if (init && !ck.exprInfo.has(init)) ck.report(init, 'KTS2009', 'a constant', init.getText(), 'file-scope constants are known at compile time');
			return;
		}
		items.push({ kind: 'define', node: vd, ent: ck.model.setConst(vd, c.type, c.value) });
		return;
	}
	if (isConst) {
		ck.report(vd, 'KTS1030', `const of type '${typeName(type)}'`);
		return;
	}
	// let x: T = v  ->  static T x = v;
	if (init) {
		const i = checkExpr(ck, init, { kind: 'implicit', type });
		if (!isErr(i)) {
			ck.assignable(init, i, type);
			if (i.lit === undefined && type.kind !== 'ptr') ck.report(init, 'KTS2009', 'a constant initialiser', init.getText(), 'initialise file-scope variables with constants');
		}
	}
	const ent: VarEntity = { kind: 'var', name: vd.getName(), cname: vd.getName(), external: false, node: vd, type, mutable: true, decl: vd, isObject: false };
	ck.model.setVar(vd, ent);
	items.push({ kind: 'global', node: vd, ent });
}

function checkObjectLiteral(ck: Checker, obj: ObjectLiteralExpression, st: StructType): void {
	for (const p of obj.getProperties()) {
		if (!Node.isPropertyAssignment(p)) {
			if (Node.isShorthandPropertyAssignment(p)) ck.report(p, 'KTS1010', 'a shorthand property', `write '${p.getName()}: ${p.getName()}'`);
			else ck.report(p, 'KTS1010', `'${p.getText().slice(0, 20)}' in an object literal`, 'write field: value');
			continue;
		}
		const name = p.getName();
		const f = st.fields.get(name);
		if (!f) {
			ck.report(p.getNameNode(), 'KTS3005', `${st.cname} has no field '${name}'`, 'check the declaration in kmod-src/kernel/');
			continue;
		}
		const v = p.getInitializerOrThrow();
		if (f.type.kind === 'struct' && Node.isObjectLiteralExpression(v)) {
			checkObjectLiteral(ck, v, f.type);
			continue;
		}
		const i = checkExpr(ck, v, { kind: 'implicit', type: f.type });
		if (isErr(i)) continue;
		ck.assignable(v, i, f.type);
		const constant = i.lit !== undefined || i.type.kind === 'func' || i.embedded || (i.type.kind === 'ptr' && i.type.view === 'str') || isConstantExpression(ck, v);
		if (!constant) ck.report(v, 'KTS3005', `field '${name}' must be initialised with a constant, a function or a file-scope object`, 'C initialises static objects at compile time');
	}
}

/** An expression C can evaluate at compile time: constants and operators on them. */
function isConstantExpression(ck: Checker, e: Node): boolean {
	if (Node.isParenthesizedExpression(e)) return isConstantExpression(ck, e.getExpression());
	if (Node.isNumericLiteral(e) || e.getKind() === SyntaxKind.BigIntLiteral || e.getKind() === SyntaxKind.TrueKeyword || e.getKind() === SyntaxKind.FalseKeyword)
		return true;
	if (Node.isBinaryExpression(e)) return isConstantExpression(ck, e.getLeft()) && isConstantExpression(ck, e.getRight());
	if (Node.isPrefixUnaryExpression(e)) return isConstantExpression(ck, e.getOperand());
	const ent = ck.exprInfo.get(e)?.entity;
	return !!ent && (ent.kind === 'const' || ent.kind === 'enummember');
}

function checkTable(ck: Checker, vd: VariableDeclaration, targs: import('ts-morph').TypeNode[], items: TopItem[]): void {
	const init = vd.getInitializer();
	const dims: EnumType[] = [];
	for (const a of targs.slice(0, -1)) {
		const t = ck.model.typeFromNode(a);
		if (!t || t.kind !== 'enum') {
			ck.report(a, 'KTS2009', 'an enum', a.getText(), 'tables are indexed by enums');
			return;
		}
		dims.push(t);
	}
	const elem = targs.length ? ck.model.typeFromNode(targs[targs.length - 1]) : undefined;
	if (!elem || !dims.length) return;
	if (!init || !Node.isObjectLiteralExpression(init)) {
		ck.report(init ?? vd, 'KTS1017');
		return;
	}
	const walk = (obj: ObjectLiteralExpression, depth: number, path: string) => {
		const dim = dims[depth];
		const seen = new Set<string>();
		for (const p of obj.getProperties()) {
			if (!Node.isPropertyAssignment(p) || !Node.isComputedPropertyName(p.getNameNode())) {
				ck.report(p, 'KTS3008', vd.getName(), `a computed key [${dim.name}.X] here`);
				continue;
			}
			const keyExpr = (p.getNameNode() as import('ts-morph').ComputedPropertyName).getExpression();
			const k = checkExpr(ck, keyExpr);
			if (isErr(k) || k.type.kind !== 'enum' || k.type.name !== dim.name) {
				ck.report(keyExpr, 'KTS2009', `a member of enum ${dim.name}`, keyExpr.getText(), 'index the table with its enum');
				continue;
			}
			const member = [...dim.members.entries()].find(([, v]) => v === k.lit)![0];
			seen.add(member);
			const v = p.getInitializerOrThrow();
			if (depth + 1 < dims.length) {
				if (!Node.isObjectLiteralExpression(v)) ck.report(v, 'KTS3008', vd.getName(), `a row for ${member}`);
				else walk(v, depth + 1, `${path}[${member}]`);
			} else {
				const i = checkExpr(ck, v, { kind: 'implicit', type: elem });
				if (!isErr(i)) {
					ck.assignable(v, i, elem);
					if (i.lit === undefined) ck.report(v, 'KTS2009', 'a constant', v.getText(), 'table cells are constants');
				}
			}
		}
		const missing = [...dim.members.keys()].filter((m) => !seen.has(m) && !isSentinel(dim, m));
		if (missing.length) ck.report(obj, 'KTS3008', vd.getName(), `${path ? `${path}: ` : ''}${missing.join(', ')}`);
	};
	walk(init, 0, '');
	let type: CType = elem;
	for (const d of [...dims].reverse()) type = { kind: 'array', of: type, len: tableDim(d) };
	const ent: VarEntity = { kind: 'var', name: vd.getName(), cname: vd.getName(), external: false, node: vd, type, mutable: false, decl: vd, isObject: false };
	ck.model.setVar(vd, ent);
	items.push({ kind: 'table', node: vd, ent, dims, elem });
}

/** Members that are not table keys: a trailing count (`BitStateCount`) or out-of-range markers. */
export function isSentinel(en: EnumType, member: string): boolean {
	const v = en.members.get(member)!;
	return /Count$/.test(member) || v >= BigInt(en.members.size) || /None$/.test(member);
}

/** Table dimension: the enum's count member if it has one, else its size. */
export function tableDim(en: EnumType): string {
	const count = [...en.members.keys()].find((m) => /Count$/.test(m));
	return count ?? String([...en.members.values()].filter((v) => v < BigInt(en.members.size)).length);
}

function checkTopStatement(ck: Checker, s: Node, items: TopItem[], decls: UnitDecls): void {
	if (Node.isImportDeclaration(s)) {
		const target = s.getModuleSpecifierSourceFile()?.getFilePath();
		const inside = (dir: string) => !!target && target.startsWith(dir + '/');
		if (!inside(ck.fe.srcDir) && !inside(ck.fe.kernelDir)) ck.report(s.getModuleSpecifier(), 'KTS0003', s.getModuleSpecifierValue());
		return;
	}
	if (Node.isFunctionDeclaration(s)) {
		const ent = checkFunctionDecl(ck, s);
		if (ent) items.push({ kind: 'func', node: s, ent });
		return;
	}
	if (Node.isClassDeclaration(s)) {
		checkStruct(ck, s);
		items.push({ kind: 'struct', node: s, ent: ck.model.structs.get(s.getName()!)! });
		return;
	}
	if (Node.isEnumDeclaration(s)) {
		items.push({ kind: 'enum', node: s, type: checkEnum(ck, s) });
		return;
	}
	if (Node.isVariableStatement(s)) {
		for (const vd of s.getDeclarations()) checkVariable(ck, vd, items);
		return;
	}
	if (Node.isExpressionStatement(s)) {
		const e = s.getExpression();
		const call = intrinsicCall(ck, e);
		if (call && call.name === 'EXPORT_SYMBOL_GPL') {
			const fnArg = call.args[0];
			const ent = fnArg && Node.isIdentifier(fnArg) ? ck.model.resolve(fnArg) : undefined;
			if (!ent || ent.kind !== 'func' || ent.external || !ent.exported) {
				ck.report(fnArg ?? s, 'KTS2009', 'an exported function of this file', fnArg?.getText() ?? '', "export the function ('export function f(...)') and pass it by name");
				return;
			}
			ent.global = true;
			items.push({ kind: 'export', node: s, fn: ent.cname });
			return;
		}
		if (call && call.name === 'kpatch') {
			const spec = kpatchSpec(ck, call.args);
			if (spec) {
				decls.kpatches.push(spec);
				items.push({ kind: 'kpatch', node: s, spec });
			}
			return;
		}
		ck.report(s, 'KTS1030', 'code');
		return;
	}
	if (Node.isTypeAliasDeclaration(s) || Node.isInterfaceDeclaration(s)) {
		ck.report(s, 'KTS1030', Node.isTypeAliasDeclaration(s) ? 'type aliases' : 'interfaces (use a class for a struct)');
		return;
	}
	if (Node.isExportDeclaration(s) || Node.isExportAssignment(s)) {
		ck.report(s, 'KTS1030', 're-exports');
		return;
	}
	ck.report(s, 'KTS1030', s.getKindName());
}

function kpatchSpec(ck: Checker, args: Expression[]): KPatchSpec | undefined {
	const obj = args[0];
	if (!obj || !Node.isObjectLiteralExpression(obj)) {
		ck.report(obj ?? args[0], 'KTS3007', 'kpatch() takes { file, line, before, after, insert }', 'see kmod-src/block/bdev.ts');
		return undefined;
	}
	const get = (name: string) => {
		const p = obj.getProperty(name);
		return p && Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
	};
	const lines = (name: string): string[] | undefined => {
		const v = get(name);
		if (!v || !Node.isArrayLiteralExpression(v)) return undefined;
		const out: string[] = [];
		for (const e of v.getElements()) {
			const s = stringArg(e);
			if (s === undefined) return undefined;
			out.push(s);
		}
		return out;
	};
	const file = stringArg(get('file'));
	const lineNode = get('line');
	const before = lines('before');
	const after = lines('after');
	const insert = stringArg(get('insert')) ?? 'unit';
	if (!file || !lineNode || !Node.isNumericLiteral(lineNode) || !before || !after || (insert !== 'unit' && insert !== 'prototypes')) {
		ck.report(obj, 'KTS3007', 'kpatch() needs file, line, before[], after[] (and insert: "unit" | "prototypes")', 'the context lines are the kernel file\'s lines around the insertion point');
		return undefined;
	}
	return { file, line: Number(lineNode.getLiteralValue()), before, after, insert };
}

export function checkTopLevel(ck: Checker, unit: Unit): UnitDecls {
	const decls: UnitDecls = { unit, items: [], kpatches: [] };
	for (const sf of unit.files) {
		const tags = fileTags(sf);
		if (tags.subject) decls.subject = tags.subject;
		if (tags.header) decls.headerName = tags.header;
		if (tags.comment && !decls.comment) decls.comment = tags.comment;
		for (const s of sf.getStatements()) checkTopStatement(ck, s, decls.items, decls);
	}
	// Every struct field is now known: check uses of structs by value.
	for (const it of decls.items) if (it.kind === 'define' && it.ent.value !== undefined && it.ent.type.kind === 'int' && !fits(it.ent.value, it.ent.type)) ck.report(it.node, 'KTS2004', String(it.ent.value), it.ent.type.name);
	void SyntaxKind;
	void jsDocTags;
	return decls;
}

/** The unit file's leading JSDoc: description, @subject, @header. */
function fileTags(sf: SourceFile): { comment?: string; subject?: string; header?: string } {
	const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(sf.getFullText());
	if (!m) return {};
	const body = m[1]
		.split('\n')
		.map((l) => l.replace(/^\s*\* ?/, ''))
		.join('\n')
		.trim();
	const tag = (name: string) => new RegExp(`@${name}\\s+(.+)`).exec(body)?.[1].trim();
	const comment = body
		.split('\n')
		.filter((l) => !l.startsWith('@'))
		.join('\n')
		.trim();
	return { comment: comment || undefined, subject: tag('subject'), header: tag('header') };
}
