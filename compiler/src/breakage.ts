// Deliberately broken variants of the compiler, each a bug ktsc once had
// or could have: the differential tests switch one on and must catch it
// (test/compiler/differential.test.ts). Never set outside those tests.
export const breakage = {
	/** An implicit conversion drops a narrowing cast too (issue 15, item 1). */
	dropNarrowingCasts: false,
	/** Unary minus hands its target type to its operand: -(long)x becomes (long)-x's cast dropped. */
	negateInTargetType: false,
	/** A converted negative 64-bit literal loses its suffix: long(-1n) prints as the int -1. */
	negativeLiteralUntyped: false,
};
