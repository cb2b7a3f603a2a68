// Quality gates on the C the compiler writes (generated/ and the golden
// outputs): kernel W=1 with no warning, sparse (C=1) clean, and
// checkpatch --strict with nothing to say. They need a built kernel tree
// (build/linux-6.12, or KDIR): without one, or without sparse or perl, they
// fail and say what is missing. The gates themselves are tested too: each
// fails on C that breaks its rule and when its tool is missing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildW1Sparse, checkpatch, headerHunks, ROOT, stage } from './gates.js';

const tmp = mkdtempSync(join(tmpdir(), 'kts-quality-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const generated = ['md-llbitmap.c', 'md-llbitmap.h', 'md_meta.c', 'md-meta.h'].map((f) => join(ROOT, 'generated/md', f));
const goldenDir = join(ROOT, 'test/compiler/cases/__golden__');
const golden = readdirSync(goldenDir).map((f) => join(goldenDir, f));
const kernelPatches = readdirSync(join(ROOT, 'generated/kernel')).map((f) => join(ROOT, 'generated/kernel', f));
const objs = (files: string[]) => files.filter((f) => f.endsWith('.c')).map((f) => f.split('/').pop()!.replace(/\.c$/, '.o'));

describe('generated C quality gates', () => {
	test('generated/md builds with W=1 and sparse, with no warning', () => {
		const dir = stage(join(tmp, 'generated'), generated);
		expect(buildW1Sparse(dir, ['md-llbitmap.o', 'md_meta.o'])).toBe('');
	}, 300_000);

	test('the golden outputs build with W=1 and sparse, with no warning', () => {
		expect(golden.length).toBeGreaterThan(0);
		const dir = stage(join(tmp, 'golden'), golden);
		expect(buildW1Sparse(dir, objs(golden))).toBe('');
	}, 300_000);

	test('checkpatch --strict: nothing in generated/ and the golden outputs', () => {
		expect(checkpatch(['-f', ...generated, ...golden], tmp)).toBe('');
	}, 120_000);

	test('checkpatch --strict: the kernel patch is clean', () => {
		expect(kernelPatches.length).toBeGreaterThan(0);
		// no Signed-off-by: a tool cannot certify the DCO; whoever sends it adds theirs
		expect(checkpatch(kernelPatches, tmp, undefined, ['MISSING_SIGN_OFF'])).toBe('');
		for (const p of kernelPatches) expect(readFileSync(p, 'utf8')).not.toMatch(/^Signed-off-by:/m);
	}, 120_000);

	test('checkpatch --strict: the hand-written glue patches are clean (bare diffs: no mail header to check)', () => {
		const glue = readdirSync(join(ROOT, 'kmod-src/patches')).map((f) => join(ROOT, 'kmod-src/patches', f));
		expect(glue.length).toBeGreaterThan(0);
		expect(checkpatch(glue, tmp, undefined, ['MISSING_SIGN_OFF', 'COMMIT_MESSAGE'])).toBe('');
	}, 120_000);
});

describe('the gates fail when they should', () => {
	const BAD_C = '// SPDX-License-Identifier: GPL-2.0\n#include <linux/module.h>\n\nint kts_unused(int *p)\n{\n\treturn *(int __user *)p;\n}\nMODULE_LICENSE("GPL");\n';

	test('W=1 and sparse report a missing prototype and an address-space mix-up', () => {
		const dir = join(tmp, 'bad');
		stage(dir, []);
		writeFileSync(join(dir, 'bad.c'), BAD_C);
		writeFileSync(join(dir, 'Kbuild'), 'obj-m += bad.o\n');
		const out = buildW1Sparse(dir, ['bad.o']);
		// gcc's W=1
		expect(out).toMatch(/no previous prototype for .kts_unused./);
		// sparse's
		expect(out).toMatch(/symbol 'kts_unused' was not declared/);
		expect(out).toMatch(/dereference of noderef expression/);
	}, 300_000);

	test('without sparse the build gate fails and names the package', () => {
		const dir = join(tmp, 'nosparse');
		stage(dir, []);
		writeFileSync(join(dir, 'bad.c'), BAD_C);
		expect(() => buildW1Sparse(dir, ['bad.o'], undefined, { ...process.env, PATH: '/nonexistent' })).toThrow(/sparse is missing \(Debian package sparse/);
	});

	test('without a built tree the gates fail and say how to get one', () => {
		expect(() => stage(join(tmp, 'notree'), [], '/nonexistent')).toThrow(/not a built kernel tree.*make kernel/);
		expect(() => checkpatch(['-f', generated[0]], tmp, '/nonexistent')).toThrow(/not a built kernel tree/);
	});

	test('checkpatch reports a style error, and counts every file it was given', () => {
		const f = join(tmp, 'style.c');
		writeFileSync(f, '// SPDX-License-Identifier: GPL-2.0\nint kts_f(int a){\n  return a;\n}\n');
		expect(checkpatch(['-f', f], tmp)).toMatch(/^ERROR:OPEN_BRACE/m);
		expect(() => checkpatch(['-f', f, join(tmp, 'no-such-file.c')], tmp)).toThrow(/summarised 1 of 2 inputs/);
	});

	test("only the headers' hunks of a glue patch are staged, and one that does not apply fails", () => {
		const bad = '--- a/drivers/md/md.h\n+++ b/drivers/md/md.h\n@@ -1 +1 @@\n-no such line\n+y\n';
		const both = `${bad}--- a/drivers/md/md.c\n+++ b/drivers/md/md.c\n@@ -1 +1 @@\n-x\n+y\n`;
		expect(headerHunks(both)).toBe(bad);
		const patches = join(tmp, 'patches');
		mkdirSync(patches);
		writeFileSync(join(patches, '0001-bad.patch'), both);
		expect(() => stage(join(tmp, 'badpatch'), [], undefined, patches)).toThrow(/header part of 0001-bad\.patch does not apply/);
	});
});
