/**
 * The bitmap's geometry: the space mdadm gives it on a member, and the
 * chunk size that fits an array in it. Plain arithmetic, which the
 * differential tests run as C and as Node on random inputs.
 */
import { type sector_t, type u32, ulong } from '../kernel/types';

/** Smallest chunk asked for with mdadm --bitmap-chunk, in sectors: 4 KiB. */
export const LLBITMAP_MIN_CHUNK: ulong = 8n;

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

/**
 * The chunk size in sectors of a bitmap whose superblock records
 * `recorded` and no tag: written by mainline (sectors) or by this bitmap
 * before it tagged its superblocks (bytes), for `sectors` of array in
 * `room` bytes of state. Read as sectors, a byte count gives chunks 512
 * times too large: every state byte would describe the wrong part of the
 * array. A recorded value is bytes only if it is a chunk size the old
 * superblock could hold, a power of two of 8 or more sectors whose chunks
 * fit in the room: mainline picks the smallest chunk from 64 KiB up whose
 * chunks fit, and a 512th of that does not fit (unless the array shrank
 * to a 512th of its size since: mainline keeps the chunk).
 */
export function llbitmap_untagged_chunk(recorded: u32, sectors: sector_t, room: ulong): ulong {
	const bytes = ulong(recorded >>> 9);

	if ((recorded & 511) === 0 && bytes >= LLBITMAP_MIN_CHUNK && (bytes & (bytes - 1n)) === 0n &&
	    ulong(1) << llbitmap_chunkshift(sectors, bytes, room) === bytes)
		return bytes;
	return ulong(recorded);
}
