// Quality gates on the C the compiler writes (generated/ and the golden
// outputs): kernel W=1 with no warning, sparse (C=1) clean, and
// checkpatch --strict with no ERROR or WARNING. They need a built kernel
// tree: build/linux-6.12, or KDIR.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const KDIR = process.env.KDIR || join(ROOT, 'build/linux-6.12');
const built = existsSync(join(KDIR, 'Module.symvers'));
const tmp = mkdtempSync(join(tmpdir(), 'kts-quality-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** md's headers with the glue applied, and the given C files. */
function stage(name: string, files: string[]): string {
	const dir = join(tmp, name);
	mkdirSync(dir, { recursive: true });
	for (const h of ['md.h', 'md-bitmap.h', 'md-cluster.h']) copyFileSync(join(KDIR, 'drivers/md', h), join(dir, h));
	for (const p of readdirSync(join(ROOT, 'kmod-src/patches')).filter((f) => f.endsWith('.patch'))) {
		// Only the headers matter here; the .c hunks have no file to land on.
		const r = spawnSync('patch', ['-d', dir, '-p3', '-s', '--forward', '--no-backup-if-mismatch', '-i', join(ROOT, 'kmod-src/patches', p)], {
			encoding: 'utf8',
		});
		void r;
	}
	for (const f of files) copyFileSync(f, join(dir, f.split('/').pop()!));
	const objs = files.filter((f) => f.endsWith('.c')).map((f) => f.split('/').pop()!.replace(/\.c$/, '.o'));
	writeFileSync(join(dir, 'Kbuild'), `obj-m += ${objs.join(' ')}\n`);
	return dir;
}

function build(dir: string, objs: string[]): string {
	const r = spawnSync('make', ['-C', KDIR, `M=${dir}`, 'W=1', 'C=1', ...objs], { encoding: 'utf8' });
	expect(r.status, r.stdout + r.stderr).toBe(0);
	return (r.stdout + r.stderr)
		.split('\n')
		.filter((l) => /(warning|error):/.test(l))
		.join('\n');
}

function checkpatch(args: string[]): string {
	const r = spawnSync(join(KDIR, 'scripts/checkpatch.pl'), ['--no-tree', '--strict', '--show-types', ...args], { encoding: 'utf8', cwd: tmp });
	return r.stdout
		.split('\n')
		.filter((l) => /^(ERROR|WARNING):/.test(l))
		.join('\n');
}

const generated = ['md-llbitmap.c', 'md-llbitmap.h', 'md_meta.c', 'md-meta.h'].map((f) => join(ROOT, 'generated/md', f));
const goldenDir = join(ROOT, 'test/compiler/cases/__golden__');
const golden = existsSync(goldenDir) ? readdirSync(goldenDir).map((f) => join(goldenDir, f)) : [];

describe.skipIf(!built && !process.env.KDIR)('generated C quality gates', () => {
	test('generated/md builds with W=1 and sparse, with no warning', () => {
		const dir = stage('generated', generated);
		expect(build(dir, ['md-llbitmap.o', 'md_meta.o'])).toBe('');
	});

	test('the golden outputs build with W=1 and sparse, with no warning', () => {
		const dir = stage('golden', golden);
		const objs = golden.filter((f) => f.endsWith('.c')).map((f) => f.split('/').pop()!.replace(/\.c$/, '.o'));
		expect(build(dir, objs)).toBe('');
	});

	test('checkpatch --strict: no ERROR or WARNING in generated/ and the golden outputs', () => {
		expect(checkpatch(['-f', ...generated, ...golden])).toBe('');
	});

	test('checkpatch --strict: the kernel patch is clean', () => {
		const patches = readdirSync(join(ROOT, 'generated/kernel')).map((f) => join(ROOT, 'generated/kernel', f));
		expect(patches.length).toBeGreaterThan(0);
		expect(checkpatch(patches)).toBe('');
	});
});
