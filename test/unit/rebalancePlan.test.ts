import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, type Topology } from '../../src/engine';
import { streamText } from '../../src/engine/render/output';
import { type SlotRange } from '../../src/engine/model/slots';
import { parseWeights, planRebalance } from '../../src/engine/plan/rebalance';
import { ownedSlots } from '../../src/engine/plan/reshard';
import { expectedSlots, overThreshold, sumWeights } from '../../src/engine/plan/float32';
import { renderRebalancePlan, renderRebalanceGroupLine } from '../../src/engine/render/planText';
import type { MovePlan, NothingToDo } from '../../src/engine/model/plan';
import { master, replica, topology } from '../fixtures/topologyBuilder';

const A = 'e91a4871eacef001dd371ef3db5455a4b067d077';
const B = 'b9fec5fafec475c53e824d8ada0d38f8c7d9c4b0';
const C = 'a1cf67bee74e291bd72d9785b3e0b1ce79a4a2ba';
const D = 'd4c0ffee00000000000000000000000000000004';
const RA = 'cfed691dfd97ad4afcd6487da2c02e60f2d72acf';

const r = (start: number, end: number): SlotRange => ({ start, end });

function three(a: SlotRange[], b: SlotRange[], c: SlotRange[], more: ReturnType<typeof master>[] = []): Topology {
  return topology([master(A, 32001, a, { flags: ['myself', 'master'] }), master(B, 32002, b), master(C, 32003, c), ...more]);
}

/** The layout `create` gives 3 masters. */
const created = () => three([r(0, 5460)], [r(5461, 10922)], [r(10923, 16383)]);

function isPlan(p: MovePlan | NothingToDo): p is MovePlan {
  return p.kind !== 'nothing-to-do';
}

function plan(topo: Topology, opts: Parameters<typeof planRebalance>[1] = {}): MovePlan {
  const p = planRebalance(topo, opts);
  assert.ok(isPlan(p), 'expected a plan');
  return p;
}

/** Applies the moves to the topology's ownership, checking each source owns its slot at that point. */
function applyMoves(topo: Topology, p: MovePlan): Map<string, number> {
  const owner = new Array<string | undefined>(16384);
  for (const n of topo.nodes) for (const s of ownedSlots(n)) owner[s] = n.id;
  for (const m of p.moves) {
    assert.equal(owner[m.slot], m.sourceId, `slot ${m.slot} is not owned by ${m.sourceId} when it moves`);
    owner[m.slot] = m.targetId;
  }
  const counts = new Map<string, number>();
  for (const n of topo.nodes) counts.set(n.id, 0);
  for (const id of owner) if (id !== undefined) counts.set(id, counts.get(id)! + 1);
  return counts;
}

function text(p: MovePlan | NothingToDo, topo: Topology, verbose = true, simulate = true): string {
  return streamText(renderRebalancePlan(p, topo, { verbose, simulate }), 'stdout');
}

function fails(fn: () => unknown, code: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof EngineError && e.code === code && re.test(e.message));
}

