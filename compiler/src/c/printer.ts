// Prints the C AST in kernel coding style: tabs, K&R braces, no braces
// around single statements, continuation lines aligned with the open
// parenthesis, a blank line after declarations, designated initialisers
// aligned with tabs. The printer never sees TypeScript; it only prints what
// lowering built.
import type * as C from './ast.js';
import { align, cat, choice, type Doc, fill, group, hardline, indent, line, render, softline, TAB, visualWidth } from './layout.js';
import type { CType } from './types.js';

export interface PrintOptions {
	/** Emit `#line N "file"` before statements (for gcc diagnostics). */
	lineDirectives?: boolean;
	width?: number;
	/**
	 * The C file's own name and the line its first printed line lands on:
	 * what has no TypeScript line (prototypes the compiler writes) is
	 * mapped back to the C file.
	 */
	cFile?: string;
	firstLine?: number;
}

// ---------------------------------------------------------------- types

/** Base type spelling and declarator for `type name`. */
export function declare(type: CType, name: string): string {
	if (type.kind === 'array' && type.bitmap) return `DECLARE_BITMAP(${name}, ${type.bitmap.bits})`;
	const { base, decl } = declParts(type, name);
	return decl ? `${base} ${decl}`.replace(/\* /g, '*') : base;
}

function declParts(type: CType, inner: string): { base: string; decl: string } {
	switch (type.kind) {
		case 'ptr': {
			if (type.view === 'str') return { base: 'const char', decl: `*${inner}` };
			const target = type.view === 'void' ? ({ kind: 'void', name: 'void' } as CType) : type.to;
			const needParens = target.kind === 'array' || target.kind === 'func';
			const d = needParens ? `(*${inner})` : `*${inner}`;
			const r = declParts(target, d);
			if (type.constTarget && !r.base.startsWith('const ')) r.base = `const ${r.base}`;
			return r;
		}
		case 'array':
			return declParts(type.of, `${inner}[${type.len}]`);
		case 'func': {
			const params = type.params.length ? type.params.map((p) => declare(p.type, p.name)).join(', ') : 'void';
			const d = type.pointer ? `(*${inner})(${params})` : `${inner}(${params})`;
			return declParts(type.ret, d);
		}
		case 'enum':
			return { base: `enum ${type.name}`, decl: inner };
		case 'struct':
			return { base: type.cname, decl: inner };
		case 'opaque':
			return { base: type.cname, decl: inner };
		default:
			return { base: type.name, decl: inner };
	}
}

export function typeText(type: CType): string {
	return declare(type, '').trim();
}

// ---------------------------------------------------------- expressions

/** C operator precedence, higher binds tighter. */
const BINARY_PREC: Record<C.BinaryOp, number> = {
	',': 1,
	'||': 4,
	'&&': 5,
	'|': 6,
	'^': 7,
	'&': 8,
	'==': 9,
	'!=': 9,
	'<': 10,
	'>': 10,
	'<=': 10,
	'>=': 10,
	'<<': 11,
	'>>': 11,
	'+': 12,
	'-': 12,
	'*': 13,
	'/': 13,
	'%': 13,
};
const PREC_ASSIGN = 2;
const PREC_COND = 3;
const PREC_UNARY = 14;
const PREC_POSTFIX = 15;
const PREC_PRIMARY = 16;

function prec(e: C.Expr): number {
	switch (e.k) {
		case 'binary':
			return BINARY_PREC[e.op];
		case 'assign':
			return PREC_ASSIGN;
		case 'cond':
			return PREC_COND;
		case 'unary':
		case 'cast':
		case 'sizeof_expr':
		case 'sizeof_type':
			return PREC_UNARY;
		case 'postfix':
		case 'call':
		case 'member':
		case 'index':
			return PREC_POSTFIX;
		default:
			return PREC_PRIMARY;
	}
}

export function escapeString(s: string): string {
	let out = '';
	for (const ch of s) {
		switch (ch) {
			case '\n':
				out += '\\n';
				break;
			case '\t':
				out += '\\t';
				break;
			case '\\':
				out += '\\\\';
				break;
			case '"':
				out += '\\"';
				break;
			default: {
				const c = ch.codePointAt(0)!;
				out += c < 0x20 || c > 0x7e ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
			}
		}
	}
	return `"${out}"`;
}

function wrap(e: C.Expr, min: number): Doc {
	const d = exprDoc(e);
	return prec(e) < min ? cat('(', d, ')') : d;
}

