// Vite/vitest plugin: a kmod-src file imported by a test runs as its Node
// reading (reading/node.ts), the TypeScript that computes what the C does.
// The program is checked once per test run; a program ktsc does not accept
// fails the import with ktsc's diagnostics.
import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Plugin } from 'vite';
import { readForNode } from '../compile.js';

export function ktsNodeReading(srcDir: string): Plugin {
	const root = resolve(srcDir) + sep;
	let readings: Map<string, string> | undefined;
	/** Each file as it was when the program was read. */
	let sources = new Map<string, string>();
	return {
		name: 'kts-node-reading',
		enforce: 'pre',
		transform(code, id) {
			const path = id.split('?')[0];
			if (!path.startsWith(root) || !path.endsWith('.ts') || path.endsWith('.d.ts')) return null;
			// read again when the file is not what the program was read from
			if (!readings || (sources.has(path) && sources.get(path) !== code)) {
				readings = readForNode(srcDir);
				sources = new Map([...readings.keys()].map((p) => [p, readFileSync(p, 'utf8')]));
			}
			const r = readings.get(path);
			return r === undefined ? null : { code: r, map: null };
		},
	};
}