test("the brief's example: 3000 / 11384 / 2000 → 5462 / 5461 / 5461", () => {
  const topo = three([r(0, 2999)], [r(3000, 14383)], [r(14384, 16383)]);
  const p = plan(topo);
  assert.equal(p.kind, 'rebalance');
  assert.deepEqual(
    p.nodes.map((n) => [n.id, n.slotsBefore, n.slotsAfter]),
    [
      [A, 3000, 5462],
      [B, 11384, 5461],
      [C, 2000, 5461],
    ],
  );
  const after = applyMoves(topo, p);
  assert.deepEqual([after.get(A), after.get(B), after.get(C)], [5462, 5461, 5461]);
  // Raw balances -2461 / 5923 / -3461 sum to +1: A (first receiver in list order) gets -2462.
  assert.deepEqual(
    p.rebalance?.balances.map((b) => [b.id, b.balance, b.expected]),
    [
      [C, -3461, 5461],
      [A, -2462, 5461],
      [B, 5923, 5461],
    ],
  );
  assert.deepEqual(p.groups, [
    { sourceId: B, targetId: C, slots: 3461 },
    { sourceId: B, targetId: A, slots: 2462 },
  ]);
  // B gives its lowest slots to C first, then the next-lowest to A.
  assert.deepEqual(
    p.moves.slice(0, 2).map((m) => m.slot),
    [3000, 3001],
  );
  assert.equal(p.moves[3461]!.slot, 3000 + 3461);
  assert.equal(p.totalSlots, 5923);
  assert.equal(p.requestedSlots, undefined);
  assert.equal(p.rebalance?.totalWeight, 3);
  assert.equal(p.rebalance?.threshold, 2);
  assert.equal(
    text(p, topo, true, false),
    '>>> Rebalancing across 3 nodes. Total weight = 3.00\n' +
      '127.0.0.1:32003 balance is -3461 slots\n127.0.0.1:32001 balance is -2462 slots\n127.0.0.1:32002 balance is 5923 slots\n',
  );
});

test('§4.12 rounding example: 5771 / 5156 / 5457 → verbose balances -306, -4, 310 and groups 306 + 4 (byte-exact)', () => {
  const topo = three([r(0, 5770)], [r(5771, 10926)], [r(10927, 16383)]);
  const p = plan(topo);
  assert.equal(
    text(p, topo),
    '>>> Rebalancing across 3 nodes. Total weight = 3.00\n' +
      '127.0.0.1:32002 balance is -306 slots\n' +
      '127.0.0.1:32003 balance is -4 slots\n' +
      '127.0.0.1:32001 balance is 310 slots\n' +
      'Moving 306 slots from 127.0.0.1:32001 to 127.0.0.1:32002\n' +
      '#'.repeat(306) +
      '\n' +
      'Moving 4 slots from 127.0.0.1:32001 to 127.0.0.1:32003\n####\n',
  );
  const chunks = renderRebalancePlan(p, topo, { verbose: true, simulate: true });
  assert.equal(chunks[0]!.level, 'info');
  assert.ok(chunks.slice(1).every((c) => c.level === 'plain' && c.stream === 'stdout'));
  // Ownership is updated between pairs: the second group takes the next-lowest slots.
  assert.deepEqual(
    p.moves.filter((m) => m.targetId === B).map((m) => m.slot),
    Array.from({ length: 306 }, (_, i) => i),
  );
  assert.deepEqual(
    p.moves.filter((m) => m.targetId === C).map((m) => m.slot),
    [306, 307, 308, 309],
  );
  assert.deepEqual(
    p.nodes.map((n) => n.slotsAfter),
    [5461, 5462, 5461],
  );
  // Without --verbose / --cluster-simulate: only the header; the executor prints the group lines.
  assert.equal(text(p, topo, false, false), '>>> Rebalancing across 3 nodes. Total weight = 3.00\n');
  assert.deepEqual(renderRebalanceGroupLine(p, p.groups[1]!), {
    stream: 'stdout',
    level: 'plain',
    text: 'Moving 4 slots from 127.0.0.1:32001 to 127.0.0.1:32003\n',
  });
});

test("a balanced cluster: nothing to do, with redis-cli's warning", () => {
  const p = planRebalance(created());
  assert.deepEqual(p, { kind: 'nothing-to-do', reason: 'balanced', threshold: 2 });
  const chunks = renderRebalancePlan(p, created(), { verbose: true, simulate: true });
  assert.deepEqual(chunks, [{ stream: 'stdout', level: 'warn', text: '*** No rebalancing needed! All nodes are within the 2.00% threshold.\n' }]);
});