/** Operands of a chain of the same logical operator, for filling. */
function flattenChain(e: C.Expr, op: C.BinaryOp): C.Expr[] {
	if (e.k === 'binary' && e.op === op) return [...flattenChain(e.l, op), ...flattenChain(e.r, op)];
	return [e];
}

export function exprDoc(e: C.Expr): Doc {
	switch (e.k) {
		case 'ident':
			return e.name;
		case 'int':
			return e.text;
		case 'str':
			return escapeString(e.value);
		case 'paren':
			return cat('(', align(exprDoc(e.e)), ')');
		case 'unary': {
			// `-(-1)`: a negative literal after a minus would be `--1`
			if ((e.op === '-' || e.op === '+') && e.e.k === 'int' && e.e.text.startsWith(e.op)) return cat(e.op, '(', exprDoc(e.e), ')');
			const inner = wrap(e.e, PREC_UNARY);
			// `- -x` and `& &x` must not fuse into `--x` / `&&x`.
			const sep = (e.op === '-' || e.op === '+' || e.op === '&') && e.e.k === 'unary' && e.e.op === e.op ? ' ' : '';
			return cat(e.op, sep, inner);
		}
		case 'postfix':
			return cat(wrap(e.e, PREC_POSTFIX), e.op);
		case 'binary': {
			const p = BINARY_PREC[e.op];
			if (e.op === '&&' || e.op === '||') {
				const items = flattenChain(e, e.op).map((x) => wrap(x, p + 1));
				return align(fill(items, cat(` ${e.op}`, line())));
			}
			// Left-associative: the right operand needs parentheses at equal precedence.
			const l = wrap(e.l, p);
			const r = wrap(e.r, p + 1);
			if (e.op === ',') return cat(l, ', ', r);
			// A continuation line lines up with the expression's start.
			return align(group(cat(l, ` ${e.op}`, line(), r)));
		}
		case 'assign': {
			const l = wrap(e.l, PREC_UNARY);
			const r = wrap(e.r, PREC_ASSIGN);
			return cat(l, ` ${e.op}`, choice(cat(' ', r), indent(cat(hardline, r))));
		}
		case 'cond':
			return group(
				cat(wrap(e.c, PREC_COND + 1), ' ?', line(), wrap(e.t, PREC_COND + 1), ' :', line(), wrap(e.f, PREC_COND)),
			);
		case 'call': {
			const fn = wrap(e.fn, PREC_POSTFIX);
			if (!e.args.length) return cat(fn, '()');
			const args = e.args.map((a) => wrap(a, PREC_ASSIGN));
			return cat(fn, '(', align(fill(args, cat(',', line()))), ')');
		}
		case 'member':
			return cat(wrap(e.e, PREC_POSTFIX), e.arrow ? '->' : '.', e.name);
		case 'index':
			return cat(wrap(e.e, PREC_POSTFIX), '[', exprDoc(e.i), ']');
		case 'cast':
			return cat('(', typeText(e.type), ')', wrap(e.e, PREC_UNARY));
		case 'sizeof_type':
			return cat('sizeof(', typeText(e.type), ')');
		case 'sizeof_expr':
			return cat('sizeof(', exprDoc(e.e), ')');
		case 'type_arg':
			return typeText(e.type);
		case 'init':
			return initDoc(e, 0);
	}
}

function initDoc(e: C.InitList, depth: number): Doc {
	if (!e.items.length) return '{ }';
	if (!e.multiline) {
		const items = e.items.map((it) => cat(designator(it), it.field || it.index ? ' = ' : '', valueDoc(it.value, depth)));
		return group(cat('{ ', align(fill(items, cat(',', line()))), ' }'));
	}
	// One item per line; `=` aligned with tabs as in md-bitmap.c's ops table.
	const lead = '\t'.repeat(depth + 1);
	const desig = e.items.map(designator);
	const widest = Math.max(...desig.map((d) => visualWidth(lead + d)));
	const eqCol = (Math.floor(widest / TAB) + 1) * TAB;
	const lines: Doc[] = [];
	for (const [i, it] of e.items.entries()) {
		const d = desig[i];
		let gap = '';
		if (d && it.value.k !== 'init') {
			let col = visualWidth(lead + d);
			while (col < eqCol) {
				gap += '\t';
				col = (Math.floor(col / TAB) + 1) * TAB;
			}
		}
		const eq = d ? (it.value.k === 'init' ? ' = ' : `${gap}= `) : '';
		const value = valueDoc(it.value, depth + 1);
		lines.push(hardline, d, eq, it.value.k === 'init' ? value : align(value), ',', it.comment ? ` /* ${it.comment} */` : '');
	}
	return cat('{', indent(cat(...lines)), hardline, '}');
}

