// Runtime of kmod-src/kernel/byteorder.d.ts (the simulation is little endian).
export const cpu_to_le32 = (x: number): number => x >>> 0;
export const le32_to_cpu = (x: number): number => x >>> 0;
export const cpu_to_le64 = (x: bigint): bigint => BigInt.asUintN(64, x);
export const le64_to_cpu = (x: bigint): bigint => BigInt.asUintN(64, x);