test('threshold: a node 5.37% off rebalances at 2% and 5%, not at 6% (printed with %.2f)', () => {
  const topo = three([r(0, 5770)], [r(5771, 10926)], [r(10927, 16383)]); // worst: 32002 at 5.9%
  assert.ok(isPlan(planRebalance(topo, { threshold: 5 })));
  const skip = planRebalance(topo, { threshold: 6 });
  assert.deepEqual(skip, { kind: 'nothing-to-do', reason: 'balanced', threshold: 6 });
  assert.equal(text(skip, topo), '*** No rebalancing needed! All nodes are within the 6.00% threshold.\n');
  // The threshold is a float32, printed as redis-cli prints it.
  const odd = planRebalance(topo, { threshold: 7.125 });
  assert.equal(text(odd, topo), '*** No rebalancing needed! All nodes are within the 7.12% threshold.\n');
  assert.ok(isPlan(planRebalance(topo, { threshold: 0.001 })));
});

test('weights (§4.12): e91a=2 b9fec=0 → 32002 drains into 32001', () => {
  const topo = created();
  const p = plan(topo, { weights: ['e91a=2', 'B9FEC=0'] });
  assert.equal(
    text(p, topo, true, false),
    '>>> Rebalancing across 3 nodes. Total weight = 3.00\n' +
      '127.0.0.1:32001 balance is -5462 slots\n127.0.0.1:32003 balance is 0 slots\n127.0.0.1:32002 balance is 5462 slots\n',
  );
  assert.deepEqual(p.groups, [{ sourceId: B, targetId: A, slots: 5462 }]);
  assert.deepEqual(
    p.rebalance?.balances.map((b) => [b.weight, b.expected]),
    [
      [2, 10922],
      [1, 5461],
      [0, 0],
    ],
  );
  const after = applyMoves(topo, p);
  assert.deepEqual([after.get(A), after.get(B), after.get(C)], [10923, 0, 5461]);
  assert.deepEqual(
    p.nodes.map((n) => n.slotsAfter),
    [10923, 0, 5461],
  );
});

test('weight 0 drains a node across the others', () => {
  const topo = created();
  const p = plan(topo, { weights: [`${C.slice(0, 6)}=0`] });
  const after = applyMoves(topo, p);
  assert.equal(after.get(C), 0);
  assert.deepEqual([after.get(A), after.get(B)], [8192, 8192]);
  assert.ok(p.moves.every((m) => m.sourceId === C));
  assert.deepEqual(
    p.groups.map((g) => [g.targetId, g.slots]),
    [
      [A, 2731],
      [B, 2730],
    ],
  );
});

test('fractional weights (float32) and later entries win', () => {
  const topo = created();
  const p = plan(topo, { weights: [`${A.slice(0, 4)}=9`, `${A.slice(0, 4)}=1.5`, `${B.slice(0, 4)}=.5`] });
  assert.equal(p.rebalance?.totalWeight, 3);
  assert.deepEqual(
    p.rebalance?.balances.map((b) => [b.id, b.weight, b.expected]),
    [
      [A, 1.5, 8192],
      [C, 1, 5461],
      [B, 0.5, 2730],
    ],
  );
  const after = applyMoves(topo, p);
  assert.deepEqual([after.get(A), after.get(B), after.get(C)], [8193, 2730, 5461]);
});

