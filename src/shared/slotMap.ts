/**
 * The slot-map model of the migration panel: which node owns each of the
 * 16384 slots, where it moves, how slots map to cells of a 128×128 grid, and
 * a colour per node that depends only on the node's id and the set of ids
 * (never on list order). Pure: no DOM, no Node; unit-tested under Node and
 * drawn on a canvas by the webview.
 */
import { SLOT_COUNT, rangesFromSlots, type SlotRange } from '../engine/model/slots';

export const SLOTS = SLOT_COUNT;
/** Cells per row (and rows) of the grid: 128 × 128 = 16384. */
export const GRID = 128;
/** Owner/target value for "nobody". */
export const NONE = -1;

export interface Cell {
  readonly col: number;
  readonly row: number;
}

/** A horizontal run of cells in one grid row: `colStart..colEnd` inclusive. */
export interface RowSpan {
  readonly row: number;
  readonly colStart: number;
  readonly colEnd: number;
}

export function slotToCell(slot: number): Cell {
  return { col: slot % GRID, row: Math.floor(slot / GRID) };
}

/** The slot under a cell, or NONE outside the grid. */
export function cellToSlot(col: number, row: number): number {
  if (!Number.isInteger(col) || !Number.isInteger(row) || col < 0 || row < 0 || col >= GRID || row >= GRID) return NONE;
  return row * GRID + col;
}

/** The slot under a point of a square map of `size` pixels (CSS), or NONE. */
export function slotAtPoint(x: number, y: number, size: number): number {
  if (!(size > 0) || x < 0 || y < 0 || x >= size || y >= size) return NONE;
  const cell = size / GRID;
  return cellToSlot(Math.floor(x / cell), Math.floor(y / cell));
}

/** A slot range as the row spans that draw it (a range wraps from the end of one row to the start of the next). */
export function rangeToRowSpans(range: SlotRange): RowSpan[] {
  const start = Math.max(0, range.start);
  const end = Math.min(SLOTS - 1, range.end);
  const spans: RowSpan[] = [];
  for (let s = start; s <= end;) {
    const row = Math.floor(s / GRID);
    const rowEnd = Math.min(end, row * GRID + GRID - 1);
    spans.push({ row, colStart: s % GRID, colEnd: rowEnd % GRID });
    s = rowEnd + 1;
  }
  return spans;
}

/** Every cell of a list of ranges, in slot order. */
export function rangesToCells(ranges: readonly SlotRange[]): Cell[] {
  const out: Cell[] = [];
  for (const r of ranges)
    for (const span of rangeToRowSpans(r)) {
      for (let c = span.colStart; c <= span.colEnd; c++) out.push({ col: c, row: span.row });
    }
  return out;
}

/** Owner index (into `nodes`) per slot; NONE where nobody claims the slot. Later nodes do not override earlier ones. */
export function buildOwnerMap(nodes: readonly { readonly slots: readonly SlotRange[] }[]): Int32Array {
  const owner = new Int32Array(SLOTS).fill(NONE);
  nodes.forEach((n, i) => {
    for (const r of n.slots) {
      for (let s = Math.max(0, r.start); s <= Math.min(SLOTS - 1, r.end); s++) if (owner[s] === NONE) owner[s] = i;
    }
  });
  return owner;
}

/** Planned target index per slot (NONE: the slot does not move). Unknown target ids are ignored. */
export function buildTargetMap(
  groups: readonly { readonly targetId: string; readonly slots: readonly SlotRange[] }[],
  indexOf: (id: string) => number,
): Int32Array {
  const target = new Int32Array(SLOTS).fill(NONE);
  for (const g of groups) {
    const t = indexOf(g.targetId);
    if (t < 0) continue;
    for (const r of g.slots) for (let s = Math.max(0, r.start); s <= Math.min(SLOTS - 1, r.end); s++) target[s] = t;
  }
  return target;
}

/** Owners once `doneSlots` have moved to their planned targets. Returns a new array. */
export function ownersAfter(owner: Int32Array, target: Int32Array, doneSlots: Iterable<number>): Int32Array {
  const out = owner.slice();
  for (const s of doneSlots) if (s >= 0 && s < SLOTS && target[s]! !== NONE) out[s] = target[s]!;
  return out;
}

/** Slot counts per owner index (length `n`). */
export function countByOwner(owner: Int32Array, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const o of owner) if (o >= 0 && o < n) counts[o]!++;
  return counts;
}

// ---------------------------------------------------------------- ranges (display)

/** Sorted, merged ranges from slots (duplicates allowed): the engine's own, model/slots.ts imports nothing. */
export const toRanges = rangesFromSlots;

/**
 * `0-2999, 5461` style (a comma between ranges, so `0-2999 5461` never reads
 * as one odd range), at most `max` ranges; the rest is reported as a count.
 */
export function formatRanges(ranges: readonly SlotRange[], max = Number.POSITIVE_INFINITY): { text: string; more: number } {
  const shown = ranges.slice(0, max).map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`));
  return { text: shown.join(', '), more: Math.max(0, ranges.length - shown.length) };
}

// ---------------------------------------------------------------- colours

/** FNV-1a 32-bit of a string: a stable, well-spread hash. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const GOLDEN_ANGLE = 137.508;

function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/**
 * A hue (0–360) per node id. Each id starts at the hue of its hash; ids are
 * placed in sorted order and step by the golden angle until the hue keeps a
 * minimum distance from hues already taken (else the candidate farthest from
 * them wins), so the result depends only on the set of ids, never on their order.
 */
export function assignHues(ids: readonly string[]): Record<string, number> {
  const unique = [...new Set(ids)].sort();
  const gap = Math.min(60, 360 / (1.6 * Math.max(1, unique.length)));
  const taken: number[] = [];
  const out: Record<string, number> = {};
  const nearest = (hue: number): number => taken.reduce((m, t) => Math.min(m, hueDistance(t, hue)), 360);
  for (const id of unique) {
    let hue = (hashId(id) % 3600) / 10;
    let best = hue;
    let bestDistance = nearest(hue);
    for (let tries = 0; tries < 64 && bestDistance < gap; tries++) {
      hue = (hue + GOLDEN_ANGLE) % 360;
      const d = nearest(hue);
      if (d > bestDistance) {
        best = hue;
        bestDistance = d;
      }
    }
    best = Math.round(best * 10) / 10;
    taken.push(best);
    out[id] = best;
  }
  return out;
}

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/**
 * The CSS colour of a node's slots. `shade` in 0..1 darkens (light themes) or
 * brightens (dark themes) the colour for slots with more keys; 0 = the base.
 */
export function nodeColour(hue: number, theme: ThemeKind, shade = 0): string {
  const k = Math.min(1, Math.max(0, shade));
  switch (theme) {
    case 'light':
      return `hsl(${hue} 62% ${Math.round(62 - 30 * k)}%)`;
    case 'high-contrast-light':
      return `hsl(${hue} 100% ${Math.round(38 - 16 * k)}%)`;
    case 'high-contrast':
      return `hsl(${hue} 100% ${Math.round(55 + 20 * k)}%)`;
    case 'dark':
      return `hsl(${hue} 55% ${Math.round(38 + 30 * k)}%)`;
  }
}

/** Shade of a slot with `keys` keys when the busiest slot has `maxKeys` (log scale, 0..1). */
export function keyShade(keys: number, maxKeys: number): number {
  if (!(keys > 0) || !(maxKeys > 0)) return 0;
  return Math.min(1, Math.log1p(keys) / Math.log1p(maxKeys));
}
