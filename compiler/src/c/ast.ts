// A typed C AST. Lowering builds these nodes; only the printer turns them
// into text. Every node may carry the TypeScript position it came from, for
// `#line` directives.
import type { CType } from './types.js';

export interface Pos {
	file: string;
	line: number;
}

interface Node {
	pos?: Pos;
}

export type Expr =
	| Ident
	| IntLit
	| StrLit
	| Unary
	| Postfix
	| Binary
	| Assign
	| Cond
	| Call
	| Member
	| Index
	| Cast
	| SizeofType
	| SizeofExpr
	| TypeArg
	| InitList
	| Paren;

export interface Ident extends Node {
	k: 'ident';
	name: string;
}
export interface IntLit extends Node {
	k: 'int';
	/** Digits as written (decimal, 0x, octal) plus any suffix. */
	text: string;
}
export interface StrLit extends Node {
	k: 'str';
	/** The string's value; the printer escapes it. */
	value: string;
}
export type UnaryOp = '!' | '~' | '-' | '+' | '&' | '*' | '++' | '--';
export interface Unary extends Node {
	k: 'unary';
	op: UnaryOp;
	e: Expr;
}
export interface Postfix extends Node {
	k: 'postfix';
	op: '++' | '--';
	e: Expr;
}
export type BinaryOp =
	| '*' | '/' | '%' | '+' | '-' | '<<' | '>>'
	| '<' | '>' | '<=' | '>=' | '==' | '!='
	| '&' | '^' | '|' | '&&' | '||' | ',';
export interface Binary extends Node {
	k: 'binary';
	op: BinaryOp;
	l: Expr;
	r: Expr;
}
export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '<<=' | '>>=' | '&=' | '^=' | '|=';
export interface Assign extends Node {
	k: 'assign';
	op: AssignOp;
	l: Expr;
	r: Expr;
}
export interface Cond extends Node {
	k: 'cond';
	c: Expr;
	t: Expr;
	f: Expr;
}
export interface Call extends Node {
	k: 'call';
	fn: Expr;
	args: Expr[];
}
export interface Member extends Node {
	k: 'member';
	e: Expr;
	name: string;
	arrow: boolean;
}
export interface Index extends Node {
	k: 'index';
	e: Expr;
	i: Expr;
}
export interface Cast extends Node {
	k: 'cast';
	type: CType;
	e: Expr;
}
export interface SizeofType extends Node {
	k: 'sizeof_type';
	type: CType;
}
export interface SizeofExpr extends Node {
	k: 'sizeof_expr';
	e: Expr;
}
/** A type passed to a macro: container_of(p, struct llbitmap, work). */
export interface TypeArg extends Node {
	k: 'type_arg';
	type: CType;
}
export interface InitItem {
	/** `.field` or `[index]`; none for positional items. */
	field?: string;
	index?: Expr;
	value: Expr;
	comment?: string;
}
export interface InitList extends Node {
	k: 'init';
	items: InitItem[];
	/** Print one item per line, designators aligned with tabs. */
	multiline: boolean;
}
/** Parentheses the source asked for, kept for readability. */
export interface Paren extends Node {
	k: 'paren';
	e: Expr;
}

export type Stmt =
	| ExprStmt
	| DeclStmt
	| Block
	| If
	| While
	| DoWhile
	| For
	| MacroLoop
	| Switch
	| Return
	| Break
	| Continue
	| Goto
	| Label
	| Blank
	| Comment;

export interface ExprStmt extends Node {
	k: 'expr';
	e: Expr;
}
export interface VarDecl extends Node {
	name: string;
	type: CType;
	init?: Expr;
	/** `static` storage (file scope) or `const` qualifier on the object. */
	isStatic?: boolean;
	isConst?: boolean;
	/** A header's declaration of a global defined in the unit: `extern`. */
	isExtern?: boolean;
	comment?: string;
}
export interface DeclStmt extends Node {
	k: 'decl';
	decl: VarDecl;
}
export interface Block extends Node {
	k: 'block';
	body: Stmt[];
}
export interface If extends Node {
	k: 'if';
	cond: Expr;
	then: Stmt;
	else?: Stmt;
}
export interface While extends Node {
	k: 'while';
	cond: Expr;
	body: Stmt;
}
export interface DoWhile extends Node {
	k: 'do';
	body: Stmt;
	cond: Expr;
}
export interface For extends Node {
	k: 'for';
	init?: Expr;
	cond?: Expr;
	step?: Expr;
	body: Stmt;
}
/** An iteration macro: rdev_for_each(rdev, mddev) { ... } */
export interface MacroLoop extends Node {
	k: 'macro_loop';
	macro: string;
	args: Expr[];
	body: Stmt;
}
export interface Case {
	/** Expressions; `undefined` stands for `default`. */
	labels: (Expr | undefined)[];
	body: Stmt[];
}
export interface Switch extends Node {
	k: 'switch';
	e: Expr;
	cases: Case[];
}
export interface Return extends Node {
	k: 'return';
	e?: Expr;
}
export interface Break extends Node {
	k: 'break';
}
export interface Continue extends Node {
	k: 'continue';
}
export interface Goto extends Node {
	k: 'goto';
	label: string;
}
export interface Label extends Node {
	k: 'label';
	name: string;
}
export interface Blank extends Node {
	k: 'blank';
}
export interface Comment extends Node {
	k: 'comment';
	text: string;
}

export type Decl =
	| Include
	| Define
	| EnumDecl
	| StructDecl
	| FuncDecl
	| Proto
	| GlobalVar
	| MacroCall
	| TopComment;

export interface Include extends Node {
	k: 'include';
	path: string;
	system: boolean;
}
export interface Define extends Node {
	k: 'define';
	name: string;
	value: Expr;
	comment?: string;
}
export interface EnumMember {
	name: string;
	value?: Expr;
	comment?: string;
}
export interface EnumDecl extends Node {
	k: 'enum';
	name: string;
	members: EnumMember[];
	comment?: string;
}
export interface StructDecl extends Node {
	k: 'struct';
	name: string;
	fields: { name: string; type: CType; comment?: string; blankBefore?: boolean }[];
	comment?: string;
}
export interface Param {
	name: string;
	type: CType;
}
export interface FuncDecl extends Node {
	k: 'func';
	name: string;
	ret: CType;
	params: Param[];
	isStatic: boolean;
	body: Block;
	comment?: string;
}
export interface Proto extends Node {
	k: 'proto';
	name: string;
	ret: CType;
	params: Param[];
	isStatic: boolean;
}
export interface GlobalVar extends Node {
	k: 'global';
	decl: VarDecl;
}
/** A statement-like macro at file scope: EXPORT_SYMBOL_GPL(x); */
export interface MacroCall extends Node {
	k: 'macro';
	name: string;
	args: Expr[];
}
export interface TopComment extends Node {
	k: 'topcomment';
	text: string;
}

// Small constructors keep lowering code readable.
export const id = (name: string, pos?: Pos): Ident => ({ k: 'ident', name, pos });
export const num = (text: string): IntLit => ({ k: 'int', text });
export const call = (fn: string | Expr, args: Expr[], pos?: Pos): Call => ({
	k: 'call',
	fn: typeof fn === 'string' ? id(fn) : fn,
	args,
	pos,
});
export const addr = (e: Expr): Unary => ({ k: 'unary', op: '&', e });
export const deref = (e: Expr): Unary => ({ k: 'unary', op: '*', e });
export const exprStmt = (e: Expr, pos?: Pos): ExprStmt => ({ k: 'expr', e, pos });
