// Runtime of kmod-src/kernel/errno.d.ts.
export const EINVAL = 22;
export const ENOMEM = 12;
export const EIO = 5;
export const ENOSPC = 28;
export const EOPNOTSUPP = 95;
export const EBUSY = 16;
export const ENOENT = 2;
export const ETIMEDOUT = 110;
export const ENODEV = 19;
export const EMEDIUMTYPE = 124;
export const ENXIO = 6;
export const EEXIST = 17;
export const ENAMETOOLONG = 36;
export const ERANGE = 34;

export class ErrPtr {
	constructor(readonly err: number) {}
}
export function ERR_PTR(error: number): ErrPtr {
	if (error >= 0) throw new RangeError(`ERR_PTR(${error}): not a negative errno`);
	return new ErrPtr(error);
}
export function PTR_ERR(p: object): bigint {
	if (!(p instanceof ErrPtr)) throw new TypeError('PTR_ERR() of a valid pointer');
	return BigInt(p.err);
}
export function IS_ERR(p: object | null): boolean {
	return p instanceof ErrPtr;
}
export function IS_ERR_OR_NULL(p: object | null): boolean {
	return !p || p instanceof ErrPtr;
}
