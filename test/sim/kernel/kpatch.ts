// Runtime of kmod-src/kernel/kpatch.d.ts: a kernel patch does nothing in Node.
export function kpatch(_spec: unknown): void {}
