import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, type Topology } from '../../src/engine';
import { streamText } from '../../src/engine/render/output';
import { type SlotRange } from '../../src/engine/model/slots';
import { findNodeForResharding, planReshard, reshardTable, topUp, ownedSlots, type TableSource } from '../../src/engine/plan/reshard';
import { renderReshardPlan } from '../../src/engine/render/planText';
import type { MovePlan } from '../../src/engine/model/plan';
import { master, replica, topology } from '../fixtures/topologyBuilder';
import { assertInOrder } from '../helpers/order';

const A = 'e91a4871eacef001dd371ef3db5455a4b067d077';
const B = 'b9fec5fafec475c53e824d8ada0d38f8c7d9c4b0';
const C = 'a1cf67bee74e291bd72d9785b3e0b1ce79a4a2ba';
const RA = 'cfed691dfd97ad4afcd6487da2c02e60f2d72acf';
const RB = '0c6f8e0e0fb5a5e1c6d1a3d5e7f9b1c3d5e7f9a1';
const RC = '7d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e';

const r = (start: number, end: number): SlotRange => ({ start, end });

/** The captured 3+3 cluster of spec §4.10. */
function created(): Topology {
  return topology([
    master(A, 32001, [r(0, 5460)], { flags: ['myself', 'master'] }),
    master(B, 32002, [r(5461, 10922)]),
    master(C, 32003, [r(10923, 16383)]),
    replica(RA, 32004, A),
    replica(RB, 32005, B),
    replica(RC, 32006, C),
  ]);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function applyMoves(topo: Topology, plan: MovePlan): Map<string, number> {
  const owner = new Array<string | undefined>(16384);
  for (const n of topo.nodes) for (const s of ownedSlots(n)) owner[s] = n.id;
  for (const m of plan.moves) {
    assert.equal(owner[m.slot], m.sourceId, `slot ${m.slot} is not owned by its source`);
    owner[m.slot] = m.targetId;
  }
  const counts = new Map<string, number>();
  for (const id of owner) if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

function usage(fn: () => unknown, re: RegExp, code = 'usage'): void {
  assert.throws(fn, (e: unknown) => e instanceof EngineError && e.code === code && re.test(e.message));
}

test('§4.10: 10 slots from all of 5462+5461 → 6 from the larger source, 4 from the other, lowest slots first', () => {
  const topo = created();
  const { plan, warnings } = planReshard(topo, { from: 'all', to: A, slots: 10 });
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    plan.moves.map((m) => m.slot),
    [...range(5461, 5466), ...range(10923, 10926)],
  );
  assert.deepEqual(plan.groups, [
    { sourceId: B, targetId: A, slots: 6 },
    { sourceId: C, targetId: A, slots: 4 },
  ]);
  assert.ok(plan.moves.every((m) => m.targetId === A));
  assert.equal(plan.kind, 'reshard');
  assert.equal(plan.totalSlots, 10);
  assert.equal(plan.requestedSlots, 10);
  assert.deepEqual(plan.entry, { host: '127.0.0.1', port: 32001 });
  assert.deepEqual(
    plan.nodes.map((n) => [n.id, n.port, n.slotsBefore, n.slotsAfter]),
    [
      [B, 32002, 5462, 5456],
      [C, 32003, 5461, 5457],
      [A, 32001, 5461, 5471],
    ],
  );
  const after = applyMoves(topo, plan);
  assert.deepEqual([after.get(A), after.get(B), after.get(C)], [5471, 5456, 5457]);
});

test('§4.10 rendering is byte-exact', () => {
  const topo = created();
  const { plan, warnings } = planReshard(topo, { from: 'all', to: A, slots: 10 });
  const chunks = renderReshardPlan(topo, plan, warnings);
  const moving = [
    ...range(5461, 5466).map((s) => `    Moving slot ${s} from ${B}\n`),
    ...range(10923, 10926).map((s) => `    Moving slot ${s} from ${C}\n`),
  ].join('');
  assert.equal(
    streamText(chunks, 'stdout'),
    '\nReady to move 10 slots.\n' +
      '  Source nodes:\n' +
      `    M: ${B} 127.0.0.1:32002\n       slots:[5461-10922] (5462 slots) master\n       1 additional replica(s)\n` +
      `    M: ${C} 127.0.0.1:32003\n       slots:[10923-16383] (5461 slots) master\n       1 additional replica(s)\n` +
      '  Destination node:\n' +
      `    M: ${A} 127.0.0.1:32001\n       slots:[0-5460] (5461 slots) master\n       1 additional replica(s)\n` +
      '  Resharding plan:\n' +
      moving,
  );
  assert.equal(streamText(chunks, 'stderr'), '');
  assert.ok(chunks.every((c) => c.level === 'plain'));
});

test('explicit sources keep the given order in the listing; the table is sorted by slot count', () => {
  const topo = created();
  const { plan } = planReshard(topo, { from: [C.toUpperCase(), B], to: A.toUpperCase(), slots: 10 });
  assert.deepEqual(
    plan.nodes.map((n) => n.id),
    [C, B, A],
  );
  // B (5462) sorts before C (5461) whatever the order given.
  assert.deepEqual(plan.groups, [
    { sourceId: B, targetId: A, slots: 6 },
    { sourceId: C, targetId: A, slots: 4 },
  ]);
  const text = streamText(renderReshardPlan(topo, plan, []), 'stdout');
  assertInOrder(text, `M: ${C}`, `M: ${B}`);
});

test('4 equal sources, N=10: redis-cli plans 9 (3+2+2+2); we plan exactly 10 (3+3+2+2)', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'].map((p) => p.repeat(40));
  const topo = topology([
    master(ids[0]!, 30001, [r(0, 4095)]),
    master(ids[1]!, 30002, [r(4096, 8191)]),
    master(ids[2]!, 30003, [r(8192, 12287)]),
    master(ids[3]!, 30004, [r(12288, 16383)]),
    master(ids[4]!, 30005, []),
  ]);
  const sources: TableSource[] = topo.nodes.slice(0, 4).map((n) => ({ id: n.id, count: n.slotCount, owned: ownedSlots(n) }));
  const upstream = reshardTable(sources, 10);
  assert.deepEqual(
    upstream.map((e) => e.slots.length),
    [3, 2, 2, 2],
    'redis-cli rounding (the bug)',
  );

  const { plan } = planReshard(topo, { from: 'all', to: ids[4]!, slots: 10 });
  assert.equal(plan.moves.length, 10);
  assert.deepEqual(
    plan.groups.map((g) => g.slots),
    [3, 3, 2, 2],
  );
  assert.deepEqual(
    plan.moves.map((m) => m.slot),
    [0, 1, 2, 4096, 4097, 4098, 8192, 8193, 12288, 12289],
  );
  assert.deepEqual(
    plan.nodes.map((n) => n.slotsAfter),
    [4093, 4093, 4094, 4094, 10],
  );
  const text = streamText(renderReshardPlan(topo, plan, []), 'stdout');
  assert.match(text, /^\nReady to move 10 slots\.\n/);
  assert.equal(text.match(/^ {4}Moving slot /gm)?.length, 10);
});

