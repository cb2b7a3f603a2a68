/**
 * Differential case: kmod-src's own pure functions - the state machine,
 * mdadm's default bitmap space, the chunk geometry, the reading of an
 * untagged superblock's chunk size - called with random
 * inputs, as the C built from kmod-src and as its Node reading.
 */
import { llbitmap_chunkshift, llbitmap_default_space, llbitmap_untagged_chunk } from '../../../kmod-src/md-llbitmap/geometry';
import { llbitmap_action, llbitmap_state, llbitmap_state_machine } from '../../../kmod-src/md-llbitmap/state';
import { type sector_t, type u32, type u8, ulong } from '../../../kmod-src/kernel/types';

/** The table's next state, or 0xfe for a pair outside it. @global */
export function next_state(state: u8, action: u8): u8 {
	if (state >= llbitmap_state.BitStateCount || action >= llbitmap_action.BitmapActionCount)
		return 0xfe;
	return llbitmap_state_machine[state as llbitmap_state][action as llbitmap_action];
}

/** @global */
export function default_space(size: sector_t): ulong {
	return llbitmap_default_space(size);
}

/** The shift, with the preconditions the callers keep (0xff outside them). @global */
export function chunkshift(sectors: sector_t, chunksize: ulong, room: ulong): ulong {
	if (!room || chunksize >= ulong(1) << 23n || sectors >= ulong(1) << 62n)
		return 0xffn;
	return llbitmap_chunkshift(sectors, chunksize, room);
}

/** An untagged superblock's chunk size, with chunkshift's preconditions (0xff outside them). @global */
export function untagged_chunk(recorded: u32, sectors: sector_t, room: ulong): ulong {
	if (!room || sectors >= ulong(1) << 62n)
		return 0xffn;
	return llbitmap_untagged_chunk(recorded, sectors, room);
}
