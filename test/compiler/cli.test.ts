// ktsc as a user meets it: a wrong file gives coded errors on the right
// lines and writes nothing; --check shows a diff when generated/ is stale;
// --line-directives points gcc at the TypeScript.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const KTSC = join(ROOT, 'compiler/bin/ktsc.js');
const tmp = mkdtempSync(join(tmpdir(), 'ktsc-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ktsc(args: string[], cwd = ROOT) {
	const r = spawnSync('node', [KTSC, ...args], { cwd, encoding: 'utf8' });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A source tree with the real kernel declaration layer and one unit. */
function tree(name: string, unit: string): string {
	const dir = join(tmp, name);
	mkdirSync(join(dir, 'src'), { recursive: true });
	cpSync(join(ROOT, 'kmod-src/kernel'), join(dir, 'src/kernel'), { recursive: true });
	writeFileSync(join(dir, 'src/thing.ts'), unit);
	return dir;
}

const WRONG = `import { pr_info } from './kernel/printk';
import { type int, type u32, type u64 } from './kernel/types';

export function wrong(a: u32, b: u64): u32 {
	const twice = (x: u32) => x + x;
	const small: u32 = a + b;
	kzallok(4);
	pr_info('a=' + a);
	return a;
}
`;

describe('ktsc command line', () => {
	test('a wrong file: coded errors on the right lines, nothing written', () => {
		const dir = tree('wrong', WRONG);
		const r = ktsc(['src', '-o', 'out'], dir);
		expect(r.code).toBe(1);
		// TypeScript's errors come first: the bigint/number mix and the unknown call.
		expect(r.err).toMatch(/src\/thing\.ts:6:\d+: error KTS0001: TS2365: Operator '\+' cannot be applied to types 'number' and 'bigint'/);
		expect(r.err).toMatch(/src\/thing\.ts:7:2: error KTS3001: unknown name 'kzallok'; did you mean 'kzalloc' \(from kernel\/slab\)\?/);
		expect(r.err).toContain("7 |     kzallok(4);");
		expect(r.err).toMatch(/nothing written/);
		expect(existsSync(join(dir, 'out'))).toBe(false);
		// Once TypeScript is happy, the subset's own rules.
		writeFileSync(join(dir, 'src/thing.ts'), WRONG.replace('a + b', 'a').replace('\tkzallok(4);\n', ''));
		const r2 = ktsc(['src', '-o', 'out'], dir);
		expect(r2.code).toBe(1);
		expect(r2.err).toMatch(/src\/thing\.ts:5:16: error KTS1001: closures are not supported/);
		expect(r2.err).toMatch(/src\/thing\.ts:7:10: error KTS1004: strings are supported only as literals/);
		expect(r2.err).toMatch(/hint: write a named top-level function/);
		expect(existsSync(join(dir, 'out'))).toBe(false);
	});

	test('an implicit narrowing is refused with the conversion to write', () => {
		const dir = tree('narrow', `import { type u32, type u8 } from './kernel/types';\n/** @global */\nexport function f(a: u32): u8 {\n\treturn a;\n}\n`);
		const r = ktsc(['src', '-o', 'out'], dir);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/src\/thing\.ts:4:9: error KTS2002: implicit conversion from 'u32' to 'u8' may change the value/);
		expect(r.err).toMatch(/hint: convert explicitly with u8\(\.\.\.\)/);
	});

	test('--check passes on the committed generated/, and shows a diff when stale', () => {
		const ok = ktsc(['kmod-src', '-o', 'generated', '--check']);
		expect(ok.err).toBe('');
		expect(ok.code).toBe(0);
		const copy = join(tmp, 'stale');
		cpSync(join(ROOT, 'generated'), copy, { recursive: true });
		const f = join(copy, 'md/md_meta.c');
		writeFileSync(f, readFileSync(f, 'utf8').replace('md_meta_write', 'md_meta_write_old'));
		writeFileSync(join(copy, 'md/extra.c'), '/* not produced by any unit */\n');
		const r = ktsc(['kmod-src', '-o', copy, '--check']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/^-.*md_meta_write_old/m);
		expect(r.err).toMatch(/^\+.*md_meta_write\(/m);
		expect(r.err).toMatch(/extra\.c is not produced by any unit/);
		expect(r.err).toMatch(/is stale \(2 files\); run: npx ktsc kmod-src -o/);
	});

	test('--line-directives maps C lines to TypeScript lines', () => {
		const out = join(tmp, 'lines');
		const r = ktsc(['kmod-src', '-o', out, '--line-directives']);
		expect(r.code).toBe(0);
		const c = readFileSync(join(out, 'md/md_meta.c'), 'utf8');
		expect(c).toMatch(/^#line \d+ "kmod-src\/md_meta\.ts"$/m);
		// The directive before md_meta_submit_bio's body names its TS line.
		const ts = readFileSync(join(ROOT, 'kmod-src/md_meta.ts'), 'utf8').split('\n');
		const m = /#line (\d+) "kmod-src\/md_meta\.ts"\n\tif \(!bio_sectors\(bio\) &&/.exec(c);
		expect(m).not.toBeNull();
		expect(ts[Number(m![1]) - 1]).toContain('if (!bio_sectors(bio) &&');
		// Every directive, in every file: one naming the C file names the
		// line it is on; one naming TypeScript names a line holding what the
		// next C line declares or does (a function head's name, a
		// declaration's variable, a statement's first word).
		let checked = 0;
		for (const f of ['md/md_meta.c', 'md/md-llbitmap.c']) {
			const lines = readFileSync(join(out, f), 'utf8').split('\n');
			lines.forEach((l, i) => {
				// a function definition's head and a declaration in a body
				// carry their own directive (not one before the comment)
				const defines = /^(?:static )?[\w ]+?\**\b\w+\(.*\)$/.test(l) && lines[i + 1] === '{';
				const prev = lines.slice(0, i).filter((x) => !x.startsWith('#line')).at(-1);
				const declares = /^\t(?:const )?(?:struct |enum )?(?:unsigned )?\w+ \**\w+(?: = .*)?;$/.test(l) && !/^\t(return|break|continue|goto)\b/.test(l) && (prev === '{' || prev?.startsWith('\t') === true);
				if (defines || (declares && lines.slice(0, i).reverse().find((x) => !x.startsWith('#line') && x !== l) === '{'))
					expect(lines[i - 1], `${f}:${i + 1} '${l}'`).toMatch(/^#line /);
				const d = /^#line (\d+) "(.+)"$/.exec(l);
				if (!d) return;
				const next = lines[i + 1];
				if (d[2] === f) {
					expect(Number(d[1]), `${f}:${i + 1}`).toBe(i + 2);
					checked++;
					return;
				}
				const src = readFileSync(join(ROOT, d[2]), 'utf8').split('\n')[Number(d[1]) - 1];
				const patterns = [
					/^\s*(return|if|while|for|switch|break|continue)\b/, // a statement keyword
					/^(?:struct|enum) (\w+) \{/, // a struct or enum: its name
					/^#define (\w+)/,
					/^(?:static )?(?:const )?(?:struct |enum )?\w+ \**(\w+)(?:\[[^\]]*\])*(?: =|;)/, // a file-scope object
					/^\t+(?:const )?(?:struct |enum )?(?:unsigned )?\w+ \**(\w+)(?: =|;)/, // a declaration: its variable
					/^(?:static )?[\w ]+?\**\b(\w+)\(/, // a function head: its name
					/^\s*(\w+)/, // a statement: its first word
				];
				const key = patterns.map((re) => re.exec(next)?.[1]).find((k) => k);
				if (!key || ['goto', 'else', 'do', 'case', 'default'].includes(key)) return;
				expect(src, `${f}:${i + 2} '${next.trim()}' maps to ${d[2]}:${d[1]}`).toContain(key);
				checked++;
			});
		}
		expect(checked).toBeGreaterThan(300);
	});

	test('an empty source directory is an error, not an empty output', () => {
		const dir = join(tmp, 'empty');
		mkdirSync(join(dir, 'src/kernel'), { recursive: true });
		const r = ktsc(['src', '-o', 'out'], dir);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/error KTS0002: no TypeScript units found/);
	});

	test('all of kmod-src compiles into one C file per unit, a header for its exports and the kernel patch', () => {
		const r = ktsc(['kmod-src', '-o', join(tmp, 'all')]);
		expect(r.code).toBe(0);
		expect(r.out).toMatch(/ktsc: 3 units, 5 files \(5 changed\) in \d+ ms/);
		expect(readdirSync(join(tmp, 'all/md')).sort()).toEqual(['md-llbitmap.c', 'md-llbitmap.h', 'md-meta.h', 'md_meta.c']);
		expect(readdirSync(join(tmp, 'all/kernel'))).toHaveLength(1);
	});
});
