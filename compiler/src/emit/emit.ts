// Emit: print lowered units into files. Handlebars provides only the file
// skeletons (SPDX line, comment, include guard, patch header); everything
// inside is printed from the C AST.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import Handlebars from 'handlebars';
import type * as C from '../c/ast.js';
import { printDecls } from '../c/printer.js';
import type { CType } from '../c/types.js';
import type { LoweredUnit } from '../lower/unit.js';

function template(name: string): HandlebarsTemplateDelegate {
	const text = readFileSync(new URL(`./templates/${name}.hbs`, import.meta.url), 'utf8');
	return Handlebars.compile(text, { noEscape: true, strict: true });
}

const C_FILE = template('c-file');
const H_FILE = template('h-file');
const PATCH = template('patch');

export interface OutputFile {
	/** Path relative to the output directory. */
	path: string;
	text: string;
}

export interface EmitOptions {
	lineDirectives?: boolean;
	rootDir: string;
}

function sourceList(u: LoweredUnit, rootDir: string): string {
	const files = u.sources.map((s) => relative(rootDir, s));
	// A directory unit: name the directory and its files, not every path.
	const dirs = new Set(files.map((f) => f.slice(0, f.lastIndexOf('/'))));
	if (files.length > 1 && dirs.size === 1) return `the files in ${[...dirs][0]}/`;
	return files.join(', ');
}

function includeText(includes: LoweredUnit['includes']): string {
	return includes.map((i) => (i.system ? `#include <${i.path}>` : `#include "${i.path}"`)).join('\n');
}

/**
 * What a header needs for the structs its prototypes and globals name: kmod-src structs
 * are declared forward; kernel ones come with their header (md's own
 * headers are left to the includer, which has them already).
 */
function headerNeeds(decls: C.Decl[]): string[] {
	const names = new Set<string>();
	const walk = (t: CType) => {
		if (t.kind === 'ptr') walk(t.to);
		else if (t.kind === 'struct' && t.cname.startsWith('struct ')) {
			if (t.external && t.header && !t.header.startsWith('"') && t.header !== '-') names.add(`#include <${t.header}>`);
			else names.add(`${t.cname};`);
		}
	};
	for (const d of decls) {
		if (d.k === 'proto') {
			walk(d.ret);
			for (const p of d.params) walk(p.type);
		} else if (d.k === 'global') walk(d.decl.type);
	}
	return [...names].sort((a, b) => (a.startsWith('#') === b.startsWith('#') ? a.localeCompare(b) : a.startsWith('#') ? -1 : 1));
}

export function emitUnit(u: LoweredUnit, opts: EmitOptions): OutputFile[] {
	const out: OutputFile[] = [];
	const source = sourceList(u, opts.rootDir);
	const commentLines = (u.comment ?? u.name).split('\n');
	if (u.kpatches.length) {
		out.push({ path: `kernel/${patchName(u)}`, text: emitPatch(u, source, commentLines) });
		return out;
	}
	// the file around a marker where the body goes: the line the body
	// starts on is known before it is printed (#line back to the C file)
	const marker = '\u0000body\u0000';
	const frame = C_FILE({ commentLines, source, includes: includeText(u.includes), body: marker });
	const firstLine = frame.slice(0, frame.indexOf(marker)).split('\n').length;
	const body = printDecls(u.body, { lineDirectives: opts.lineDirectives, cFile: `md/${u.name}.c`, firstLine });
	out.push({
		path: `md/${u.name}.c`,
		text: frame.replace(marker, () => body.trimEnd()) + '\n',
	});
	if (u.headerName) {
		const guard = `_${u.headerName.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
		const fwd = headerNeeds(u.header);
		out.push({
			path: `md/${u.headerName}`,
			text: H_FILE({
				unit: u.name,
				source,
				guard,
				forward: ['#include <linux/types.h>', ...fwd.filter((l) => l.startsWith('#')), '', ...fwd.filter((l) => !l.startsWith('#'))].join('\n').replace(/\n*$/, '\n\n'),
				body: printDecls(u.header),
			}),
		});
	}
	return out;
}

function patchName(u: LoweredUnit): string {
	const slug = (u.subject ?? u.name).replace(/^[^:]*:\s*/, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 52);
	return `0001-${u.name.split('/')[0]}-${slug}.patch`;
}

/**
 * A unified diff that inserts the unit's C (or its prototypes) between the
 * context lines each kpatch() names. The hunk line numbers are the ones
 * given; patch(1) and git apply find the context if the file moved.
 */
function emitPatch(u: LoweredUnit, source: string, commentLines: string[]): string {
	const files = new Map<string, string[]>();
	const hunks: { file: string; text: string }[] = [];
	for (const spec of u.kpatches) {
		let inserted: string;
		if (spec.insert === 'prototypes') {
			inserted = printDecls(
				u.body.filter((d): d is C.FuncDecl => d.k === 'func' && !d.isStatic).map((d) => ({ k: 'proto', name: d.name, ret: d.ret, params: d.params, isStatic: false }) as C.Proto),
			);
		} else {
			inserted = printDecls(u.body) + '\n';
		}
		const add = inserted.replace(/\n$/, '').split('\n');
		const oldCount = spec.before.length + spec.after.length;
		const newCount = oldCount + add.length;
		const lines = [
			`@@ -${spec.line},${oldCount} +${spec.line},${newCount} @@`,
			...spec.before.map((l) => ` ${l}`),
			...add.map((l) => (l ? `+${l}` : '+')),
			...spec.after.map((l) => ` ${l}`),
		];
		const list = files.get(spec.file) ?? [];
		list.push(lines.join('\n'));
		files.set(spec.file, list);
	}
	for (const [file, list] of files) hunks.push({ file, text: list.join('\n') });
	return PATCH({ subject: u.subject ?? u.name, commentLines, source, hunks });
}
