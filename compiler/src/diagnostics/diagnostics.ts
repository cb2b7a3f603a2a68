// Coded diagnostics from one catalogue (messages.json), printed as
//   file.ts:line:col: error KTS1234: message
//      12 |     const f = () => 1;
//         |               ^~~~~~~
//   hint: ...
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Node } from 'ts-morph';

interface Entry {
	message: string;
	hint: string;
}

const CATALOGUE: Record<string, Entry> = JSON.parse(
	readFileSync(new URL('./messages.json', import.meta.url), 'utf8'),
) as Record<string, Entry>;

export type Code = keyof typeof CATALOGUE & string;

export interface Diagnostic {
	code: string;
	message: string;
	hint: string;
	file: string;
	/** 1-based. */
	line: number;
	col: number;
	length: number;
	sourceLine: string;
}

function fill(template: string, args: string[]): string {
	return template.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');
}

export function catalogueEntry(code: string): Entry {
	const e = CATALOGUE[code];
	if (!e) throw new Error(`internal: diagnostic ${code} is not in the catalogue`);
	return e;
}

export function allCodes(): string[] {
	return Object.keys(CATALOGUE);
}

export class DiagnosticError extends Error {
	constructor(readonly diagnostic: Diagnostic) {
		super(diagnostic.message);
	}
}

export class Diagnostics {
	readonly list: Diagnostic[] = [];

	/** Report `code` at `node`; args fill the catalogue's {0}, {1}, ... */
	report(node: Node, code: string, ...args: string[]): void {
		const sf = node.getSourceFile();
		const start = node.getStart();
		const { line, column } = sf.getLineAndColumnAtPos(start);
		const text = sf.getFullText();
		const lineStart = text.lastIndexOf('\n', start - 1) + 1;
		let lineEnd = text.indexOf('\n', start);
		if (lineEnd < 0) lineEnd = text.length;
		this.add({
			code,
			file: sf.getFilePath(),
			line,
			col: column,
			length: Math.max(1, Math.min(node.getEnd(), lineEnd) - start),
			sourceLine: text.slice(lineStart, lineEnd),
			...this.texts(code, args),
		});
	}

	/** Report at an explicit position (TypeScript's own diagnostics). */
	reportAt(file: string, text: string, start: number, length: number, code: string, ...args: string[]): void {
		const lineStart = text.lastIndexOf('\n', start - 1) + 1;
		let lineEnd = text.indexOf('\n', start);
		if (lineEnd < 0) lineEnd = text.length;
		const line = text.slice(0, start).split('\n').length;
		this.add({
			code,
			file,
			line,
			col: start - lineStart + 1,
			length: Math.max(1, Math.min(length, lineEnd - start)),
			sourceLine: text.slice(lineStart, lineEnd),
			...this.texts(code, args),
		});
	}

	private texts(code: string, args: string[]): { message: string; hint: string } {
		const e = catalogueEntry(code);
		return { message: fill(e.message, args), hint: fill(e.hint, args) };
	}

	private add(d: Diagnostic): void {
		// One report per code and position, even if two passes see it.
		if (this.list.some((x) => x.code === d.code && x.file === d.file && x.line === d.line && x.col === d.col)) return;
		this.list.push(d);
	}

	get count(): number {
		return this.list.length;
	}

	sorted(): Diagnostic[] {
		return [...this.list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
	}
}

export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
	const file = relative(cwd, d.file) || d.file;
	const num = String(d.line);
	const gutter = ' '.repeat(num.length);
	const expanded = d.sourceLine.replace(/\t/g, '    ');
	const before = d.sourceLine.slice(0, d.col - 1).replace(/\t/g, '    ');
	const under = ' '.repeat(before.length) + '^' + '~'.repeat(Math.max(0, d.length - 1));
	const lines = [
		`${file}:${d.line}:${d.col}: error ${d.code}: ${d.message}`,
		` ${num} | ${expanded}`,
		` ${gutter} | ${under.slice(0, Math.max(1, expanded.length - 0 + 1))}`,
	];
	if (d.hint) lines.push(` ${gutter} = hint: ${d.hint}`);
	return lines.join('\n');
}
