// ktsc: compile kmod-src/ (restricted TypeScript) to kernel C in generated/.
//
//   ktsc <src-dir> -o <out-dir>        write the C (only files that changed)
//   ktsc <src-dir> -o <out-dir> --check
//                                      compare instead; show a diff, exit 1 if stale
//   --line-directives                  emit #line so gcc points at the .ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { compile } from './compile.js';
import { formatDiagnostic } from './diagnostics/diagnostics.js';

function usage(msg?: string): never {
	if (msg) process.stderr.write(`ktsc: ${msg}\n`);
	process.stderr.write('usage: ktsc <src-dir> -o <out-dir> [--check] [--line-directives]\n');
	process.exit(2);
}

function listFiles(dir: string): string[] {
	if (!existsSync(dir)) return [];
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) out.push(...listFiles(p).map((f) => join(name, f)));
		else if (!name.startsWith('.')) out.push(name);
	}
	return out;
}

export function main(argv: string[]): number {
	let src: string | undefined;
	let out: string | undefined;
	let check = false;
	let lineDirectives = false;
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '-o') out = argv[++i];
		else if (a === '--check') check = true;
		else if (a === '--line-directives') lineDirectives = true;
		else if (a === '-h' || a === '--help') usage();
		else if (a.startsWith('-')) usage(`unknown option '${a}'`);
		else if (!src) src = a;
		else usage(`unexpected argument '${a}'`);
	}
	if (!src || !out) usage('a source directory and -o <out-dir> are required');
	if (!existsSync(src)) usage(`no such directory: ${src}`);
	const t0 = performance.now();
	const result = compile(src, { lineDirectives });
	const ms = performance.now() - t0;
	const diags = result.diagnostics.sorted();
	if (diags.length) {
		for (const d of diags) process.stderr.write(formatDiagnostic(d) + '\n\n');
		process.stderr.write(`ktsc: ${diags.length} error${diags.length === 1 ? '' : 's'}; nothing written\n`);
		return 1;
	}
	const wanted = new Map(result.files.map((f) => [f.path, f.text]));
	const existing = listFiles(out);
	if (check) {
		const stale: string[] = [];
		for (const [path, text] of wanted) {
			const p = join(out, path);
			if (!existsSync(p) || readFileSync(p, 'utf8') !== text) stale.push(path);
		}
		const extra = existing.filter((p) => !wanted.has(p));
		if (stale.length || extra.length) {
			const tmp = mkdtempSync(join(tmpdir(), 'ktsc-'));
			for (const path of stale) {
				const p = join(tmp, path);
				mkdirSync(dirname(p), { recursive: true });
				writeFileSync(p, wanted.get(path)!);
				const d = spawnSync('diff', ['-u', '--label', `${out}/${path} (committed)`, '--label', `${out}/${path} (from TypeScript)`, existsSync(join(out, path)) ? join(out, path) : '/dev/null', p], { encoding: 'utf8' });
				process.stderr.write(d.stdout);
			}
			rmSync(tmp, { recursive: true, force: true });
			for (const e of extra) process.stderr.write(`ktsc: ${join(out, e)} is not produced by any unit\n`);
			process.stderr.write(`ktsc: ${out}/ is stale (${stale.length + extra.length} file${stale.length + extra.length === 1 ? '' : 's'}); run: npx ktsc ${src} -o ${out}\n`);
			return 1;
		}
		process.stdout.write(`ktsc: ${out}/ is up to date (${wanted.size} files, ${result.units.length} units, ${ms.toFixed(0)} ms)\n`);
		return 0;
	}
	let written = 0;
	for (const [path, text] of wanted) {
		const p = join(out, path);
		if (existsSync(p) && readFileSync(p, 'utf8') === text) continue;
		mkdirSync(dirname(p), { recursive: true });
		writeFileSync(p, text);
		written++;
		process.stdout.write(`ktsc: wrote ${relative(process.cwd(), p)}\n`);
	}
	for (const e of existing) {
		if (!wanted.has(e)) {
			rmSync(join(out, e));
			process.stdout.write(`ktsc: removed ${join(out, e)}\n`);
		}
	}
	process.stdout.write(`ktsc: ${result.units.length} units, ${wanted.size} files (${written} changed) in ${ms.toFixed(0)} ms\n`);
	return 0;
}
