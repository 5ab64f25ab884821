/**
 * Slot-map colours on big clusters: every master its own hue, and masters whose
 * slots touch on the map (side by side or one above the other) far apart on
 * the colour wheel, for up to 64 masters, during a run as well as before it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSlots } from '../../src/engine/plan/createPlan';
import type { SlotRange } from '../../src/engine/model/slots';
import { GRID, NONE, SLOTS, assignHues, buildOwnerMap, buildTargetMap, mapNeighbours, ownersAfter } from '../../src/shared/slotMap';

/** A small seeded generator (the test must be the same on every run). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Ids in no relation to slot order (as real node ids are). */
function ids(n: number, seed: number): string[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 40 }, () => Math.floor(r() * 16).toString(16)).join(''));
}

function distance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Every pair of different owners of two touching cells of the map. */
function touchingPairs(owner: Int32Array): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < SLOTS; s++)
    for (const t of [s % GRID !== GRID - 1 ? s + 1 : NONE, s + GRID < SLOTS ? s + GRID : NONE]) {
      if (t === NONE) continue;
      const a = owner[s]!;
      const b = owner[t]!;
      if (a !== NONE && b !== NONE && a !== b) out.push([a, b]);
    }
  return out;
}

function closestNeighbours(nodeIds: string[], owner: Int32Array, hues: Record<string, number>): number {
  let min = 360;
  for (const [a, b] of touchingPairs(owner)) min = Math.min(min, distance(hues[nodeIds[a]!]!, hues[nodeIds[b]!]!));
  return min;
}

const noMoves = new Int32Array(SLOTS).fill(NONE);

test('1 to 64 masters in the layout create makes: distinct hues, neighbours on the map at least 90° apart', () => {
  for (let n = 1; n <= 64; n++) {
    const nodeIds = ids(n, n);
    const nodes = splitSlots(n).map((r) => ({ slots: [r] }));
    const owner = buildOwnerMap(nodes);
    const hues = assignHues(nodeIds, mapNeighbours(nodeIds, owner, noMoves));
    assert.equal(new Set(Object.values(hues)).size, n, `${n} masters: a hue each`);
    if (n > 1) {
      const min = closestNeighbours(nodeIds, owner, hues);
      assert.ok(min >= 89.9, `${n} masters: touching masters only ${min}° apart`);
    }
  }
});

test('adding a master (a rebalance takes slots from every master): neighbours stay apart before, during and after', () => {
  for (const n of [3, 10, 50, 63]) {
    const nodeIds = ids(n + 1, 100 + n);
    const ranges = splitSlots(n);
    const nodes: { slots: SlotRange[] }[] = [...ranges.map((r) => ({ slots: [r] })), { slots: [] }];
    const owner = buildOwnerMap(nodes);
    const share = Math.floor(SLOTS / (n + 1) / n);
    const groups = ranges.map((r) => ({ targetId: nodeIds[n]!, slots: [{ start: r.start, end: r.start + share - 1 }] }));
    const target = buildTargetMap(groups, (id) => nodeIds.indexOf(id));
    const hues = assignHues(nodeIds, mapNeighbours(nodeIds, owner, target));
    assert.equal(new Set(Object.values(hues)).size, n + 1);
    const moving = [...target.keys()].filter((s) => target[s] !== NONE);
    const r = rng(n);
    for (const fraction of [0, 0.3, 0.7, 1]) {
      const done = moving.filter(() => r() < fraction);
      const min = closestNeighbours(nodeIds, ownersAfter(owner, target, done), hues);
      assert.ok(min >= 45, `${n}+1 masters, ${Math.round(fraction * 100)}% moved: touching masters only ${min}° apart`);
    }
  }
});

test('any layout, any moment of a run: every pair of touching owners is a neighbour pair, and no two masters share a hue', () => {
  const r = rng(7);
  for (const n of [2, 5, 64]) {
    const nodeIds = ids(n, 200 + n);
    // 400 random runs of slots to random owners: a heavily resharded cluster.
    const owner = new Int32Array(SLOTS);
    for (let s = 0; s < SLOTS;) {
      const len = 1 + Math.floor(r() * 80);
      owner.fill(Math.floor(r() * n), s, Math.min(SLOTS, s + len));
      s += len;
    }
    const target = new Int32Array(SLOTS).fill(NONE);
    for (let s = 0; s < SLOTS; s++) if (r() < 0.05) target[s] = Math.floor(r() * n);
    const neighbours = mapNeighbours(nodeIds, owner, target);
    const moving = [...target.keys()].filter((s) => target[s] !== NONE);
    for (const fraction of [0, 0.5, 1]) {
      const now = ownersAfter(
        owner,
        target,
        moving.filter(() => r() < fraction),
      );
      for (const [a, b] of touchingPairs(now)) assert.ok(neighbours.get(nodeIds[a]!)?.has(nodeIds[b]!), `${n}: ${a}/${b} touch but are not neighbours`);
    }
    const hues = assignHues(nodeIds, neighbours);
    assert.equal(new Set(Object.values(hues)).size, n, 'a hue each');
    assert.ok(closestNeighbours(nodeIds, owner, hues) >= 360 / Math.max(12, 2 * n) - 0.1, 'any two hues at least one step apart');
    // The set decides, not the order.
    assert.deepEqual(assignHues([...nodeIds].reverse(), neighbours), hues);
  }
});

test('the old failure: 50 masters no longer get neighbouring hues a few degrees apart', () => {
  const nodeIds = ids(50, 50);
  const owner = buildOwnerMap(splitSlots(50).map((r) => ({ slots: [r] })));
  const without = closestNeighbours(nodeIds, owner, assignHues(nodeIds));
  const withNeighbours = closestNeighbours(nodeIds, owner, assignHues(nodeIds, mapNeighbours(nodeIds, owner, noMoves)));
  assert.ok(withNeighbours >= 89.9 && withNeighbours > without, `${without}° without the map's neighbours, ${withNeighbours}° with them`);
});
