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
interface IteratorYieldResult<TYield> {
	done?: false;
	value: TYield;
}
interface IteratorReturnResult<TReturn> {
	done: true;
	value: TReturn;
}
type IteratorResult<T, TReturn = any> = IteratorYieldResult<T> | IteratorReturnResult<TReturn>;
interface Iterator<T, TReturn = any, TNext = any> {
	next(...[value]: [] | [TNext]): IteratorResult<T, TReturn>;
}
interface Iterable<T, TReturn = any, TNext = any> {
	[Symbol.iterator](): Iterator<T, TReturn, TNext>;
}
interface IterableIterator<T, TReturn = any, TNext = any> extends Iterator<T, TReturn, TNext> {
	[Symbol.iterator](): IterableIterator<T, TReturn, TNext>;
}
interface IteratorObject<T, TReturn = unknown, TNext = unknown> extends Iterator<T, TReturn, TNext> {
	[Symbol.iterator](): IteratorObject<T, TReturn, TNext>;
}
type BuiltinIteratorReturn = intrinsic;

type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Partial<T> = { [P in keyof T]?: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
