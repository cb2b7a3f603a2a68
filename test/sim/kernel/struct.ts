import { onReset } from '../sched.js';
// Struct objects in the simulation: zeroed like kzalloc()'s, with embedded
// structs that know their container (for container_of()).
const containers = new WeakMap<object, { parent: object; field: string }>();

/** Give each embedded struct of `obj` a link back to it; NULL pointers are null. */
export function link<T extends object>(obj: T): T {
	for (const [k, v] of Object.entries(obj)) {
		if (v === undefined) (obj as Record<string, unknown>)[k] = null;
		else if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !Array.isArray(v) && !containers.has(v)) {
			containers.set(v, { parent: obj, field: k });
			link(v);
		}
	}
	return obj;
}

export function containerOf(ptr: object, cls: new () => object, field: string): object {
	const c = containers.get(ptr);
	if (!c || c.field !== field || !(c.parent instanceof cls))
		throw new TypeError(`container_of(): not the '${field}' of a ${cls.name}`);
	return c.parent;
}

/** Make a struct of class `cls`, zeroed. */
export function zeroed<T extends object>(cls: new () => T): T {
	return link(new cls());
}

/** Allocations not yet freed, for leak checks. */
export const live = new Set<object>();

onReset(() => live.clear());