test('--cluster-use-empty-masters: a new empty master gets 1366 + 1365 + 1365 (§4.12 order)', () => {
  const topo = three([r(0, 5460)], [r(5461, 10922)], [r(10923, 16383)], [master(D, 32004, [])]);
  // Without the flag the empty master is left out and the others are balanced.
  assert.deepEqual(planRebalance(topo), { kind: 'nothing-to-do', reason: 'balanced', threshold: 2 });
  const p = plan(topo, { useEmptyMasters: true });
  assert.equal(
    text(p, topo, false, true),
    '>>> Rebalancing across 4 nodes. Total weight = 4.00\n' +
      'Moving 1366 slots from 127.0.0.1:32002 to 127.0.0.1:32004\n' +
      '#'.repeat(1366) +
      '\n' +
      'Moving 1365 slots from 127.0.0.1:32003 to 127.0.0.1:32004\n' +
      '#'.repeat(1365) +
      '\n' +
      'Moving 1365 slots from 127.0.0.1:32001 to 127.0.0.1:32004\n' +
      '#'.repeat(1365) +
      '\n',
  );
  assert.deepEqual(
    p.nodes.map((n) => [n.id, n.slotsBefore, n.slotsAfter]),
    [
      [A, 5461, 4096],
      [B, 5462, 4096],
      [C, 5461, 4096],
      [D, 0, 4096],
    ],
  );
  const dSlots = p.moves.map((m) => m.slot);
  assert.deepEqual([dSlots[0], dSlots[1365], dSlots[1366], dSlots[2731]], [5461, 6826, 10923, 0]);
  const after = applyMoves(topo, p);
  assert.deepEqual([...after.values()], [4096, 4096, 4096, 4096]);
  // A weight for the excluded empty master is forced to 0 (ignored).
  assert.deepEqual(planRebalance(topo, { weights: [`${D.slice(0, 5)}=3`] }), { kind: 'nothing-to-do', reason: 'balanced', threshold: 2 });
});

test('replicas never take part; a weight prefix matching a replica first is silently useless (quirk #22)', () => {
  const base = three([r(0, 2999)], [r(3000, 14383)], [r(14384, 16383)]);
  const topo = topology([replica(RA, 32004, A), ...base.nodes]);
  const p = plan(topo, { weights: ['c=0'] }); // 'c' matches the replica cfed… before a1cf…/others
  assert.deepEqual(
    p.nodes.map((n) => n.id),
    [A, B, C],
  );
  assert.deepEqual(
    p.nodes.map((n) => n.slotsAfter),
    [5462, 5461, 5461],
  );
});

test('errors: unknown prefix, malformed entries, bad threshold, zero total weight', () => {
  const topo = created();
  fails(() => planRebalance(topo, { weights: ['zzz=2'] }), 'no-such-node', /^\*\*\* No such master node zzz$/);
  fails(() => planRebalance(topo, { weights: ['abc'] }), 'usage', /'abc'.*<node id prefix>=<weight>/);
  fails(() => planRebalance(topo, { weights: ['e91a=abc'] }), 'usage', /'e91a=abc'.*'abc' is not a number/);
  fails(() => planRebalance(topo, { weights: ['e91a='] }), 'usage', /'e91a='.*not a number/);
  fails(() => planRebalance(topo, { weights: ['e91a=2x'] }), 'usage', /not a number/);
  fails(() => planRebalance(topo, { weights: ['e91a=-1'] }), 'usage', /'e91a=-1'.*finite number ≥ 0/);
  fails(() => planRebalance(topo, { weights: ['e91a=1e39'] }), 'usage', /finite number/);
  fails(() => planRebalance(topo, { weights: ['=1'] }), 'usage', /prefix is empty/);
  fails(() => planRebalance(topo, { threshold: 0 }), 'usage', /threshold 0: .*greater than 0.*never rebalances/);
  fails(() => planRebalance(topo, { threshold: -1 }), 'usage', /threshold -1/);
  fails(() => planRebalance(topo, { threshold: Number.NaN }), 'usage', /threshold NaN/);
  fails(() => planRebalance(topo, { weights: [`${A.slice(0, 3)}=0`, `${B.slice(0, 3)}=0`, `${C.slice(0, 3)}=0`] }), 'usage', /total weight .* is 0/);
  // The unknown prefix is reported even when the cluster is balanced (redis-cli checks weights first).
  fails(() => planRebalance(topo, { weights: [`${A.slice(0, 4)}=1`, 'zzz=1'] }), 'no-such-node', /zzz/);
});

