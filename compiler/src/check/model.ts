// The program model: every TypeScript declaration the compiler can meet,
// from kmod-src or from the kernel declaration layer (kmod-src/kernel/*.d.ts),
// mapped to a C entity with its C name, C type and header. C types come from
// the declared annotations, never from TypeScript's inferred types (which
// erase `u32` to `number`).
import {
	type ClassDeclaration,
	type EnumDeclaration,
	type FunctionDeclaration,
	type JSDocableNode,
	Node,
	type SourceFile,
	SyntaxKind,
	type TypeNode,
	type VariableDeclaration,
} from 'ts-morph';
import {
	type BitmapSize,
	BOOL,
	type CType,
	type EnumType,
	type FuncType,
	INT_ALIASES,
	type IntType,
	intType,
	type StructType,
	VOID,
} from '../c/types.js';
import type { Diagnostics } from '../diagnostics/diagnostics.js';
import { type Frontend, isPreludeFile } from '../frontend.js';

export type Entity =
	| FuncEntity
	| ConstEntity
	| VarEntity
	| EnumEntity
	| EnumMemberEntity
	| StructEntity
	| IntConvEntity;

interface Base {
	name: string;
	cname: string;
	/** Header to include when used: `linux/slab.h` or `"md.h"`. */
	header?: string;
	external: boolean;
	node: Node;
}

export interface FuncEntity extends Base {
	kind: 'func';
	type: FuncType;
	exported: boolean;
	/**
	 * Non-static in C, declared in the unit's header: tagged @global,
	 * exported with EXPORT_SYMBOL_GPL(), or imported by another unit.
	 */
	global: boolean;
	/** Handled by the compiler rather than called as is. */
	intrinsic?: string;
	/** A function-like macro: lvalue arguments are passed as written. */
	macro: boolean;
	/** An iteration macro used in `for (const x of m(...))`. */
	iterator: boolean;
	/** Unit (C file) that defines it, for kmod-src functions. */
	unit?: string;
}

export interface ConstEntity extends Base {
	kind: 'const';
	type: CType;
	/** Known value, for range checks and table sizes. */
	value?: bigint;
	/** kmod-src constant printed as #define. */
	init?: Node;
}

export interface VarEntity extends Base {
	kind: 'var';
	type: CType;
	mutable: boolean;
	decl?: VariableDeclaration;
	/** A struct-typed file-scope object (ops table, attribute group...). */
	isObject: boolean;
	/** Declared Readonly<T>: `static const` in C. */
	constObject?: boolean;
	/** An object tagged @global: not static, declared in the unit's header. */
	global?: boolean;
	unit?: string;
}

export interface EnumEntity extends Base {
	kind: 'enum';
	type: EnumType;
}

export interface EnumMemberEntity extends Base {
	kind: 'enummember';
	type: EnumType;
	value: bigint;
}

export interface StructEntity extends Base {
	kind: 'struct';
	type: StructType;
}

export interface IntConvEntity extends Base {
	kind: 'intconv';
	target: IntType;
}

/** JSDoc tags of a declaration (or of its statement), last one wins. */
export function jsDocTags(node: Node): Map<string, string> {
	const tags = new Map<string, string>();
	let n: Node | undefined = node;
	if (Node.isVariableDeclaration(n)) n = n.getVariableStatement();
	if (!n || !('getJsDocs' in n)) return tags;
	for (const doc of (n as unknown as JSDocableNode).getJsDocs())
		for (const tag of doc.getTags()) tags.set(tag.getTagName(), (tag.getCommentText() ?? '').trim());
	return tags;
}

/** Tags the compiler reads; other @words (kernel-doc @param:) stay in the text. */
const COMPILER_TAGS = /^@(c|header|intrinsic|macro|iterator|format|typedef|conversion|value|nonneg|subject|anonymous|global|bitmap|bitop)\b/;

/**
 * The text of a declaration's JSDoc, as written, minus the compiler's own
 * tags: it becomes the C comment.
 */
export function jsDocText(node: Node): string | undefined {
	let n: Node | undefined = node;
	if (Node.isVariableDeclaration(n)) n = n.getVariableStatement();
	if (!n || !('getJsDocs' in n)) return undefined;
	const docs = (n as unknown as JSDocableNode).getJsDocs();
	if (!docs.length) return undefined;
	const raw = docs[docs.length - 1].getText();
	const lines = raw
		.replace(/^\/\*\*\s?/, '')
		.replace(/\s*\*\/$/, '')
		.split('\n')
		.map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''))
		.filter((l) => !COMPILER_TAGS.test(l.trim()));
	const text = lines.join('\n').trim();
	return text || undefined;
}