function designator(it: C.InitItem): string {
	if (it.field) return `.${it.field}`;
	if (it.index) return `[${render(exprDoc(it.index), 0, Infinity)}]`;
	return '';
}

function valueDoc(v: C.Expr, depth: number): Doc {
	return v.k === 'init' ? initDoc(v, depth) : exprDoc(v);
}

export function exprText(e: C.Expr, col = 0, width = 80): string {
	return render(exprDoc(e), col, width);
}

// ----------------------------------------------------------- statements

class Out {
	lines: string[] = [];
	constructor(
		readonly opts: PrintOptions,
		readonly width: number,
	) {}
	push(level: number, text: string): void {
		this.lines.push(text ? '\t'.repeat(level) + text : '');
	}
	doc(level: number, d: Doc): void {
		const text = render(d, level * TAB, this.width);
		this.lines.push('\t'.repeat(level) + text);
	}
	/** Whether the lines printed now are mapped to TypeScript. */
	private mapped = false;

	pos(level: number, p?: C.Pos): void {
		if (this.opts.lineDirectives && p) {
			this.lines.push(`#line ${p.line} "${p.file}"`);
			this.mapped = true;
		}
		void level;
	}

	/** What follows has no TypeScript line: map it back to the C file. */
	unpos(): void {
		if (!this.opts.lineDirectives || !this.mapped || !this.opts.cFile) return;
		const printed = this.lines.length ? this.lines.join('\n').split('\n').length : 0;
		// the directive is the next line; the line after it is the one it names
		this.lines.push(`#line ${(this.opts.firstLine ?? 1) + printed + 1} "${this.opts.cFile}"`);
		this.mapped = false;
	}
}

/** A statement that prints as one simple statement (no braces needed). */
function isSimple(s: C.Stmt): boolean {
	return s.k === 'expr' || s.k === 'return' || s.k === 'break' || s.k === 'continue' || s.k === 'goto';
}

function unwrapBlock(s: C.Stmt): C.Stmt[] {
	return s.k === 'block' ? s.body.filter((x) => x.k !== 'blank') : [s];
}

/** The single simple statement of a body, if that is all it is. */
function single(s: C.Stmt): C.Stmt | undefined {
	const body = unwrapBlock(s);
	if (s.k === 'block' && s.body.some((x) => x.k === 'comment' || x.k === 'decl')) return undefined;
	return body.length === 1 && isSimple(body[0]) ? body[0] : undefined;
}

function printBody(out: Out, level: number, body: C.Stmt[]): void {
	for (const s of body) printStmt(out, level, s);
}

function printBraced(out: Out, level: number, head: Doc, body: C.Stmt, tail = ''): void {
	out.doc(level, cat(head, ' {'));
	printBody(out, level + 1, unwrapBody(body));
	out.push(level, `}${tail}`);
}

function unwrapBody(s: C.Stmt): C.Stmt[] {
	return s.k === 'block' ? s.body : [s];
}

function condHead(kw: string, cond: C.Expr): Doc {
	return cat(kw, ' (', align(exprDoc(cond)), ')');
}

function printIf(out: Out, level: number, s: C.If, prefix = ''): void {
	// Kernel style: braces on every arm if any arm needs them.
	const arms: { cond?: C.Expr; body: C.Stmt }[] = [];
	let cur: C.If | undefined = s;
	while (cur) {
		arms.push({ cond: cur.cond, body: cur.then });
		const e: C.Stmt | undefined = cur.else;
		if (e && e.k === 'if') cur = e;
		else {
			if (e) arms.push({ body: e });
			cur = undefined;
		}
	}
	const braces = arms.some((a) => !single(a.body));
	arms.forEach((arm, i) => {
		const kw = i === 0 ? `${prefix}if` : arm.cond ? '} else if' : '} else';
		const kwPlain = i === 0 ? `${prefix}if` : arm.cond ? 'else if' : 'else';
		if (braces) {
			const head = arm.cond ? condHead(kw, arm.cond) : kw;
			out.doc(level, cat(head, ' {'));
			printBody(out, level + 1, unwrapBody(arm.body));
		} else {
			out.doc(level, arm.cond ? condHead(kwPlain, arm.cond) : kwPlain);
			printStmt(out, level + 1, single(arm.body)!);
		}
	});
	if (braces) out.push(level, '}');
}

