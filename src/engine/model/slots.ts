/** Hash-slot arithmetic shared by every part of the engine. Pure. */

export const SLOT_COUNT = 16384;

/** An inclusive range of hash slots, `start <= end`. */
export interface SlotRange {
  readonly start: number;
  readonly end: number;
}

export function rangeSize(r: SlotRange): number {
  return r.end - r.start + 1;
}

export function countSlots(ranges: readonly SlotRange[]): number {
  let n = 0;
  for (const r of ranges) n += rangeSize(r);
  return n;
}

/** Sorted, merged ranges from any list of slots (duplicates allowed). */
export function rangesFromSlots(slots: Iterable<number>): SlotRange[] {
  const sorted = [...new Set(slots)].sort((a, b) => a - b);
  const out: SlotRange[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && last.end + 1 === s) out[out.length - 1] = { start: last.start, end: s };
    else out.push({ start: s, end: s });
  }
  return out;
}

/** Normalises ranges: sorts, merges overlaps and neighbours. */
export function normalizeRanges(ranges: readonly SlotRange[]): SlotRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: SlotRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) {
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    } else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/** Expands ranges into a bitmap of SLOT_COUNT entries. */
export function slotBitmap(ranges: readonly SlotRange[]): Uint8Array {
  const map = new Uint8Array(SLOT_COUNT);
  for (const r of ranges) map.fill(1, r.start, r.end + 1);
  return map;
}

/** redis-cli's slot string: `[0-5460],[5462]`; empty string for no slots. */
export function formatSlotRanges(ranges: readonly SlotRange[]): string {
  return normalizeRanges(ranges)
    .map((r) => (r.start === r.end ? `[${r.start}]` : `[${r.start}-${r.end}]`))
    .join(',');
}

/** Ranges in the compact form used by UIs: `0-5460 5462`. */
export function formatRangesPlain(ranges: readonly SlotRange[]): string {
  return normalizeRanges(ranges)
    .map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`))
    .join(' ');
}

export function isValidSlot(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n < SLOT_COUNT;
}