/** `@header` of the file's leading JSDoc (first statement's doc). */
function fileHeader(sf: SourceFile): string | undefined {
	const text = sf.getFullText();
	const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text);
	if (!m) return undefined;
	const h = /@header\s+(\S+)/.exec(m[1]);
	return h?.[1];
}

export class Model {
	readonly entities = new Map<Node, Entity>();
	readonly structs = new Map<string, StructEntity>();
	readonly enums = new Map<string, EnumEntity>();
	/** Names of the kernel declaration layer, for suggestions. */
	readonly preludeNames = new Set<string>();
	private resolving = new Set<Node>();

	constructor(
		readonly fe: Frontend,
		readonly diags: Diagnostics,
	) {
		for (const sf of fe.preludeFiles) this.collect(sf, true, undefined);
		for (const u of fe.units) for (const sf of u.files) this.collect(sf, false, u.name);
	}

	// ------------------------------------------------------------ collection

	private collect(sf: SourceFile, external: boolean, unit: string | undefined): void {
		const header = external ? fileHeader(sf) : undefined;
		for (const cls of sf.getClasses()) this.addStruct(cls, external, header);
		for (const en of sf.getEnums()) this.addEnum(en, external, header);
		// Functions and variables are typed lazily: they may name structs
		// declared later in the same or another file.
		for (const fn of sf.getFunctions()) {
			const name = fn.getName();
			if (!name) continue;
			if (external) this.preludeNames.add(name);
			this.pending.set(fn, { external, header, unit });
		}
		for (const vs of sf.getVariableStatements())
			for (const vd of vs.getDeclarations()) {
				if (external) this.preludeNames.add(vd.getName());
				this.pending.set(vd, { external, header, unit });
			}
		if (external)
			for (const ta of sf.getTypeAliases()) this.preludeNames.add(ta.getName());
	}

	private pending = new Map<Node, { external: boolean; header?: string; unit?: string }>();

	private addStruct(cls: ClassDeclaration, external: boolean, header: string | undefined): void {
		const name = cls.getName()!;
		const tags = jsDocTags(cls);
		const cname = tags.has('c') ? tags.get('c')! : tags.has('typedef') ? name : `struct ${name}`;
		const type: StructType = { kind: 'struct', name, cname, fields: new Map(), external, header: tags.get('header') ?? header };
		const ent: StructEntity = {
			kind: 'struct',
			name,
			cname,
			header: tags.get('header') ?? header,
			external,
			node: cls,
			type,
		};
		this.entities.set(cls, ent);
		this.structs.set(name, ent);
		if (external) this.preludeNames.add(name);
	}

	/**
	 * `field = new T()`: an embedded struct of type T; `field = new
	 * Bitmap(bits)`: DECLARE_BITMAP(field, bits).
	 */
	embeddedType(init: Node | undefined): CType | undefined {
		if (!init || !Node.isNewExpression(init)) return undefined;
		const st = this.structs.get(init.getExpression().getText());
		if (!st) return undefined;
		const args = init.getArguments();
		if (jsDocTags(st.node).has('bitmap')) return args.length === 1 ? this.bitmapType(st, args[0]) : undefined;
		return args.length ? undefined : st.type;
	}

	private bitmaps = new Map<Node, CType | undefined>();

	/** `new Bitmap(...)`, whether or not its size is valid. */
	isBitmapInit(init: Node | undefined): boolean {
		if (!init || !Node.isNewExpression(init)) return false;
		const st = this.structs.get(init.getExpression().getText());
		return !!st && jsDocTags(st.node).has('bitmap');
	}

