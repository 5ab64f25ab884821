/** Slot split among masters, computed exactly like `redis-cli --cluster create`. */

import { SLOT_COUNT } from './crc16';

/** Inclusive slot range [first, last]. */
export type SlotRange = readonly [first: number, last: number];

/**
 * Splits 0..16383 among `masters` the way redis-cli does (float32 cursor,
 * lround), e.g. 3 masters → 0-5460, 5461-10922, 10923-16383.
 */
export function allocSlotRanges(masters: number): SlotRange[] {
  if (!Number.isInteger(masters) || masters < 1 || masters > SLOT_COUNT) {
    throw new RangeError(`allocSlotRanges: bad master count ${masters}`);
  }
  const f = Math.fround;
  const step = f(SLOT_COUNT / masters);
  const ranges: SlotRange[] = [];
  let cursor = 0;
  let first = 0;
  for (let i = 0; i < masters; i++) {
    // lround on a non-negative value: round half away from zero == Math.round.
    let last = Math.round(f(f(cursor + step) - 1));
    if (last > SLOT_COUNT || i === masters - 1) last = SLOT_COUNT - 1;
    if (last < first) last = first;
    ranges.push([first, last]);
    first = last + 1;
    cursor = f(cursor + step);
  }
  return ranges;
}
