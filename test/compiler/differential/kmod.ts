/**
 * Differential case: kmod-src's own pure functions - the state machine,
 * mdadm's default bitmap space, the chunk geometry - called with random
 * inputs, as the C built from kmod-src and as its Node reading.
 */
import { llbitmap_chunkshift, llbitmap_default_space } from '../../../kmod-src/md-llbitmap/geometry';
import { llbitmap_action, llbitmap_state, llbitmap_state_machine } from '../../../kmod-src/md-llbitmap/state';
import { type sector_t, type u8, ulong } from '../../../kmod-src/kernel/types';

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
