// The pipeline: frontend -> check -> lower -> emit. No file is produced
// unless the whole program is accepted.
import { resolve } from 'node:path';
import { Checker } from './check/checker.js';
import { Diagnostics } from './diagnostics/diagnostics.js';
import { emitUnit, type OutputFile } from './emit/emit.js';
import { loadProject } from './frontend.js';
import { lowerUnit } from './lower/unit.js';

export interface CompileOptions {
	lineDirectives?: boolean;
	/** The kernel declaration layer (default: <srcDir>/kernel). */
	preludeDir?: string;
	/** Compile exactly these files under srcDir, each as its own unit. */
	files?: string[];
}

export interface CompileResult {
	diagnostics: Diagnostics;
	files: OutputFile[];
	units: string[];
}

export function compile(srcDir: string, opts: CompileOptions = {}): CompileResult {
	const diags = new Diagnostics();
	const root = resolve(srcDir, '..');
	const fe = loadProject(srcDir, diags, { preludeDir: opts.preludeDir, files: opts.files });
	if (!fe.units.length) {
		diags.reportAt(resolve(srcDir), '', 0, 0, 'KTS0002', srcDir);
		return { diagnostics: diags, files: [], units: [] };
	}
	// TypeScript's own errors come first: the subset checks assume a
	// program TypeScript accepts.
	if (diags.count) return { diagnostics: diags, files: [], units: fe.units.map((u) => u.name) };
	const ck = new Checker(fe, diags);
	ck.run();
	if (diags.count) return { diagnostics: diags, files: [], units: fe.units.map((u) => u.name) };
	const files: OutputFile[] = [];
	for (const u of fe.units) {
		const lowered = lowerUnit(ck, ck.units.get(u.name)!, root);
		files.push(...emitUnit(lowered, { lineDirectives: opts.lineDirectives, rootDir: root }));
	}
	return { diagnostics: diags, files, units: fe.units.map((u) => u.name) };
}
