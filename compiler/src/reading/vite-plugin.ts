// Vite/vitest plugin: a kmod-src file imported by a test runs as its Node
// reading (reading/node.ts), the TypeScript that computes what the C does.
// The program is checked once per test run; a program ktsc does not accept
// fails the import with ktsc's diagnostics.
import { resolve, sep } from 'node:path';
import type { Plugin } from 'vite';
import { readForNode } from '../compile.js';

export function ktsNodeReading(srcDir: string): Plugin {
	const root = resolve(srcDir) + sep;
	let readings: Map<string, string> | undefined;
	return {
		name: 'kts-node-reading',
		enforce: 'pre',
		transform(code, id) {
			const path = id.split('?')[0];
			if (!path.startsWith(root) || !path.endsWith('.ts') || path.endsWith('.d.ts')) return null;
			readings ??= readForNode(srcDir);
			const r = readings.get(path);
			if (r === undefined) return null;
			// the file changed since the program was read: read it again
			if (!r.startsWith(code.slice(0, Math.min(code.length, 64)))) {
				readings = readForNode(srcDir);
				return { code: readings.get(path) ?? code, map: null };
			}
			return { code: r, map: null };
		},
	};
}