test('float32 helpers match the C arithmetic of the examples', () => {
  assert.equal(expectedSlots(3, 1), 5461);
  assert.equal(expectedSlots(3, 2), 10922);
  assert.equal(expectedSlots(4, 1), 4096);
  assert.equal(sumWeights([0.1, 0.2, 0.3]), Math.fround(Math.fround(Math.fround(0.1) + Math.fround(0.2)) + Math.fround(0.3)));
  assert.equal(overThreshold(5771, 5461, 2), true);
  assert.equal(overThreshold(5771, 5461, 6), false);
  assert.equal(overThreshold(0, 1, 2), false);
  assert.equal(overThreshold(0, 2, 2), true);
  assert.equal(overThreshold(5771, 5461, 0), false);
});

/** Deterministic PRNG (tests must be reproducible). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('sweep: moves are valid, totals conserved, slotsAfter equals applying the moves, ends near expected', () => {
  const rand = lcg(7);
  for (let round = 0; round < 200; round++) {
    const count = 2 + Math.floor(rand() * 7);
    const cuts = new Set<number>();
    while (cuts.size < count - 1) cuts.add(1 + Math.floor(rand() * 16383));
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), 16384];
    const nodes = bounds.slice(0, -1).map((start, i) => master(`${i}`.padStart(40, 'a'), 31000 + i, [r(start, bounds[i + 1]! - 1)]));
    const empty = rand() < 0.3 ? [master('e'.repeat(40), 31100, [])] : [];
    const topo = topology([...nodes, ...empty]);
    const weights = rand() < 0.5 ? [`${'0'.padStart(40, 'a').slice(0, 40)}=${(rand() * 3).toFixed(2)}`] : [];
    let p: MovePlan | NothingToDo;
    try {
      p = planRebalance(topo, { useEmptyMasters: empty.length > 0, weights });
    } catch (e) {
      assert.ok(e instanceof EngineError && /total weight/.test(e.message));
      continue;
    }
    if (!isPlan(p)) continue;
    const after = applyMoves(topo, p);
    for (const n of p.nodes) assert.equal(after.get(n.id), n.slotsAfter);
    assert.equal(
      p.nodes.reduce((a, n) => a + n.slotsAfter, 0),
      16384,
    );
    for (const b of p.rebalance!.balances) assert.ok(Math.abs(after.get(b.id)! - b.expected) <= count, `${b.id} ends near expected`);
    assert.equal(
      p.groups.reduce((a, g) => a + g.slots, 0),
      p.moves.length,
    );
    assert.deepEqual(planRebalance(topo, { useEmptyMasters: empty.length > 0, weights }), p, 'deterministic');
  }
});

test('determinism and JSON safety', () => {
  const topo = three([r(0, 2999)], [r(3000, 14383)], [r(14384, 16383)]);
  const a = planRebalance(topo, { threshold: 1 });
  assert.deepEqual(a, planRebalance(topo, { threshold: 1 }));
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
});

test('weights: an id prefix matching several nodes is refused naming them; an unknown id names the masters', () => {
  const A2 = 'e91a0000000000000000000000000000000000aa';
  const topo = three([r(0, 5460)], [r(5461, 10922)], [r(10923, 16383)], [master(A2, 32004, [])]);
  assert.throws(
    () => parseWeights(topo, ['e91a=2']),
    (e: EngineError) => {
      assert.equal(e.code, 'usage');
      assert.match(
        e.message,
        /the prefix 'e91a' matches 2 nodes \(e91a4871\S+ \(127\.0\.0\.1:32001\), e91a0000\S+ \(127\.0\.0\.1:32004\)\); give more of the id/,
      );
      return true;
    },
  );
  assert.equal(parseWeights(topo, ['e91a4=2'])[0]!.node.id, A);
  assert.throws(
    () => parseWeights(topo, ['zzz=1']),
    (e: EngineError) => {
      assert.equal(e.message, '*** No such master node zzz');
      assert.match(e.detail!, new RegExp(`^the masters are: ${A} \\(127\\.0\\.0\\.1:32001\\), ${B}`));
      return true;
    },
  );
});
