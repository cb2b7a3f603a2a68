// A reproducible random source (xorshift32) for the host tools and tests:
// the same seed gives the same draws, so a failing crash state can be
// replayed and a report made twice from one JSON is the same.
export function rng(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s >>>= 0;
		s ^= s >>> 17;
		s ^= s << 5;
		s >>>= 0;
		return s / 2 ** 32;
	};
}