	/**
	 * The array a Bitmap of `bits` bits is: `unsigned long [BITS_TO_LONGS(bits)]`.
	 * `bits` is an integer literal or a kernel constant (defined before any
	 * struct of the unit, unlike a file-scope const); anything else is
	 * reported once (KTS2016).
	 */
	private bitmapType(st: StructEntity, bits: Node): CType | undefined {
		if (this.bitmaps.has(bits)) return this.bitmaps.get(bits);
		let size: BitmapSize | undefined;
		if (Node.isNumericLiteral(bits) || Node.isBigIntLiteral(bits)) {
			const value = BigInt(bits.getText().replace(/n$/, '').replace(/_/g, ''));
			if (value > 0n) size = { bits: String(value), value };
		} else if (Node.isIdentifier(bits)) {
			const ent = this.resolve(bits);
			if (ent && ent.kind === 'const' && ent.external && ent.type.kind === 'int' && (ent.value === undefined || ent.value > 0n))
				size = { bits: ent.cname, value: ent.value, header: ent.header };
		}
		const type: CType | undefined = size && { kind: 'array', of: this.structs.get('Bits')?.type ?? st.type, len: `BITS_TO_LONGS(${size.bits})`, bitmap: size };
		if (!type) this.diags.report(bits, 'KTS2016', `Bitmap(${bits.getText()})`, 'the size of a bitmap must be a positive integer literal or a kernel constant', 'write new Bitmap(PAGE_SECTORS) or new Bitmap(128)');
		this.bitmaps.set(bits, type);
		return type;
	}

	/** Fill struct fields once every struct name is known. */
	finishStructs(): void {
		for (const ent of this.structs.values()) {
			const cls = ent.node as ClassDeclaration;
			for (const p of cls.getProperties()) {
				if (p.hasModifier(SyntaxKind.PrivateKeyword)) continue;
				const tn = p.getTypeNode();
				const type = tn ? this.typeFromNode(tn) : this.embeddedType(p.getInitializer());
				if (type) ent.type.fields.set(p.getName(), { name: p.getName(), type, comment: jsDocText(p) });
			}
		}
	}

	private addEnum(en: EnumDeclaration, external: boolean, header: string | undefined): void {
		const name = en.getName();
		const members = new Map<string, bigint>();
		const type: EnumType = { kind: 'enum', name, members };
		let next = 0n;
		for (const m of en.getMembers()) {
			const v = m.getValue();
			const value = typeof v === 'number' ? BigInt(v) : next;
			members.set(m.getName(), value);
			next = value + 1n;
			this.entities.set(m, {
				kind: 'enummember',
				name: m.getName(),
				cname: m.getName(),
				external,
				node: m,
				header,
				type,
				value,
			});
		}
		const ent: EnumEntity = { kind: 'enum', name, cname: `enum ${name}`, header, external, node: en, type };
		this.entities.set(en, ent);
		this.enums.set(name, ent);
		if (external) this.preludeNames.add(name);
	}

	// ------------------------------------------------------------- lookup

	/** The entity a declaration node stands for, typing it on first use. */
	entityOf(decl: Node): Entity | undefined {
		const known = this.entities.get(decl);
		if (known) return known;
		const p = this.pending.get(decl);
		if (!p || this.resolving.has(decl)) return undefined;
		this.resolving.add(decl);
		try {
			const ent = Node.isFunctionDeclaration(decl)
				? this.funcEntity(decl, p.external, p.header, p.unit)
				: Node.isVariableDeclaration(decl)
					? this.varEntity(decl, p.external, p.header, p.unit)
					: undefined;
			if (ent) this.entities.set(decl, ent);
			return ent;
		} finally {
			this.resolving.delete(decl);
		}
	}

	/** Resolve an identifier (following import aliases) to its entity. */
	resolve(ident: Node): Entity | undefined {
		const decl = this.declOf(ident);
		return decl ? this.entityOf(decl) : undefined;
	}

	declOf(ident: Node): Node | undefined {
		let sym = ident.getSymbol();
		if (!sym) return undefined;
		if (sym.isAlias()) sym = sym.getAliasedSymbol() ?? sym;
		const decls = sym.getDeclarations();
		// A conversion function and its type alias share a name: take the value.
		return decls.find((d) => Node.isFunctionDeclaration(d) || Node.isVariableDeclaration(d)) ?? decls[0];
	}

	isPrelude(node: Node): boolean {
		return isPreludeFile(this.fe, node.getSourceFile());
	}