function printStmt(out: Out, level: number, s: C.Stmt): void {
	out.pos(level, s.pos);
	switch (s.k) {
		case 'expr':
			out.doc(level, cat(exprDoc(s.e), ';'));
			break;
		case 'decl':
			out.doc(level, declDoc(s.decl));
			break;
		case 'block':
			out.push(level, '{');
			printBody(out, level + 1, s.body);
			out.push(level, '}');
			break;
		case 'if':
			printIf(out, level, s);
			break;
		case 'while': {
			const one = single(s.body);
			if (one) {
				out.doc(level, condHead('while', s.cond));
				printStmt(out, level + 1, one);
			} else printBraced(out, level, condHead('while', s.cond), s.body);
			break;
		}
		case 'do':
			out.push(level, 'do {');
			printBody(out, level + 1, unwrapBody(s.body));
			out.doc(level, cat('} ', condHead('while', s.cond), ';'));
			break;
		case 'for': {
			const parts = [s.init ? exprDoc(s.init) : '', s.cond ? exprDoc(s.cond) : '', s.step ? exprDoc(s.step) : ''];
			const head = cat('for (', align(cat(parts[0], ';', parts[1] ? line() : '', parts[1], ';', parts[2] ? line() : '', parts[2])), ')');
			const one = single(s.body);
			if (one) {
				out.doc(level, group(head));
				printStmt(out, level + 1, one);
			} else printBraced(out, level, group(head), s.body);
			break;
		}
		case 'macro_loop': {
			const head = cat(s.macro, '(', align(fill(s.args.map(exprDoc), cat(',', line()))), ')');
			const one = single(s.body);
			if (one) {
				out.doc(level, head);
				printStmt(out, level + 1, one);
			} else printBraced(out, level, head, s.body);
			break;
		}
		case 'switch':
			out.doc(level, cat(condHead('switch', s.e), ' {'));
			for (const c of s.cases) {
				for (const l of c.labels) out.push(level, l ? `case ${exprText(l, level * TAB)}:` : 'default:');
				printBody(out, level + 1, c.body);
			}
			out.push(level, '}');
			break;
		case 'return':
			out.doc(level, s.e ? cat('return ', exprDoc(s.e), ';') : 'return;');
			break;
		case 'break':
			out.push(level, 'break;');
			break;
		case 'continue':
			out.push(level, 'continue;');
			break;
		case 'goto':
			out.push(level, `goto ${s.label};`);
			break;
		case 'label':
			out.lines.push(`${s.name}:`);
			break;
		case 'blank':
			if (out.lines.length && out.lines[out.lines.length - 1] !== '' && !out.lines[out.lines.length - 1].endsWith('{'))
				out.lines.push('');
			break;
		case 'comment':
			for (const l of commentLines(s.text, level)) out.push(level, l);
			break;
	}
}

function declDoc(d: C.VarDecl): Doc {
	const head = `${d.isExtern ? 'extern ' : ''}${d.isStatic ? 'static ' : ''}${d.isConst ? 'const ' : ''}${declare(d.type, d.name)}`;
	if (!d.init) return `${head};`;
	if (d.init.k === 'init') return cat(head, ' = ', initDoc(d.init, 0), ';');
	return cat(head, ' =', choice(cat(' ', exprDoc(d.init)), indent(cat(hardline, exprDoc(d.init)))), ';');
}

/** Re-wrap the prose lines of a comment to `width` columns. */
function rewrap(lines: string[], width: number): string[] {
	const out: string[] = [];
	for (const l of lines) {
		if (l.length <= width || /^\s/.test(l)) {
			out.push(l);
			continue;
		}
		let cur = '';
		for (const word of l.split(' ')) {
			if (cur && cur.length + 1 + word.length > width) {
				out.push(cur);
				cur = word;
			} else cur = cur ? `${cur} ${word}` : word;
		}
		if (cur) out.push(cur);
	}
	return out;
}

/** Text of a comment as C comment lines (kernel multi-line style). */
export function commentLines(text: string, indent = 0, kernelDoc = false): string[] {
	const room = 77 - indent * TAB;
	const body = text.replace(/\s+$/, '').split('\n');
	if (body.length === 1 && body[0].length <= room - 3 && !kernelDoc) return [`/* ${body[0]} */`];
	return [kernelDoc ? '/**' : '/*', ...rewrap(body, room - 3).map((l) => (l ? ` * ${l}` : ' *')), ' */'];
}

