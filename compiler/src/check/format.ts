// printf-style format checking for pr_*(), sysfs_emit(), snprintf(), ...:
// every conversion gets one argument of a C type gcc's -Wformat accepts.
import { type CType, typeName } from '../c/types.js';

/** The size class a conversion's length modifier asks for. */
type IntClass = 'int' | 'long' | 'longlong' | 'size';

export interface Conversion {
	/** The whole conversion text, e.g. `%lu`, `%pg`. */
	text: string;
	kind: 'int' | 'str' | 'ptr' | 'char';
	intClass?: IntClass;
	/** %p extension letters (g, U, ...). */
	ext?: string;
	/** `*` width or precision: an int argument comes first. */
	star: number;
}

export class FormatError extends Error {}

export function parseFormat(fmt: string): Conversion[] {
	const out: Conversion[] = [];
	for (let i = 0; i < fmt.length; i++) {
		if (fmt[i] !== '%') continue;
		const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|t|j)?([a-zA-Z%])/.exec(fmt.slice(i));
		if (!m) throw new FormatError(`has an incomplete conversion at '${fmt.slice(i, i + 4)}'`);
		const [text, , width, precision, len, conv] = m;
		i += text.length - 1;
		if (conv === '%') continue;
		const star = (width === '*' ? 1 : 0) + (precision === '*' ? 1 : 0);
		switch (conv) {
			case 'd':
			case 'i':
			case 'u':
			case 'x':
			case 'X':
			case 'o': {
				const intClass: IntClass =
					len === 'll' ? 'longlong' : len === 'l' ? 'long' : len === 'z' ? 'size' : len === 't' || len === 'j' ? 'long' : 'int';
				out.push({ text, kind: 'int', intClass, star });
				break;
			}
			case 'c':
				out.push({ text, kind: 'char', star });
				break;
			case 's':
				out.push({ text, kind: 'str', star });
				break;
			case 'p': {
				// Kernel %p extensions: %pg (block device), %pU (uuid), %pS ...
				const ext = /^[a-zA-Z]*/.exec(fmt.slice(i + 1))![0];
				i += ext.length;
				out.push({ text: text + ext, kind: 'ptr', ext, star });
				break;
			}
			default:
				throw new FormatError(`uses '%${conv}', which kernel printk does not support here`);
		}
	}
	return out;
}

function intClassOf(t: CType): IntClass | undefined {
	if (t.kind === 'bool' || t.kind === 'enum') return 'int';
	if (t.kind !== 'int') return undefined;
	if (t.bits < 64) return 'int';
	switch (t.std) {
		case 'long':
		case 'unsigned long':
			return t.name === 'size_t' || t.name === 'ssize_t' ? 'size' : 'long';
		default:
			return 'longlong';
	}
}

/** Why `arg` cannot be printed with `conv`, or undefined if it can. */
export function mismatch(conv: Conversion, arg: CType, untyped: boolean): string | undefined {
	switch (conv.kind) {
		case 'int':
		case 'char': {
			if (untyped) return conv.kind === 'int' && conv.intClass !== 'int' ? `'${conv.text}' needs a typed argument, not a bare literal` : undefined;
			const c = intClassOf(arg);
			if (!c) return `'${conv.text}' needs an integer, not '${describe(arg)}'`;
			const want = conv.kind === 'char' ? 'int' : conv.intClass!;
			// size_t is unsigned long: %lu and %zu both accept it.
			if (c === want || (c === 'size' && want === 'long') || (c === 'long' && want === 'size' && false)) return undefined;
			return `'${conv.text}' does not match '${describe(arg)}'; use ${suggest(c)}`;
		}
		case 'str':
			if (arg.kind === 'ptr' && (arg.view === 'str' || (arg.to.kind === 'int' && arg.to.bits === 8))) return undefined;
			return `'%s' needs a const char *, not '${describe(arg)}'`;
		case 'ptr':
			if (arg.kind === 'ptr') {
				if (conv.ext === 'g' && !(arg.to.kind === 'struct' && arg.to.name === 'block_device'))
					return `'%pg' needs a struct block_device *, not '${describe(arg)}'`;
				return undefined;
			}
			return `'${conv.text}' needs a pointer, not '${describe(arg)}'`;
	}
}

function suggest(c: IntClass): string {
	return { int: '%d / %u / %x', long: '%ld / %lu / %lx', longlong: '%lld / %llu / %llx', size: '%zu / %zd' }[c];
}

function describe(t: CType): string {
	if (t.kind === 'ptr') return t.view === 'str' ? 'const char *' : 'pointer';
	return typeName(t);
}
