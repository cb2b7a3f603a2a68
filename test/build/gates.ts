// The C quality gates as functions that cannot pass without checking:
// each needs its tool and the kernel tree, and says which Debian package or
// make target is missing instead of skipping; each looks at the tool's exit
// status and at proof that it looked at every file.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const KDIR = process.env.KDIR || join(ROOT, 'build/linux-6.12');

/** A program on PATH, or an error naming the Debian package that has it. */
export function need(tool: string, pkg: string, env: NodeJS.ProcessEnv = process.env): void {
	const r = spawnSync('sh', ['-c', `command -v ${tool}`], { env, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`quality gates: ${tool} is missing (Debian package ${pkg}; make deps installs it)`);
}

/** The built kernel tree the gates compile against, or an error saying how to get one. */
export function needTree(kdir = KDIR): void {
	if (!existsSync(join(kdir, 'Module.symvers')))
		throw new Error(`quality gates: ${kdir} is not a built kernel tree (no Module.symvers); run make kernel, or set KDIR`);
}

/** The parts of a patch that change headers (the .c files are not staged). */
export function headerHunks(patch: string): string {
	const parts = patch.split(/^(?=--- a\/)/m);
	return parts.filter((p) => /^--- a\/\S+\.h\n/.test(p)).join('');
}

/** A directory with md's headers, the glue patches' header parts applied, and `files`. */
export function stage(dir: string, files: string[], kdir = KDIR, patches = join(ROOT, 'kmod-src/patches')): string {
	needTree(kdir);
	mkdirSync(dir, { recursive: true });
	for (const h of ['md.h', 'md-bitmap.h', 'md-cluster.h']) copyFileSync(join(kdir, 'drivers/md', h), join(dir, h));
	for (const p of readdirSync(patches).filter((f) => f.endsWith('.patch'))) {
		const hunks = headerHunks(readFileSync(join(patches, p), 'utf8'));
		if (!hunks) continue;
		const r = spawnSync('patch', ['-d', dir, '-p3', '--forward', '--no-backup-if-mismatch', '-s'], { input: hunks, encoding: 'utf8' });
		if (r.status !== 0) throw new Error(`quality gates: the header part of ${p} does not apply to ${kdir}/drivers/md:\n${r.stdout}${r.stderr}`);
	}
	for (const f of files) copyFileSync(f, join(dir, basename(f)));
	const objs = files.filter((f) => f.endsWith('.c')).map((f) => basename(f).replace(/\.c$/, '.o'));
	writeFileSync(join(dir, 'Kbuild'), `obj-m += ${objs.join(' ')}\n`);
	return dir;
}

/**
 * Build `dir`'s objects with W=1 and sparse (C=1): the build must succeed,
 * sparse must have checked every object, and the warnings are returned.
 */
export function buildW1Sparse(dir: string, objs: string[], kdir = KDIR, env: NodeJS.ProcessEnv = process.env): string {
	needTree(kdir);
	need('sparse', 'sparse', env);
	const r = spawnSync('make', ['-C', kdir, `M=${dir}`, 'W=1', 'C=1', ...objs], { encoding: 'utf8', env });
	const out = r.stdout + r.stderr;
	if (r.status !== 0) throw new Error(`quality gates: the W=1 build of ${objs.join(' ')} failed:\n${out}`);
	for (const o of objs) {
		const c = o.replace(/\.o$/, '.c');
		if (!new RegExp(`^\\s+CHECK\\s+\\S*${c.replace('.', '\\.')}$`, 'm').test(out))
			throw new Error(`quality gates: sparse did not check ${c} (no CHECK line):\n${out}`);
	}
	return out
		.split('\n')
		.filter((l) => /(warning|error):/.test(l))
		.join('\n');
}

/**
 * checkpatch.pl --strict over `args` (files with -f, or patches): it must
 * have run to its summary for each of them. Returns its complaints; empty
 * exactly when it exits 0. CamelCase is not counted: md's own names
 * (In_sync, MaxSector) and the kernel's enum style for states are kept.
 */
export function checkpatch(args: string[], cwd: string, kdir = KDIR, ignore: string[] = []): string {
	needTree(kdir);
	need('perl', 'perl');
	const script = join(kdir, 'scripts/checkpatch.pl');
	if (!existsSync(script)) throw new Error(`quality gates: ${script} is missing`);
	const r = spawnSync(script, ['--no-tree', '--strict', '--show-types', '--ignore', ['CAMELCASE', ...ignore].join(','), ...args], { encoding: 'utf8', cwd });
	if (r.error) throw new Error(`quality gates: checkpatch did not run: ${r.error.message}`);
	const inputs = args.filter((a) => !a.startsWith('-')).length;
	const totals = r.stdout.match(/^total: \d+ errors, \d+ warnings, (?:\d+ checks, )?\d+ lines checked$/gm) ?? [];
	if (totals.length !== inputs) throw new Error(`quality gates: checkpatch summarised ${totals.length} of ${inputs} inputs (exit ${r.status}):\n${r.stdout}${r.stderr}`);
	const complaints = r.stdout
		.split('\n')
		.filter((l) => /^(ERROR|WARNING|CHECK):/.test(l))
		.join('\n');
	if ((r.status === 0) !== (complaints === '')) throw new Error(`quality gates: checkpatch exited ${r.status} with complaints '${complaints}'`);
	return complaints;
}
