/**
 * The bitmap's geometry: the space mdadm gives it on a member, and the
 * chunk size that fits an array in it. Plain arithmetic, which the
 * differential tests run as C and as Node on random inputs.
 */
import { type sector_t, ulong } from '../kernel/types';

/** Bitmap space mdadm reserves for a member of `size` sectors. */
export function llbitmap_default_space(size: sector_t): ulong {
	if (size < 64n * 2n)
		return 0n;
	if (size - 64n * 2n >= 200n * 1024n * 1024n * 2n)
		return 128n * 2n;
	if (size - 4n * 2n > 8n * 1024n * 1024n * 2n)
		return 64n * 2n;
	return 4n * 2n;
}

/**
 * The chunk shift for `sectors` of array in `room` bytes of state (one
 * byte per chunk): the smallest power of two from `chunksize` up whose
 * chunks fit. `room` is at least a block (llbitmap_read_all() refuses
 * less space) and `chunksize` below 2^23 sectors (a superblock of the
 * module before it recorded sectors held it in bytes, in 32 bits).
 */
export function llbitmap_chunkshift(sectors: sector_t, chunksize: ulong, room: ulong): ulong {
	let shift = ulong(0);

	while (ulong(1) << shift < chunksize)
		shift++;
	while ((sectors + (ulong(1) << shift) - 1n) >> shift > room)
		shift++;
	return shift;
}