	private funcEntity(fn: FunctionDeclaration, external: boolean, header: string | undefined, unit?: string): Entity {
		const tags = jsDocTags(fn);
		const name = fn.getName()!;
		if (external && intType(name) && tags.has('conversion'))
			return { kind: 'intconv', name, cname: name, external, node: fn, target: intType(name)! };
		// Intrinsics are checked by the compiler itself, not by their signature.
		// Iteration macros are typed by the for-of that uses them;
		// variadic (format) arguments by the format.
		const intrinsic = tags.has('intrinsic');
		const params = fn
			.getParameters()
			.filter((p) => !p.isRestParameter())
			.map((p) => {
				const tn = p.getTypeNode();
				return { name: p.getName(), type: (!intrinsic && tn && this.typeFromNode(tn)) || VOID };
			});
		const rt = fn.getReturnTypeNode();
		const ret = rt && !intrinsic && !tags.has('iterator') ? (this.typeFromNode(rt) ?? VOID) : VOID;
		return {
			kind: 'func',
			name,
			cname: tags.get('c') || name,
			header: tags.get('header') ?? header,
			external,
			node: fn,
			type: { kind: 'func', ret, params },
			exported: fn.isExported(),
			global: external || tags.has('global'),
			intrinsic: tags.has('intrinsic') ? tags.get('intrinsic') || name : undefined,
			macro: tags.has('macro'),
			iterator: tags.has('iterator'),
			unit,
		};
	}

	private varEntity(vd: VariableDeclaration, external: boolean, header: string | undefined, unit?: string): Entity | undefined {
		const tags = jsDocTags(vd);
		const name = vd.getName();
		const tn = vd.getTypeNode();
		const isConst = vd.getVariableStatement()?.getDeclarationKind() === 'const';
		if (external) {
			const type = tn ? this.typeFromNode(tn) : undefined;
			if (!type) return undefined;
			const value = tags.has('value') ? BigInt(tags.get('value')!) : undefined;
			if (isConst && (type.kind === 'int' || type.kind === 'bool' || type.kind === 'enum' || type.kind === 'ptr'))
				return { kind: 'const', name, cname: tags.get('c') || name, header: tags.get('header') ?? header, external, node: vd, type, value };
			return {
				kind: 'var',
				name,
				cname: tags.get('c') || name,
				header: tags.get('header') ?? header,
				external,
				node: vd,
				type,
				// Kernel variables (jiffies) are read, never assigned, by kmod-src.
				mutable: false,
				isObject: type.kind === 'struct',
			};
		}
		// kmod-src: the type checker (check/decls.ts) types these; the model
		// records what it can from the annotation. Tables, attribute lists
		// and module parameters are typed by check/decls.ts alone.
		const special = tn && Node.isTypeReference(tn) && ['Table', 'attribute_list', 'Param'].includes(tn.getTypeName().getText());
		const type = tn && !special ? this.typeFromNode(tn) : undefined;
		if (!type) return undefined;
		return {
			kind: 'var',
			name,
			cname: name,
			external: false,
			node: vd,
			type,
			mutable: !isConst,
			decl: vd,
			isObject: type.kind === 'struct' || type.kind === 'array',
			unit,
		};
	}

	/** Register a kmod-src constant once its type and value are known. */
	setConst(vd: VariableDeclaration, type: CType, value: bigint | undefined): ConstEntity {
		const ent: ConstEntity = {
			kind: 'const',
			name: vd.getName(),
			cname: vd.getName(),
			external: false,
			node: vd,
			type,
			value,
			init: vd.getInitializer(),
		};
		this.entities.set(vd, ent);
		return ent;
	}

	setVar(vd: VariableDeclaration, ent: VarEntity): void {
		this.entities.set(vd, ent);
	}

	// -------------------------------------------------------------- types

