// Frontend: a ts-morph project over one source directory, compiled with our
// own lib (compiler/lib/kts-lib.d.ts, no DOM/ES globals) and strict options.
// TypeScript's syntax and semantic errors come first; the subset checks run
// only on a program TypeScript accepts.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Project, type SourceFile, ts } from 'ts-morph';
import type { Diagnostics } from './diagnostics/diagnostics.js';

export const KTS_LIB = resolve(import.meta.dirname, '../lib/kts-lib.d.ts');

/** One output: a C file (with an optional header) or a kernel patch. */
export interface Unit {
	/** `md-llbitmap`, `md_meta`, `block/bdev`. */
	name: string;
	/** The unit's files, in dependency order (imports first). */
	files: SourceFile[];
}

export interface Frontend {
	project: Project;
	srcDir: string;
	kernelDir: string;
	units: Unit[];
	/** The kernel declaration layer: kmod-src/kernel/*.d.ts. */
	preludeFiles: SourceFile[];
}

export const COMPILER_OPTIONS: ts.CompilerOptions = {
	strict: true,
	noLib: true,
	noEmit: true,
	target: ts.ScriptTarget.ES2022,
	module: ts.ModuleKind.ESNext,
	moduleResolution: ts.ModuleResolutionKind.Bundler,
	noImplicitReturns: true,
	// Our own check (KTS1024) explains the rewrite.
	noFallthroughCasesInSwitch: false,
	noUnusedLocals: false,
	allowUnreachableCode: false,
	exactOptionalPropertyTypes: true,
	useDefineForClassFields: true,
	types: [],
};

function listTs(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) out.push(...listTs(p));
		else if (name.endsWith('.ts')) out.push(p);
	}
	return out;
}

/**
 * Units are the .ts files directly under srcDir and the directories under
 * it (all their .ts files make one C file); `kernel/` holds declarations
 * and `patches/` the hand-written C glue, so neither is a unit. A directory
 * whose files declare a kernel patch (block/) yields one unit per file.
 */
function discoverUnits(srcDir: string): string[][] {
	const units: string[][] = [];
	for (const name of readdirSync(srcDir).sort()) {
		const p = join(srcDir, name);
		if (name === 'kernel' || name === 'patches' || name.startsWith('.')) continue;
		if (statSync(p).isDirectory()) {
			const files = listTs(p).filter((f) => !f.endsWith('.d.ts'));
			if (name === 'block') for (const f of files) units.push([f]);
			else if (files.length) units.push(files);
		} else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) units.push([p]);
	}
	return units;
}

function unitName(srcDir: string, files: string[]): string {
	const first = files[0].slice(srcDir.length + 1);
	const top = first.split('/')[0];
	if (top === 'block') return first.replace(/\.ts$/, '');
	return top.replace(/\.ts$/, '');
}

/** Order a unit's files so that each comes after the files it imports. */
function dependencyOrder(files: SourceFile[]): SourceFile[] {
	const set = new Set(files);
	const done = new Set<SourceFile>();
	const out: SourceFile[] = [];
	const visit = (f: SourceFile, stack: Set<SourceFile>) => {
		if (done.has(f) || stack.has(f)) return;
		stack.add(f);
		for (const imp of f.getImportDeclarations()) {
			const target = imp.getModuleSpecifierSourceFile();
			if (target && set.has(target)) visit(target, stack);
		}
		stack.delete(f);
		done.add(f);
		out.push(f);
	};
	for (const f of files) visit(f, new Set());
	return out;
}

export interface LoadOptions {
	/** The kernel declaration layer (default: <srcDir>/kernel). */
	preludeDir?: string;
	/** Compile exactly these files, each as its own unit (tests). */
	files?: string[];
	/**
	 * Keep the project, with the lib and the declaration layer parsed and
	 * checked, for the next load with the same layer: only the units are
	 * read again (the differential tests compile thousands of programs).
	 */
	reuse?: boolean;
}

/** Projects kept by `reuse`, by declaration layer. */
const kept = new Map<string, { project: Project; preludeFiles: SourceFile[] }>();

function newProject(kernelDir: string): { project: Project; preludeFiles: SourceFile[] } {
	const project = new Project({ compilerOptions: COMPILER_OPTIONS, skipAddingFilesFromTsConfig: true });
	project.addSourceFileAtPath(KTS_LIB);
	const preludeFiles = existsSync(kernelDir)
		? listTs(kernelDir)
				.filter((f) => f.endsWith('.d.ts'))
				.map((f) => project.addSourceFileAtPath(f))
		: [];
	return { project, preludeFiles };
}

