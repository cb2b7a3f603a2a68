// A small Wadler/Prettier-style layout engine for C expressions.
//
// Continuation lines are aligned to a column (the open parenthesis, as
// kernel style asks), written as tabs then spaces. Groups print flat when
// the rest of the line fits in the width; `fill` packs items greedily, as
// kernel code does with long argument lists and conditions.

export type Doc =
	| string
	| { t: 'cat'; parts: Doc[] }
	| { t: 'group'; d: Doc }
	| { t: 'line'; flat: string }
	| { t: 'hard' }
	| { t: 'align'; d: Doc }
	| { t: 'indent'; d: Doc }
	| { t: 'fill'; items: Doc[]; sep: Doc }
	| { t: 'choice'; alts: Doc[] };

export const cat = (...parts: Doc[]): Doc => ({ t: 'cat', parts });
export const group = (d: Doc): Doc => ({ t: 'group', d });
export const line = (flat = ' '): Doc => ({ t: 'line', flat });
export const softline: Doc = { t: 'line', flat: '' };
export const hardline: Doc = { t: 'hard' };
export const align = (d: Doc): Doc => ({ t: 'align', d });
export const indent = (d: Doc): Doc => ({ t: 'indent', d });
export const fill = (items: Doc[], sep: Doc): Doc => ({ t: 'fill', items, sep });
/** The first alternative whose first line fits, else the last. */
export const choice = (...alts: Doc[]): Doc => ({ t: 'choice', alts });

type Mode = 'flat' | 'break';
interface Cmd {
	col: number; // alignment column for line breaks
	mode: Mode;
	doc: Doc;
}

export const TAB = 8;

function pad(col: number): string {
	return '\t'.repeat(Math.floor(col / TAB)) + ' '.repeat(col % TAB);
}

/** Width of a doc printed flat; Infinity if it must break. */
export function flatWidth(doc: Doc): number {
	if (typeof doc === 'string') return doc.length;
	switch (doc.t) {
		case 'cat':
			return doc.parts.reduce((n, p) => n + flatWidth(p), 0);
		case 'group':
		case 'align':
		case 'indent':
			return flatWidth(doc.d);
		case 'line':
			return doc.flat.length;
		case 'hard':
			return Infinity;
		case 'fill':
			return doc.items.reduce((n, p, i) => n + flatWidth(p) + (i ? flatWidth(doc.sep) : 0), 0);
		case 'choice':
			return flatWidth(doc.alts[0]);
	}
}

/** Does `next` (flat) plus the rest of the current line fit in `width - col`? */
function fits(next: Cmd, rest: Cmd[], width: number, col: number): boolean {
	let remaining = width - col;
	const stack: Cmd[] = [next];
	let restIdx = rest.length - 1;
	while (remaining >= 0) {
		let cmd = stack.pop();
		if (!cmd) {
			if (restIdx < 0) return true;
			cmd = rest[restIdx--];
		}
		const { mode, doc } = cmd;
		if (typeof doc === 'string') {
			remaining -= doc.length;
			continue;
		}
		switch (doc.t) {
			case 'cat':
				for (let i = doc.parts.length - 1; i >= 0; i--) stack.push({ ...cmd, doc: doc.parts[i] });
				break;
			case 'group':
			case 'align':
			case 'indent':
				stack.push({ ...cmd, mode: doc.t === 'group' ? 'flat' : mode, doc: doc.d });
				break;
			case 'line':
				if (mode === 'break') return true;
				remaining -= doc.flat.length;
				break;
			case 'hard':
				return true;
			case 'fill':
				remaining -= flatWidth(doc);
				break;
			case 'choice':
				remaining -= flatWidth(doc.alts[0]);
				break;
		}
	}
	return false;
}

