// The pipeline: frontend -> check -> lower -> emit. No file is produced
// unless the whole program is accepted.
import { resolve } from 'node:path';
import { Checker } from './check/checker.js';
import { Diagnostics, formatDiagnostic } from './diagnostics/diagnostics.js';
import { emitUnit, type OutputFile } from './emit/emit.js';
import { type Frontend, loadProject } from './frontend.js';
import { lowerUnit } from './lower/unit.js';
import { nodeReadings } from './reading/node.js';

export interface CompileOptions {
	lineDirectives?: boolean;
	/** The kernel declaration layer (default: <srcDir>/kernel). */
	preludeDir?: string;
	/** Compile exactly these files under srcDir, each as its own unit. */
	files?: string[];
	/** Also give the program's Node reading (reading/node.ts). */
	nodeReading?: boolean;
	/** Keep the parsed declaration layer for the next compile (frontend.ts). */
	reuse?: boolean;
}

export interface CompileResult {
	diagnostics: Diagnostics;
	files: OutputFile[];
	units: string[];
	/** With `nodeReading`: each source file's Node reading, by path. */
	readings?: Map<string, string>;
}

/**
 * Load and check: the checker of a program the subset accepts, or none
 * (the diagnostics say why). `fe` names the units either way.
 */
function check(srcDir: string, opts: CompileOptions, diags: Diagnostics): { fe: Frontend; ck?: Checker } {
	const fe = loadProject(srcDir, diags, { preludeDir: opts.preludeDir, files: opts.files, reuse: opts.reuse });
	if (!fe.units.length) {
		diags.reportAt(resolve(srcDir), '', 0, 0, 'KTS0002', srcDir);
		return { fe };
	}
	// TypeScript's own errors come first: the subset checks assume a
	// program TypeScript accepts.
	if (diags.count) return { fe };
	const ck = new Checker(fe, diags);
	ck.run();
	return diags.count ? { fe } : { fe, ck };
}

export function compile(srcDir: string, opts: CompileOptions = {}): CompileResult {
	const diags = new Diagnostics();
	const root = resolve(srcDir, '..');
	const { fe, ck } = check(srcDir, opts, diags);
	const units = fe.units.map((u) => u.name);
	if (!ck) return { diagnostics: diags, files: [], units };
	const files: OutputFile[] = [];
	for (const u of fe.units) {
		const lowered = lowerUnit(ck, ck.units.get(u.name)!, root);
		files.push(...emitUnit(lowered, { lineDirectives: opts.lineDirectives, rootDir: root }));
	}
	const readings = opts.nodeReading ? nodeReadings(ck) : undefined;
	return { diagnostics: diags, files, units, ...(readings ? { readings } : {}) };
}

/**
 * The Node reading of every file of the program (reading/node.ts), by
 * path; throws with the diagnostics of a program ktsc does not accept.
 */
export function readForNode(srcDir: string, opts: CompileOptions = {}): Map<string, string> {
	const diags = new Diagnostics();
	const { ck } = check(srcDir, opts, diags);
	if (!ck) {
		const root = resolve(srcDir, '..');
		throw new Error(`ktsc does not accept ${srcDir}:\n${diags.sorted().map((d) => formatDiagnostic(d, root)).join('\n')}`);
	}
	return nodeReadings(ck);
}