export function loadProject(srcDir: string, diags: Diagnostics, opts: LoadOptions = {}): Frontend {
	srcDir = resolve(srcDir);
	const kernelDir = resolve(opts.preludeDir ?? join(srcDir, 'kernel'));
	let base = opts.reuse ? kept.get(kernelDir) : undefined;
	const reused = !!base;
	if (base) {
		// the last program's units go; the lib and the layer stay
		const keep = new Set<SourceFile>([...base.preludeFiles, base.project.getSourceFileOrThrow(KTS_LIB)]);
		for (const sf of base.project.getSourceFiles()) if (!keep.has(sf)) base.project.removeSourceFile(sf);
	} else {
		base = newProject(kernelDir);
		if (opts.reuse) kept.set(kernelDir, base);
	}
	const { project, preludeFiles } = base;
	const unitPaths = opts.files ? opts.files.map((f) => [resolve(f)]) : discoverUnits(srcDir);
	const units: Unit[] = unitPaths.map((paths) => ({
		name: opts.files ? basename(paths[0]).replace(/\.ts$/, '') : unitName(srcDir, paths),
		files: paths.map((p) => project.addSourceFileAtPath(p)),
	}));
	project.resolveSourceFileDependencies();
	for (const u of units) u.files = dependencyOrder(u.files);

	// TypeScript's own diagnostics, mapped into the catalogue.
	const program = project.getProgram().compilerObject;
	// (a kept project's layer was checked when it was first loaded)
	const mine = reused ? units.flatMap((u) => u.files.map((f) => f.compilerNode)) : undefined;
	const all = mine
		? mine.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])
		: [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics(), ...program.getGlobalDiagnostics()];
	for (const d of all) {
		const file = d.file;
		const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
		if (!file || d.start === undefined) {
			diags.reportAt(srcDir, '', 0, 0, 'KTS0001', `TS${d.code}: ${text}`);
			continue;
		}
		const source = file.getFullText();
		const unknownName = (name: string, suggestion: string | undefined, otherwise: string) =>
			diags.reportAt(file.fileName, source, d.start!, d.length ?? 1, 'KTS3001', name, suggestion ? `; did you mean ${suggestion}?` : otherwise);
		if ((d.code === 2304 || d.code === 2552) && /Cannot find name '([^']+)'/.test(text)) {
			// An unknown identifier: most often a misspelled kernel API.
			const name = /Cannot find name '([^']+)'/.exec(text)![1];
			const tsHint = /Did you mean '([^']+)'/.exec(text)?.[1];
			unknownName(name, tsHint ? `'${tsHint}'` : nearestKernelName(preludeFiles, name), '');
			continue;
		}
		if (d.code === 2305 || d.code === 2724) {
			// Importing a name the declaration layer does not export.
			const name = /has no exported member (?:named )?'([^']+)'/.exec(text)?.[1] ?? '?';
			const tsHint = /Did you mean '([^']+)'/.exec(text)?.[1];
			unknownName(name, tsHint && `'${tsHint}'`, ' in the kernel declaration layer');
			continue;
		}
		diags.reportAt(file.fileName, source, d.start, d.length ?? 1, 'KTS0001', `TS${d.code}: ${text}`);
	}
	return { project, srcDir, kernelDir, units, preludeFiles };
}

function distance(a: string, b: string): number {
	const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
	for (let j = 1; j <= b.length; j++) d[0][j] = j;
	for (let i = 1; i <= a.length; i++)
		for (let j = 1; j <= b.length; j++)
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
	return d[a.length][b.length];
}

/** The kernel declaration layer's closest name, as "'name' (from kernel/file)" for the message. */
function nearestKernelName(prelude: SourceFile[], name: string): string | undefined {
	let best: [number, string, string] | undefined;
	for (const sf of prelude)
		for (const [n] of sf.getExportedDeclarations()) {
			const dist = distance(n, name);
			if (dist <= 2 && (!best || dist < best[0])) best = [dist, n, basename(sf.getFilePath()).replace(/\.d\.ts$/, '')];
		}
	return best && `'${best[1]}' (from kernel/${best[2]})`;
}

export function isPreludeFile(fe: Frontend, sf: SourceFile): boolean {
	return sf.getFilePath().startsWith(fe.kernelDir + '/');
}

export function displayName(sf: SourceFile): string {
	return basename(sf.getFilePath());
}
