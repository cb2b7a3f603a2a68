// The simulated kernel implements every value the kernel declaration
// layer declares (so kmod-src runs in Node without a missing function).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Project } from 'ts-morph';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const layer = join(ROOT, 'kmod-src/kernel');
const project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { noLib: true } });

describe('simulated kernel vs the declaration layer', () => {
	for (const f of readdirSync(layer).filter((x) => x.endsWith('.d.ts') && x !== 'bdev-internal.d.ts')) {
		test(f, async () => {
			const sf = project.addSourceFileAtPath(join(layer, f));
			const values = [...sf.getExportedDeclarations()]
				.filter(([, decls]) => decls.some((d) => !d.isKind?.(0) && ['FunctionDeclaration', 'VariableDeclaration', 'ClassDeclaration', 'EnumDeclaration'].includes(d.getKindName())))
				.map(([name]) => name);
			const sim = (await import(join(ROOT, 'test/sim/kernel', f.replace(/\.d\.ts$/, '.ts')))) as Record<string, unknown>;
			expect(values.length).toBeGreaterThan(0);
			const missing = values.filter((v) => !(v in sim));
			expect(missing).toEqual([]);
		});
	}
});