/** Small deterministic PRNG for the sweep (tests must be reproducible). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('sweep: always exactly N; identical to redis-cli whenever its table already has N entries', () => {
  const rand = lcg(42);
  let exact = 0;
  let short = 0;
  for (let round = 0; round < 300; round++) {
    const masters = 2 + Math.floor(rand() * 6);
    // Random cut points → masters with uneven, contiguous ranges; some rounds with holes.
    const cuts = new Set<number>();
    while (cuts.size < masters - 1) cuts.add(1 + Math.floor(rand() * 16383));
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), 16384];
    const nodes = bounds.slice(0, -1).map((start, i) => {
      const end = bounds[i + 1]! - 1;
      return master(`${i}`.padStart(40, 'f'), 31000 + i, [r(start, end)]);
    });
    const topo = topology(nodes);
    const target = nodes[Math.floor(rand() * masters)]!;
    const sources = nodes.filter((n) => n !== target);
    const available = sources.reduce((a, n) => a + n.slotCount, 0);
    const n = 1 + Math.floor(rand() * (rand() < 0.5 ? Math.min(available, 200) : available));
    const { plan } = planReshard(topo, { from: 'all', to: target.id, slots: n });
    assert.equal(plan.moves.length, n);
    assert.equal(new Set(plan.moves.map((m) => m.slot)).size, n, 'no slot twice');
    const upstream = reshardTable(
      sources.map((s) => ({ id: s.id, count: s.slotCount, owned: ownedSlots(s) })),
      n,
    );
    const upstreamMoves = upstream.flatMap((e) => e.slots.map((slot) => ({ slot, sourceId: e.source.id, targetId: target.id })));
    if (upstreamMoves.length === n) {
      exact++;
      assert.deepEqual(plan.moves, upstreamMoves);
    } else {
      short++;
      assert.ok(upstreamMoves.length < n && n - upstreamMoves.length < sources.length);
      // Our plan contains redis-cli's choice plus the top-up.
      const ours = new Set(plan.moves.map((m) => `${m.sourceId}:${m.slot}`));
      assert.ok(upstreamMoves.every((m) => ours.has(`${m.sourceId}:${m.slot}`)));
    }
    const after = applyMoves(topo, plan);
    assert.equal(after.get(target.id), target.slotCount + n);
  }
  assert.ok(exact > 50 && short > 50, `sweep covers both cases (exact ${exact}, short ${short})`);
});

test('top-up rule: second source first, wrapping, skipping sources that have nothing left', () => {
  const s = (id: string, owned: number[]): TableSource => ({ id, count: owned.length, owned });
  const table = [
    { source: s('x', [1, 2, 3]), slots: [1, 2] },
    { source: s('y', [10]), slots: [10] },
    { source: s('z', [20, 21]), slots: [20] },
  ];
  assert.deepEqual(
    topUp(table, 6).map((e) => e.slots),
    [[1, 2, 3], [10], [20, 21]],
  );
  assert.deepEqual(
    topUp(table, 5).map((e) => e.slots),
    [[1, 2], [10], [20, 21]],
  );
  assert.deepEqual(table[2]!.slots, [20], 'input not mutated');
  assert.deepEqual(
    topUp([{ source: s('x', [1, 2]), slots: [1] }], 2).map((e) => e.slots),
    [[1, 2]],
  );
});

test('sources with holes give their lowest slots; an empty master as source gives nothing', () => {
  const topo = topology([
    master(A, 30001, [r(100, 102), r(200, 299), r(7000, 7999)]),
    master(B, 30002, [r(0, 99), r(103, 199), r(300, 6999), r(8000, 16383)]),
    master(C, 30003, []),
  ]);
  const { plan } = planReshard(topo, { from: [A, C], to: B, slots: 5 });
  assert.deepEqual(
    plan.moves.map((m) => [m.slot, m.sourceId]),
    [
      [100, A],
      [101, A],
      [102, A],
      [200, A],
      [201, A],
    ],
  );
  assert.deepEqual(
    plan.nodes.map((n) => [n.id, n.slotsBefore, n.slotsAfter]),
    [
      [A, 1103, 1098],
      [C, 0, 0],
      [B, 15281, 15286],
    ],
  );
});

test("the target among the sources is skipped with redis-cli's warning (ERR-log, stdout)", () => {
  const topo = created();
  const { plan, warnings } = planReshard(topo, { from: [A, B], to: A, slots: 5 });
  assert.deepEqual(warnings, ['*** It is not possible to use the target node as source node.']);
  assert.deepEqual(
    plan.nodes.map((n) => n.id),
    [B, A],
  );
  assert.deepEqual(
    plan.moves.map((m) => m.slot),
    range(5461, 5465),
  );
  const chunks = renderReshardPlan(topo, plan, warnings);
  assert.deepEqual(chunks[0], { stream: 'stdout', level: 'error', text: '*** It is not possible to use the target node as source node.\n' });
  assert.match(streamText(chunks, 'stdout'), /^\*\*\* It is not possible[^\n]*\n\nReady to move 5 slots\.\n/);
});

test('source tokens: "all" ends the list, a trailing empty token is ignored, repeats are kept once', () => {
  const topo = created();
  assert.deepEqual(
    planReshard(topo, { from: [B, 'all', 'junk'], to: A, slots: 10 }).plan.nodes.map((n) => n.id),
    [B, C, A],
  );
  assert.deepEqual(
    planReshard(topo, { from: [B, ''], to: A, slots: 3 }).plan.nodes.map((n) => n.id),
    [B, A],
  );
  const dup = planReshard(topo, { from: [B, B.toUpperCase()], to: A, slots: 3 }).plan;
  assert.deepEqual(
    dup.nodes.map((n) => n.id),
    [B, A],
  );
  assert.deepEqual(
    dup.moves.map((m) => m.slot),
    [5461, 5462, 5463],
  );
});

test('errors: unknown or replica ids, no sources, bad slot counts', () => {
  const topo = created();
  usage(
    () => planReshard(topo, { from: 'all', to: 'badid', slots: 10 }),
    /^\*\*\* The specified node \(badid\) is not known or not a master, please retry\.$/,
    'no-such-node',
  );
  usage(() => planReshard(topo, { from: 'all', to: RA, slots: 10 }), /The specified node \(cfed691d.*\) is not known or not a master/, 'no-such-node');
  usage(() => planReshard(topo, { from: [B, RB], to: A, slots: 10 }), /The specified node \(0c6f8e0e.*\) is not known/, 'no-such-node');
  usage(() => planReshard(topo, { from: [B, '', C], to: A, slots: 10 }), /The specified node \(\) is not known/, 'no-such-node');
  usage(() => planReshard(topo, { from: [B.slice(0, 10)], to: A, slots: 10 }), /is not known or not a master/, 'no-such-node');
  usage(() => planReshard(topo, { from: [A], to: A, slots: 10 }), /^\*\*\* No source nodes given, operation aborted\.$/);
  usage(() => planReshard(topo, { from: [], to: A, slots: 10 }), /No source nodes given/);
  usage(() => planReshard(topo, { from: 'all', to: A, slots: 0 }), /Cannot move 0 slots: the source nodes own 10923 slots; give a number from 1 to 10923/);
  usage(() => planReshard(topo, { from: 'all', to: A, slots: -5 }), /Cannot move -5 slots/);
  usage(() => planReshard(topo, { from: [B], to: A, slots: 5463 }), /Cannot move 5463 slots: the source node owns 5462 slots; give a number from 1 to 5462/);
  usage(() => planReshard(topo, { from: 'all', to: A, slots: 2.5 }), /whole number/);
  const withEmpty = topology([...created().nodes, master('f'.repeat(40), 32007, [])]);
  usage(() => planReshard(withEmpty, { from: ['f'.repeat(40)], to: A, slots: 1 }), /the source node owns no slots; there is nothing to move/);
});

test('every slot of the sources can be moved', () => {
  const topo = created();
  const { plan } = planReshard(topo, { from: 'all', to: A, slots: 10923 });
  assert.equal(plan.moves.length, 10923);
  const after = applyMoves(topo, plan);
  assert.deepEqual([after.get(A), after.get(B), after.get(C)], [16384, undefined, undefined]);
  assert.deepEqual(
    plan.nodes.map((n) => n.slotsAfter),
    [0, 0, 16384],
  );
});

test('determinism and JSON safety', () => {
  const a = planReshard(created(), { from: 'all', to: C, slots: 1234 });
  const b = planReshard(created(), { from: 'all', to: C, slots: 1234 });
  assert.deepEqual(a, b);
  assert.deepEqual(JSON.parse(JSON.stringify(a.plan)), a.plan);
});

test('findNodeForResharding: exact id, case-insensitive, masters only', () => {
  const topo = created();
  assert.equal(findNodeForResharding(topo, B.toUpperCase()).id, B);
  usage(() => findNodeForResharding(topo, B.slice(0, 39)), /not known or not a master/, 'no-such-node');
  usage(() => findNodeForResharding(topo, RA), /not known or not a master/, 'no-such-node');
});
