// Golden tests: each test/compiler/cases/*.ts compiles, as a unit of its
// own, to the C kept in test/compiler/cases/__golden__/ (update with -u).
// A golden file that is missing fails the test (vitest would write it and
// pass); a new case's files are written with KTS_NEW_GOLDEN=1.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile } from '../../compiler/src/compile.js';
import { formatDiagnostic } from '../../compiler/src/diagnostics/diagnostics.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CASES = join(ROOT, 'test/compiler/cases');
const PRELUDE = join(ROOT, 'kmod-src/kernel');

export function compileCase(file: string, lineDirectives = false) {
	return compile(CASES, { files: [join(CASES, file)], preludeDir: PRELUDE, lineDirectives });
}

/** `text` must equal the golden file at `path`, which must exist. */
export async function expectGolden(text: string, path: string, allowNew = process.env.KTS_NEW_GOLDEN === '1'): Promise<void> {
	if (!existsSync(path) && !allowNew)
		throw new Error(`no golden file ${path}; for a new case: KTS_NEW_GOLDEN=1 vitest run test/compiler/golden.test.ts`);
	await expect(text).toMatchFileSnapshot(path);
}

describe('golden C output', () => {
	test('a case whose golden file is missing fails instead of writing it', async () => {
		const path = join(CASES, '__golden__', 'no-such-case.c');
		await expect(expectGolden('int x;\n', path, false)).rejects.toThrow(/no golden file .*no-such-case\.c/);
		expect(existsSync(path)).toBe(false);
	});

	for (const file of readdirSync(CASES).filter((f) => f.endsWith('.ts')).sort()) {
		test(file, async () => {
			const r = compileCase(file);
			expect(r.diagnostics.sorted().map((d) => formatDiagnostic(d, ROOT))).toEqual([]);
			expect(r.files.length).toBeGreaterThan(0);
			for (const f of r.files) await expectGolden(f.text, join(CASES, '__golden__', f.path.replace(/^(md|kernel)\//, '')));
		});
	}
});
