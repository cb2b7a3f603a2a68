// The README parts that tools write: the text between
// `<!-- NAME:begin (WRITER writes this part) -->` and `<!-- NAME:end -->`
// is replaced, everything else is left as it is.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './guest.js';

export const README = join(ROOT, 'README.md');

export function replaceReadmePart(readme: string, name: string, writer: string, body: string): void {
	const begin = `<!-- ${name}:begin (${writer} writes this part) -->`;
	const end = `<!-- ${name}:end -->`;
	const text = readFileSync(readme, 'utf8');
	const a = text.indexOf(begin);
	const b = text.indexOf(end);
	if (a < 0 || b < a) throw new Error(`${name}: ${readme} has no "${begin}" ... "${end}" part to replace`);
	writeFileSync(readme, `${text.slice(0, a)}${begin}\n${body.trim()}\n${end}${text.slice(b + end.length)}`);
}
