// The state table in kmod-src/md-llbitmap/state.ts is total and is the
// documented one (../shared/reference/llbitmap-upstream.md, "." = BitNone)
// with two deliberate differences. Discard turns only Clean chunks
// Unwritten: a Dirty, NeedSync or Syncing chunk may have writes in flight
// that started before the discard; upstream's Unwritten there lets such a
// write land on a chunk no sync will visit (the property tests found it).
// Stale turns Unwritten chunks NeedSync: a stale bitmap missed writes, and
// upstream's Unwritten there lets a chunk written meanwhile be skipped
// (test/sim/takeover.test.ts).
import { describe, expect, test } from 'vitest';
import { llbitmap_action, llbitmap_state, llbitmap_state_machine } from '../../kmod-src/md-llbitmap/state.js';

const S = llbitmap_state;
const A = llbitmap_action;
const _ = S.BitNone;

// prettier-ignore
const DOCUMENTED: Record<string, number[]> = {
	//              Startwrite   Startsync     Endsync     Abortsync      Reload         Daemon      Discard         Stale
	BitUnwritten: [S.BitDirty,   _,            _,          _,             _,             _,          _,              S.BitNeedSync],
	BitClean:     [S.BitDirty,   _,            _,          _,             _,             _,          S.BitUnwritten, S.BitNeedSync],
	BitDirty:     [_,            _,            _,          _,             S.BitNeedSync, S.BitClean, _,              S.BitNeedSync],
	BitNeedSync:  [_,            S.BitSyncing, _,          _,             _,             _,          _,              _],
	BitSyncing:   [_,            S.BitSyncing, S.BitDirty, S.BitNeedSync, S.BitNeedSync, _,          _,              S.BitNeedSync],
};

const states = Object.keys(DOCUMENTED);
const actions = ['BitmapActionStartwrite', 'BitmapActionStartsync', 'BitmapActionEndsync', 'BitmapActionAbortsync', 'BitmapActionReload', 'BitmapActionDaemon', 'BitmapActionDiscard', 'BitmapActionStale'];

describe('the state table', () => {
	test('covers every state and action of the enums, and nothing else', () => {
		expect(Object.keys(llbitmap_state_machine).map(Number).sort()).toEqual(states.map((s) => S[s as keyof typeof S]).sort());
		expect(S.BitStateCount).toBe(states.length);
		expect(A.BitmapActionCount).toBe(actions.length);
		for (const s of states) {
			const row = llbitmap_state_machine[S[s as keyof typeof S]];
			expect(Object.keys(row).map(Number).sort(), s).toEqual(actions.map((a) => A[a as keyof typeof A]).sort());
		}
	});

	test('is the documented table', () => {
		for (const s of states)
			actions.forEach((a, i) => {
				expect(llbitmap_state_machine[S[s as keyof typeof S]][A[a as keyof typeof A]], `${s} x ${a}`).toBe(DOCUMENTED[s][i]);
			});
	});
});
