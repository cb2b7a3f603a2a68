// Shared state of the lowering of one unit: the checker's decisions, the
// headers the unit's code uses, and source positions for #line.
import { relative } from 'node:path';
import type { Node } from 'ts-morph';
import type * as C from '../c/ast.js';
import type { CType } from '../c/types.js';
import type { Checker } from '../check/checker.js';
import type { Entity } from '../check/model.js';

export class Lowerer {
	/** `linux/slab.h` (system) or `"md.h"` (local). */
	readonly headers = new Set<string>();
	/** Functions of this unit referenced so far (for forward declarations). */
	readonly referenced = new Set<string>();
	/** Other units whose headers this unit needs. */
	readonly unitDeps = new Set<string>();

	constructor(
		readonly ck: Checker,
		readonly unitName: string,
		readonly rootDir: string,
	) {}

	pos(node: Node): C.Pos {
		return { file: relative(this.rootDir, node.getSourceFile().getFilePath()), line: node.getStartLineNumber() };
	}

	useEntity(ent: Entity | undefined): void {
		if (!ent) return;
		if (ent.external) {
			if (ent.header && ent.header !== '-') this.headers.add(ent.header);
			if (ent.kind === 'const' || ent.kind === 'var' || ent.kind === 'func') this.useType(ent.type);
			return;
		}
		if (ent.kind === 'func') {
			if (ent.unit && ent.unit !== this.unitName) this.unitDeps.add(ent.unit);
			else this.referenced.add(ent.name);
			return;
		}
		// a constant, enum member, table or variable of another unit: its header
		const owner = this.ck.unitOf(ent.node)?.name;
		if (owner && owner !== this.unitName) this.unitDeps.add(owner);
	}

	/** Record the headers a type needs. */
	useType(t: CType, seen = new Set<CType>()): void {
		if (seen.has(t)) return;
		seen.add(t);
		switch (t.kind) {
			case 'struct':
				if (t.external && t.header && t.header !== '-') this.headers.add(t.header);
				break;
			case 'ptr':
				this.useType(t.to, seen);
				break;
			case 'array':
				this.useType(t.of, seen);
				if (t.bitmap?.header) this.headers.add(t.bitmap.header);
				break;
			case 'func':
				this.useType(t.ret, seen);
				for (const p of t.params) this.useType(p.type, seen);
				break;
			case 'int':
				if (t.name !== 'int' && t.name !== 'char' && !t.name.includes(' ')) this.headers.add('linux/types.h');
				break;
		}
	}
}