/**
 * A global function's comment written as kernel-doc (`name - what it
 * does`, then `@param:` lines) stays kernel-doc: `/**`, which
 * scripts/kernel-doc reads. Any other comment is a plain one.
 */
function isKernelDoc(f: { name: string; isStatic: boolean; comment?: string }): boolean {
	return !f.isStatic && !!f.comment && new RegExp(`^${f.name}(\\(\\))?\\s+-\\s`).test(f.comment);
}

// --------------------------------------------------------- declarations

function funcHead(f: { name: string; ret: CType; params: C.Param[]; isStatic: boolean }, width: number): string {
	const params = f.params.length ? f.params.map((p) => declare(p.type, p.name)) : ['void'];
	const { base, decl } = declParts(f.ret, '');
	const star = decl.replace(/\s/g, '');
	const prefix = `${f.isStatic ? 'static ' : ''}${base} ${star}`;
	const one = cat(prefix, f.name, '(', align(fill(params, cat(',', line()))), ')');
	const text = render(one, 0, width);
	const firstLine = text.split('\n')[0];
	// Kernel style for long heads: the return type on a line of its own.
	if (visualWidth(firstLine) > width || text.split('\n').length > 3) {
		const alt = cat(`${star}${f.name}(`, align(fill(params, cat(',', line()))), ')');
		return `${f.isStatic ? 'static ' : ''}${base}\n${render(alt, 0, width)}`;
	}
	return text;
}

export function printDecls(decls: C.Decl[], opts: PrintOptions = {}): string {
	const width = opts.width ?? 80;
	const out = new Out(opts, width);
	let prevKind: string | undefined;
	for (const d of decls) {
		// Blank lines between unlike or multi-line declarations.
		const multi = !['include', 'define', 'proto', 'macro'].includes(d.k) || (d.k === 'define' && !!d.comment);
		// EXPORT_SYMBOL*() follows its function directly (checkpatch).
		const exportOf = d.k === 'macro' && /^EXPORT_SYMBOL/.test(d.name) && prevKind === 'func#';
		if (prevKind && (prevKind !== d.k || multi) && !(d.k === 'macro' && prevKind === 'global') && !exportOf)
			out.lines.push('');
		prevKind = multi ? `${d.k}#` : d.k;
		// the comment, then the directive, right before the declaration
		const comment = 'comment' in d ? d.comment : d.k === 'global' ? d.decl.comment : undefined;
		if (comment) for (const l of commentLines(comment, 0, d.k === 'func' && isKernelDoc(d))) out.push(0, l);
		if (d.pos) out.pos(0, d.pos);
		else out.unpos();
		switch (d.k) {
			case 'include':
				out.push(0, d.system ? `#include <${d.path}>` : `#include "${d.path}"`);
				break;
			case 'define':
				out.push(0, `#define ${d.name} ${exprText(d.value, 0, Infinity)}`);
				break;
			case 'enum':
				out.push(0, `enum ${d.name} {`);
				for (const m of d.members) {
					if (m.comment) for (const l of commentLines(m.comment, 1)) out.push(1, l);
					out.push(1, `${m.name}${m.value ? ` = ${exprText(m.value, TAB, Infinity)}` : ''},`);
				}
				out.push(0, '};');
				break;
			case 'struct':
				out.push(0, `struct ${d.name} {`);
				for (const f of d.fields) {
					if (f.blankBefore) out.lines.push('');
					if (f.comment) for (const l of commentLines(f.comment, 1)) out.push(1, l);
					out.push(1, `${declare(f.type, f.name)};`);
				}
				out.push(0, '};');
				break;
			case 'func':
				out.lines.push(funcHead(d, width));
				out.push(0, '{');
				printBody(out, 1, d.body.body);
				out.push(0, '}');
				break;
			case 'proto':
				out.lines.push(`${funcHead(d, width)};`);
				break;
			case 'global':
				out.doc(0, declDoc(d.decl));
				break;
			case 'macro':
				out.doc(0, cat(d.name, '(', align(fill(d.args.map(exprDoc), cat(',', line()))), ');'));
				break;
			case 'topcomment':
				for (const l of commentLines(d.text)) out.push(0, l);
				break;
		}
	}
	return out.lines.join('\n').replace(/[ \t]+$/gm, '') + '\n';
}

export { softline };
