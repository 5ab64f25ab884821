import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SlotLoadReport } from '../../src/engine';
import { parseSlotStats, commandInfoKnown } from '../../src/engine/parse/slotStats';
import { chooseSampleSlots, estimateMasterLoad, meanBytesPerKey } from '../../src/engine/load/estimate';
import { hotSlots, planHotSlotMoves } from '../../src/engine/plan/hotSlots';
import type { MovePlan } from '../../src/engine/model/plan';
import { master, topology } from '../fixtures/topologyBuilder';

test('parseSlotStats: RESP2 pairs with and without the CPU/network fields, RESP3 maps, bad replies', () => {
  const reply = [
    ['0', ['key-count', '3', 'cpu-usec', '120', 'network-bytes-in', '40', 'network-bytes-out', '90']],
    [5, ['key-count', 0]],
    ['7', { 'key-count': '2', 'memory-bytes': '512', 'future-field': 'x' }],
  ];
  assert.deepEqual(parseSlotStats(reply), [
    { slot: 0, keys: 3, cpuUs: 120, netIn: 40, netOut: 90 },
    { slot: 5, keys: 0 },
    { slot: 7, keys: 2, memory: 512 },
  ]);
  assert.deepEqual(parseSlotStats([]), []);
  assert.throws(() => parseSlotStats('OK'), /array/);
  assert.throws(() => parseSlotStats([['16384', []]]), /bad slot/);
  assert.equal(commandInfoKnown([null]), false);
  assert.equal(commandInfoKnown([['cluster|slot-stats', -4]]), true);
});

test('estimateMasterLoad: sampled, estimated and measured memory; totals', () => {
  const { slots, master: m } = estimateMasterLoad({
    id: 'a',
    host: 'h',
    port: 1,
    owned: [0, 1, 2, 3],
    counts: new Map([
      [0, 10],
      [1, 4],
      [2, 0],
      [3, -1],
    ]),
    samples: new Map([[0, { keys: 2, bytes: 300 }]]),
  });
  assert.deepEqual(
    slots.map((s) => [s.slot, s.keys, s.memory, s.source.memory]),
    [
      [0, 10, 1500, 'sampled'],
      [1, 4, 600, 'estimated'],
      [2, 0, 0, 'measured'],
      [3, 0, 0, 'measured'],
    ],
  );
  assert.deepEqual({ keys: m.keys, memory: m.memory, slots: m.slots, method: m.method }, { keys: 14, memory: 2100, slots: 4, method: 'count-and-sample' });
  assert.equal(meanBytesPerKey({ samples: new Map(), usedMemory: 1000, dbsize: 4 }), 250);
  const st = estimateMasterLoad({
    id: 'b',
    host: 'h',
    port: 2,
    owned: [9],
    stats: new Map([[9, { slot: 9, keys: 5, cpuUs: 70, netIn: 3, netOut: 4 }]]),
    samples: new Map(),
    usedMemory: 500,
    dbsize: 5,
  });
  assert.deepEqual(st.slots[0], {
    slot: 9,
    ownerId: 'b',
    keys: 5,
    memory: 500,
    cpuUs: 70,
    netIn: 3,
    netOut: 4,
    source: { keys: 'measured', memory: 'estimated', cpu: 'measured', net: 'measured' },
  });
  assert.equal(st.master.cpuUs, 70);
  assert.equal(st.master.method, 'slot-stats');
  assert.deepEqual(
    chooseSampleSlots(
      new Map([
        [1, 5],
        [2, 9],
        [3, 0],
        [4, 9],
      ]),
      2,
    ),
    [2, 4],
  );
});

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function rep(values: Record<number, number>): SlotLoadReport {
  const owner = (s: number) => (s < 4 ? A : s < 8 ? B : C);
  const slots = Array.from({ length: 12 }, (_, s) => ({
    slot: s,
    ownerId: owner(s),
    keys: values[s] ?? 1,
    memory: 0,
    cpuUs: (values[s] ?? 1) * 10,
    source: { keys: 'measured' as const, memory: 'estimated' as const, cpu: 'measured' as const },
  }));
  const masters = [A, B, C].map((id) => ({
    id,
    host: '127.0.0.1',
    port: 1,
    slots: 4,
    keys: slots.filter((s) => s.ownerId === id).reduce((n, s) => n + s.keys, 0),
    memory: 0,
    cpuUs: slots.filter((s) => s.ownerId === id).reduce((n, s) => n + s.cpuUs, 0),
    method: 'slot-stats' as const,
  }));
  return { slots, masters, complete: true, hasCpu: true };
}

test('hotSlots: top slots with their share of the owner and of the cluster', () => {
  const top = hotSlots(rep({ 0: 50, 1: 30, 9: 40 }), 'keys', 2);
  assert.deepEqual(
    top.map((h) => [h.slot, h.ownerId, h.value]),
    [
      [0, A, 50],
      [9, C, 40],
    ],
  );
  assert.equal(Math.round(top[0]!.shareOfOwner), Math.round((100 * 50) / 82));
  assert.equal(Math.round(top[1]!.shareOfCluster), Math.round((100 * 40) / 129));
  assert.equal(hotSlots(rep({}), 'cpu', 1)[0]!.value, 10);
});

test('planHotSlotMoves: the hottest slots go to the least-loaded masters, never making one hotter than the source', () => {
  const topo = topology([master(A, 1, [{ start: 0, end: 3 }]), master(B, 2, [{ start: 4, end: 7 }]), master(C, 3, [{ start: 8, end: 11 }])]);
  const p = planHotSlotMoves(topo, rep({ 0: 50, 1: 30, 2: 20, 5: 10 }), { measure: 'keys', from: 'aaaa', count: 3 }) as MovePlan;
  assert.equal(p.kind, 'reshard');
  // Slot 0 (50) would leave C (4 + 50) hotter than A (101 - 50): skipped; 30 → C, 20 → B, then 1 → B.
  assert.deepEqual(
    p.moves.map((m) => [m.slot, m.targetId]),
    [
      [1, C],
      [2, B],
      [3, B],
    ],
  );
  const a = p.load!.masters.find((m) => m.id === A)!;
  assert.equal(a.before, 101);
  assert.equal(a.after, 50);
  for (const m of p.load!.masters) if (m.id !== A) assert.ok(m.after < a.before);
  assert.throws(() => planHotSlotMoves(topo, rep({}), { measure: 'keys', from: 'ffff' }), /No such master/);
});
