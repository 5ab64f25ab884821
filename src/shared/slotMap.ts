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

function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/**
 * Which nodes' slots touch on the map (side by side in a grid row, or one
 * above the other) at any moment of a run: a slot counts both for its owner
 * before the plan and for its planned target, so these pairs, and the
 * colours they decide, stay the same while the slots move. Indexes as in
 * `owner`/`target`; the result is keyed by `ids[index]`.
 */
export function mapNeighbours(ids: readonly string[], owner: Int32Array, target: Int32Array): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const link = (a: number, b: number): void => {
    if (a === b || a === NONE || b === NONE || !ids[a] || !ids[b]) return;
    const x = ids[a]!;
    const y = ids[b]!;
    if (x === y) return;
    if (!out.has(x)) out.set(x, new Set());
    if (!out.has(y)) out.set(y, new Set());
    out.get(x)!.add(y);
    out.get(y)!.add(x);
  };
  const touch = (s: number, t: number): void => {
    link(owner[s]!, owner[t]!);
    link(owner[s]!, target[t]!);
    link(target[s]!, owner[t]!);
    link(target[s]!, target[t]!);
  };
  for (let s = 0; s < SLOTS; s++) {
    if (s % GRID !== GRID - 1) touch(s, s + 1);
    if (s + GRID < SLOTS) touch(s, s + GRID);
  }
  return out;
}

/** Where the evenly spaced hues start (a blue, so a 1-master cluster is not red). */
const FIRST_HUE = 215;

/** Neighbours this far apart on the colour wheel are told apart; beyond it, spreading all hues matters more. */
const FAR_ENOUGH = 90;

/**
 * A hue (0–360) per node id, a function of the set of ids and of `neighbours`
 * only (never of their order). The rule, unit-tested for up to 64 masters:
 *   - every node gets its own hue out of max(12, 2N) hues evenly spaced, so
 *     no two nodes have the same colour and any two are 360/max(12, 2N)° apart
 *     or more;
 *   - nodes choose in DSatur order (the one with most neighbours already
 *     placed, then most neighbours, then the first id), each the free hue
 *     farthest from its placed neighbours' hues (neighbours: `mapNeighbours`)
 *     up to 90°, then the one farthest from every placed hue, then the one
 *     nearest its own hashed hue: masters next to each other on the map end up
 *     at least 90° apart in the contiguous layouts create and rebalance make.
 */
export function assignHues(ids: readonly string[], neighbours: ReadonlyMap<string, ReadonlySet<string>> = new Map()): Record<string, number> {
  const unique = [...new Set(ids)].sort();
  const count = Math.max(12, 2 * unique.length);
  const free = Array.from({ length: count }, (_, i) => Math.round(((FIRST_HUE + (i * 360) / count) % 360) * 10) / 10);
  const out: Record<string, number> = {};
  const degree = (id: string): number => neighbours.get(id)?.size ?? 0;
  const placedNeighbours = (id: string): number[] => [...(neighbours.get(id) ?? [])].filter((n) => n in out).map((n) => out[n]!);
  const nearest = (hue: number, to: readonly number[]): number => to.reduce((m, p) => Math.min(m, hueDistance(p, hue)), 360);
  const left = new Set(unique);
  while (left.size > 0) {
    let id = '';
    let idKey = [-1, -1];
    for (const c of left) {
      const key = [placedNeighbours(c).length, degree(c)];
      if (key[0]! > idKey[0]! || (key[0] === idKey[0] && key[1]! > idKey[1]!)) {
        id = c;
        idKey = key;
      }
    }
    left.delete(id);
    const own = (hashId(id) % 3600) / 10;
    const near = placedNeighbours(id);
    const all = Object.values(out);
    let best = 0;
    let bestKey = [-1, -1, -360];
    free.forEach((hue, i) => {
      const key = [Math.min(FAR_ENOUGH, nearest(hue, near)), nearest(hue, all), -hueDistance(own, hue)];
      for (let k = 0; k < key.length; k++) {
        if (key[k]! > bestKey[k]! + 1e-9) {
          best = i;
          bestKey = key;
          break;
        }
        if (key[k]! < bestKey[k]! - 1e-9) break;
      }
    });
    out[id] = free[best]!;
    free.splice(best, 1);
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
