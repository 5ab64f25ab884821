/**
 * IEEE single-precision arithmetic as redis-cli's planners compute it (spec
 * Appendix B). Every intermediate result is rounded to float32 with
 * Math.fround, which reproduces C `float` arithmetic exactly for + − × ÷
 * (double has more than twice float's precision, so no double rounding). Pure.
 */

export const f32 = Math.fround;

/**
 * The share of `numSlots` a reshard source with `count` slots gets when the
 * sources own `total` slots: `(float)numslots / tot_slots * slots_count`.
 */
export function reshardShare(numSlots: number, total: number, count: number): number {
  return f32(f32(f32(numSlots) / f32(total)) * f32(count));
}

/** Sum of float32 weights, accumulated in order as a C `float`. */
export function sumWeights(weights: readonly number[]): number {
  let total = f32(0);
  for (const w of weights) total = f32(total + f32(w));
  return total;
}

/** Slots a node of `weight` should own: `(int)(((float)16384 / total) * weight)`. */
export function expectedSlots(totalWeight: number, weight: number, slotCount = 16384): number {
  return Math.trunc(f32(f32(f32(slotCount) / f32(totalWeight)) * f32(weight)));
}

/**
 * redis-cli's threshold test for one node: `fabs(100 - 100.0*expected/slots)`
 * computed in double, stored in a float, compared with the float threshold;
 * a node with no slots is over iff it should get more than one slot.
 */
export function overThreshold(slots: number, expected: number, threshold: number): boolean {
  if (!(threshold > 0)) return false;
  if (slots > 0) return f32(Math.abs(100 - (100 * expected) / slots)) > f32(threshold);
  return expected > 1;
}
