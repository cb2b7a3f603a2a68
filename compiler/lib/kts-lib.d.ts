// The only global declarations kmod-src code sees (ktsc compiles with
// noLib): what the TypeScript checker itself needs, and nothing of the
// JavaScript runtime (no Math, JSON, Date, console, Promise, DOM, ...).
// Kernel APIs come from kmod-src/kernel/*.d.ts.

interface Array<T> {
	readonly length: number;
	[n: number]: T;
	[Symbol.iterator](): Iterator<T>;
}
interface ReadonlyArray<T> {
	readonly length: number;
	readonly [n: number]: T;
	[Symbol.iterator](): Iterator<T>;
}
interface Boolean {}
interface Function {}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments {}
interface Number {}
interface BigInt {}
interface Object {}
interface RegExp {}
interface String {}
interface TemplateStringsArray extends ReadonlyArray<string> {}

interface SymbolConstructor {
	readonly iterator: unique symbol;
}
declare var Symbol: SymbolConstructor;
interface Symbol {}
interface IteratorResult<T> {
	done?: boolean;
	value: T;
}
interface Iterator<T> {
	next(): IteratorResult<T>;
}
interface Iterable<T> {
	[Symbol.iterator](): Iterator<T>;
}

type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Partial<T> = { [P in keyof T]?: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