/** Lay out `doc` starting at column `startCol`; returns the text. */
export function render(doc: Doc, startCol: number, width = 80, alignCol = startCol): string {
	let out = '';
	let col = startCol;
	const stack: Cmd[] = [{ col: alignCol, mode: 'break', doc }];
	while (stack.length) {
		const cmd = stack.pop()!;
		const { doc: d, mode } = cmd;
		if (typeof d === 'string') {
			out += d;
			col = advance(col, d);
			continue;
		}
		switch (d.t) {
			case 'cat':
				for (let i = d.parts.length - 1; i >= 0; i--) stack.push({ ...cmd, doc: d.parts[i] });
				break;
			case 'group': {
				const flat: Cmd = { col: cmd.col, mode: 'flat', doc: d.d };
				if (mode === 'flat' || fits(flat, stack, width, col)) stack.push(flat);
				else stack.push({ col: cmd.col, mode: 'break', doc: d.d });
				break;
			}
			case 'align':
				stack.push({ col: mode === 'flat' ? cmd.col : col, mode, doc: d.d });
				break;
			case 'indent':
				stack.push({ col: (Math.floor(cmd.col / TAB) + 1) * TAB, mode, doc: d.d });
				break;
			case 'line':
				if (mode === 'flat') {
					out += d.flat;
					col += d.flat.length;
				} else {
					out = out.replace(/[ \t]+$/, '') + '\n' + pad(cmd.col);
					col = cmd.col;
				}
				break;
			case 'hard':
				out = out.replace(/[ \t]+$/, '') + '\n' + pad(cmd.col);
				col = cmd.col;
				break;
			case 'fill': {
				// Greedy: keep an item on this line if it (and its separator) fits.
				const parts: Cmd[] = [];
				d.items.forEach((item, i) => {
					if (i > 0) parts.push({ col: cmd.col, mode: 'sep' as Mode, doc: d.sep });
					parts.push({ col: cmd.col, mode: 'item' as Mode, doc: item });
				});
				// Expand lazily so each decision sees the current column.
				const pending = parts.reverse();
				const fillStep = (): void => {
					while (pending.length) {
						const p = pending.pop()!;
						if ((p.mode as string) === 'sep') {
							const next = pending[pending.length - 1];
							const sepFlat = flatWidth(p.doc);
							const nextWidth = next ? flatWidth(next.doc) : 0;
							// Room for the separator, the next item and a trailing ")" or ",".
							const breakHere = mode === 'break' && col + sepFlat + nextWidth + 1 > width;
							out += renderSep(p.doc, breakHere, p.col);
							col = breakHere ? p.col : col + sepFlat;
						} else {
							const itemFlat: Cmd = { col: p.col, mode: 'flat', doc: p.doc };
							const m: Mode = mode === 'flat' || fits(itemFlat, [], width, col) ? 'flat' : 'break';
							const text = render(p.doc, col, m === 'flat' ? Infinity : width);
							out += text;
							const nl = text.lastIndexOf('\n');
							col = nl < 0 ? col + text.length : visualWidth(text.slice(nl + 1));
						}
					}
				};
				fillStep();
				break;
			}
			case 'choice': {
				// The alternative whose lines all fit, in the fewest lines;
				// earlier alternatives win ties.
				let chosen = d.alts[d.alts.length - 1];
				let best = Infinity;
				for (const alt of d.alts) {
					const trial = render(alt, col, width, cmd.col).split('\n');
					const over = trial.some((l, i) => (i === 0 ? col : 0) + visualWidth(l) > width);
					const score = trial.length + (over ? 1000 : 0);
					if (score < best) {
						best = score;
						chosen = alt;
					}
				}
				stack.push({ ...cmd, doc: chosen });
				break;
			}
		}
	}
	return out;
}

function renderSep(sep: Doc, breakHere: boolean, alignCol: number): string {
	// A separator is text followed by one line: ", " + line.
	const flatText = render(group(sep), 0, Infinity);
	if (!breakHere) return flatText;
	return flatText.replace(/[ \t]+$/, '') + '\n' + pad(alignCol);
}

/** The column after printing `s` from column `col` (tabs to 8). */
function advance(col: number, s: string): number {
	for (const ch of s) col = ch === '\t' ? (Math.floor(col / TAB) + 1) * TAB : ch === '\n' ? 0 : col + 1;
	return col;
}

/** Printed width of text with tabs expanded (from column 0). */
export function visualWidth(s: string): number {
	let col = 0;
	for (const ch of s) col = ch === '\t' ? (Math.floor(col / TAB) + 1) * TAB : col + 1;
	return col;
}
