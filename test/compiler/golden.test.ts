// Golden tests: each test/compiler/cases/*.ts compiles, as a unit of its
// own, to the C kept in test/compiler/cases/__golden__/ (update with -u).
import { readdirSync } from 'node:fs';
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

describe('golden C output', () => {
	for (const file of readdirSync(CASES).filter((f) => f.endsWith('.ts')).sort()) {
		test(file, async () => {
			const r = compileCase(file);
			expect(r.diagnostics.sorted().map((d) => formatDiagnostic(d, ROOT))).toEqual([]);
			expect(r.files.length).toBeGreaterThan(0);
			for (const f of r.files) await expect(f.text).toMatchFileSnapshot(join(CASES, '__golden__', f.path.replace(/^(md|kernel)\//, '')));
		});
	}
});
