// Rejections: every file in test/compiler/errors/ marks each rejected line
// with the codes it must produce (// KTS1234). Every diagnostic must have
// its marker and every marker its diagnostic; no C is written. Every code
// of the catalogue is exercised by some marker.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile } from '../../compiler/src/compile.js';
import { allCodes, formatDiagnostic } from '../../compiler/src/diagnostics/diagnostics.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ERRORS = join(ROOT, 'test/compiler/errors');
const PRELUDE = join(ROOT, 'kmod-src/kernel');
const files = readdirSync(ERRORS).filter((f) => f.endsWith('.ts')).sort();

function markers(text: string): Map<number, string[]> {
	const out = new Map<number, string[]>();
	text.split('\n').forEach((line, i) => {
		const m = /\/\/ (KTS\d{4}(?: KTS\d{4})*)\s*$/.exec(line);
		if (m) out.set(i + 1, m[1].split(' ').sort());
	});
	return out;
}

describe('diagnostics match their markers', () => {
	for (const file of files) {
		test(file, () => {
			const path = join(ERRORS, file);
			const r = compile(ERRORS, { files: [path], preludeDir: PRELUDE });
			const got = new Map<number, string[]>();
			for (const d of r.diagnostics.sorted()) {
				expect(d.file, formatDiagnostic(d, ROOT)).toBe(path);
				got.set(d.line, [...(got.get(d.line) ?? []), d.code].sort());
			}
			const want = markers(readFileSync(path, 'utf8'));
			const report = r.diagnostics.sorted().map((d) => formatDiagnostic(d, ROOT)).join('\n');
			expect(Object.fromEntries(got), report).toEqual(Object.fromEntries(want));
			expect(r.files).toEqual([]);
		});
	}

	test('every catalogue code has a test', () => {
		const used = new Set<string>();
		for (const f of files) for (const codes of markers(readFileSync(join(ERRORS, f), 'utf8')).values()) for (const c of codes) used.add(c);
		// KTS0002 (no units) is tested by the CLI tests.
		const untested = allCodes().filter((c) => !used.has(c) && c !== 'KTS0002');
		expect(untested).toEqual([]);
	});

	test('a diagnostic reads file:line:col: error KTSnnnn, shows the line underlined and a hint', () => {
		const r = compile(ERRORS, { files: [join(ERRORS, 'subset-syntax.ts')], preludeDir: PRELUDE });
		const d = r.diagnostics.sorted().find((x) => x.code === 'KTS1012')!;
		const text = formatDiagnostic(d, ROOT);
		expect(text).toMatch(/^test\/compiler\/errors\/subset-syntax\.ts:\d+:\d+: error KTS1012: '\/' on integers is not supported/);
		expect(text).toContain('return a / b;');
		expect(text).toMatch(/\^~+/);
		expect(text).toMatch(/hint: use div\(a, b\)/);
	});
});
