// What the checker decides about each node, for the lowering to follow.
import type { Node } from 'ts-morph';
import type { CType } from '../c/types.js';
import type { Entity, FuncEntity } from './model.js';

export interface ExprInfo {
	type: CType;
	/** Value known at compile time. */
	lit?: bigint;
	/** An integer constant without a fixed C type yet (a literal). */
	untyped?: boolean;
	/** Names an object that can be assigned or have its address taken. */
	lvalue?: boolean;
	/** A struct or array stored by value inside another struct. */
	embedded?: boolean;
	/** A const object (a Readonly<T> table): its address is a const pointer. */
	constObject?: boolean;
	/** The entity an identifier or callee names. */
	entity?: Entity;
	/** A local made with local(): a C scalar whose address is passed. */
	outLocal?: boolean;
	/** Known not to be negative (kernel constants): mixes with unsigned freely. */
	nonneg?: boolean;
	/** A local or parameter (for `#define`-free constant checks). */
	local?: LocalInfo;
}

export interface LocalInfo {
	name: string;
	type: CType;
	/** local(): declared as a scalar, used through get()/set()/&. */
	outLocal: boolean;
	/** Declared in a parameter list. */
	param: boolean;
	node: Node;
}

/** How lowering must treat one argument or assigned value. */
export type Adjust = 'none' | 'address' | 'cond-macro';

export interface CallInfo {
	callee?: FuncEntity;
	/** Intrinsic name when the compiler lowers the call itself. */
	intrinsic?: string;
	/** Per argument. */
	adjust: Adjust[];
	/** The call is a method on an Out<T>: get/set. */
	outMethod?: 'get' | 'set';
	/** Calling a function pointer field. */
	indirect?: boolean;
	/**
	 * kzalloc/kcalloc: the size is sizeof(*p) of the pointer it is stored
	 * in ('target'), or the type's own ('type') when that pointer points
	 * to something else (a void * field: sizeof(*p) would be 1).
	 */
	allocSize?: 'target' | 'type';
}

/** A conversion call u32(x): whether C needs the cast written out. */
export interface ConvInfo {
	target: CType;
	cast: boolean;
	/** A constant converted: its value in the target type. */
	lit?: bigint;
}

/** The type of an expression that already has a diagnostic, so it is reported once. */
export const ERR: CType = { kind: 'void', name: 'void' };

export function isErr(i: ExprInfo): boolean {
	return i.type === ERR;
}