	/**
	 * The C type an annotation denotes, or undefined after a diagnostic.
	 * Reads the annotation's names: `u32`, `Ptr<mddev>`, `Mem<u8>`, ...
	 */
	typeFromNode(tn: TypeNode): CType | undefined {
		if (Node.isParenthesizedTypeNode(tn)) return this.typeFromNode(tn.getTypeNode());
		switch (tn.getKind()) {
			case SyntaxKind.BooleanKeyword:
				return BOOL;
			case SyntaxKind.VoidKeyword:
				return VOID;
			case SyntaxKind.NumberKeyword:
				this.diags.report(tn, 'KTS1002', 'number');
				return undefined;
			case SyntaxKind.BigIntKeyword:
				this.diags.report(tn, 'KTS1002', 'bigint');
				return undefined;
			case SyntaxKind.StringKeyword:
				this.diags.report(tn, 'KTS1004');
				return undefined;
			case SyntaxKind.ObjectKeyword:
				// The declaration layer's `object` is C's `const void *` (IS_ERR(), kfree()).
				if (this.isPrelude(tn)) return { kind: 'ptr', to: VOID, view: 'void' };
				this.diags.report(tn, 'KTS1002', 'object');
				return undefined;
			case SyntaxKind.AnyKeyword:
			case SyntaxKind.UnknownKeyword:
			case SyntaxKind.NeverKeyword:
			case SyntaxKind.UndefinedKeyword:
				this.diags.report(tn, 'KTS1002', tn.getText());
				return undefined;
		}
		if (Node.isUnionTypeNode(tn)) {
			const parts = tn.getTypeNodes();
			const nonNull = parts.filter((p) => !(Node.isLiteralTypeNode(p) && p.getText() === 'null'));
			if (nonNull.length === 1 && parts.length === 2) {
				const t = this.typeFromNode(nonNull[0]);
				if (t && t.kind === 'ptr') return { ...t, nullable: true };
				// a function pointer that may be NULL (an optional op)
				if (t && t.kind === 'func') return { ...t, nullable: true };
				if (t) this.diags.report(tn, 'KTS1003');
				return undefined;
			}
			this.diags.report(tn, 'KTS1003');
			return undefined;
		}
		if (Node.isFunctionTypeNode(tn)) {
			const params = tn.getParameters().map((p) => {
				const ptn = p.getTypeNode();
				return { name: p.getName(), type: (ptn && this.typeFromNode(ptn)) || VOID };
			});
			const rtn = tn.getReturnTypeNode();
			return { kind: 'func', ret: (rtn && this.typeFromNode(rtn)) || VOID, params, pointer: true };
		}
		if (Node.isTypeReference(tn)) {
			const name = tn.getTypeName().getText();
			const args = tn.getTypeArguments();
			const arg = (i: number) => (args[i] ? this.typeFromNode(args[i]) : undefined);
			switch (name) {
				case 'bool':
					return BOOL;
				case 'Ptr': {
					const t = arg(0);
					if (!t) return undefined;
					return { kind: 'ptr', to: t, view: 'struct' };
				}
				case 'Mem': {
					const t = arg(0);
					return t && { kind: 'ptr', to: t, view: 'mem' };
				}
				case 'ConstMem': {
					const t = arg(0);
					return t && { kind: 'ptr', to: t, view: 'mem', constTarget: true };
				}
				case 'Out': {
					const t = arg(0);
					return t && { kind: 'ptr', to: t, view: 'out' };
				}
				case 'Arr': {
					const t = arg(0);
					const n = args[1];
					if (!t || !n) return undefined;
					const len = Node.isLiteralTypeNode(n) ? n.getText() : Node.isTypeReference(n) ? n.getText() : undefined;
					if (!len) {
						this.diags.report(n, 'KTS1002', n.getText());
						return undefined;
					}
					return { kind: 'array', of: t, len };
				}
				case 'attribute_list': {
					const attr = this.structs.get('attribute');
					return attr && { kind: 'array', of: { kind: 'ptr', to: attr.type, view: 'struct' }, len: '' };
				}
				case 'VoidPtr':
					return { kind: 'ptr', to: VOID, view: 'void' };
				case 'cstr':
					return { kind: 'ptr', to: intType('char')!, view: 'str', constTarget: true };
				case 'Readonly': {
					// Readonly<Ptr<T>> is `const T *`.
					const t = arg(0);
					return t && t.kind === 'ptr' ? { ...t, constTarget: true } : t;
				}
			}
			const it = intType(name);
			if (it && (INT_ALIASES.has(name) || name === it.name)) return it;
			const st = this.structs.get(name);
			if (st) return st.type;
			const en = this.enums.get(name);
			if (en) return en.type;
			// A type alias of the declaration layer (e.g. a callback type).
			const decl = this.declOf(tn.getTypeName());
			// A type parameter of a kernel generic (ERR_PTR<T>): C sees void.
			if (decl && Node.isTypeParameterDeclaration(decl)) return VOID;
			if (decl && Node.isTypeAliasDeclaration(decl) && !this.resolving.has(decl)) {
				this.resolving.add(decl);
				try {
					const inner = decl.getTypeNode();
					return inner && this.typeFromNode(inner);
				} finally {
					this.resolving.delete(decl);
				}
			}
			this.diags.report(tn, 'KTS2007', name);
			return undefined;
		}
		if (Node.isLiteralTypeNode(tn)) {
			this.diags.report(tn, 'KTS1002', tn.getText());
			return undefined;
		}
		this.diags.report(tn, 'KTS1002', tn.getText());
		return undefined;
	}
}
