/** fix's pure choices after a failover or a split: the served owner of a slot, and open-slot markers re-pointed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedOwner, type MasterView } from '../../src/engine/fix/served';
import { repointOpenSlots } from '../../src/engine/fix/repoint';
import { analyzeOpenSlot, type SlotNodeState } from '../../src/engine/fix/analysis';

/** A view by `viewer` where each [id, start, end, epoch] owns its range. */
function view(viewer: string, owners: readonly [string, number, number, number][]): MasterView {
  return { viewer, nodes: owners.map(([id, start, end, configEpoch]) => ({ id, slots: [{ start, end }], configEpoch, master: true })) };
}

test("servedOwner: the owner in the majority of the masters' views wins, whatever the epochs", () => {
  const views = [
    view('A', [
      ['A', 0, 100, 1],
      ['B', 101, 200, 2],
    ]),
    view('B', [['B', 0, 200, 9]]), // B also claims 0-100, with a higher epoch
    view('C', [
      ['A', 0, 100, 1],
      ['B', 101, 200, 2],
    ]),
  ];
  assert.deepEqual(servedOwner(50, views), { id: 'A', by: 'majority', votes: 2, of: 3 });
  assert.deepEqual(servedOwner(150, views), { id: 'B', by: 'majority', votes: 3, of: 3 });
  assert.equal(servedOwner(300, views), null, 'nobody serves an uncovered slot');
});

test('servedOwner: without a majority, the highest config epoch', () => {
  const views = [view('A', [['A', 0, 100, 3]]), view('B', [['B', 0, 100, 5]]), view('C', [])];
  assert.deepEqual(servedOwner(7, views), { id: 'B', by: 'epoch', votes: 1, of: 3 });
});

test('servedOwner: replicas in a view are not owners; within one view the higher epoch claim counts', () => {
  const v: MasterView = {
    viewer: 'A',
    nodes: [
      { id: 'A', slots: [{ start: 0, end: 10 }], configEpoch: 1, master: true },
      { id: 'R', slots: [{ start: 0, end: 10 }], configEpoch: 7, master: false },
      { id: 'B', slots: [{ start: 0, end: 10 }], configEpoch: 4, master: true },
    ],
  };
  assert.equal(servedOwner(3, [v])?.id, 'B');
});

test("repointOpenSlots: an importing marker naming a failed-over source goes to its shard's master, else the served owner", () => {
  const nodes = [
    { id: 'S', role: 'replica' as const, masterId: 'S2' }, // the old source, back as a replica of its promoted replica
    { id: 'S2', role: 'master' as const, masterId: null },
    { id: 'T', role: 'master' as const, masterId: null },
  ];
  const masters = [
    { id: 'S2', migrating: [], importing: [] },
    {
      id: 'T',
      migrating: [],
      importing: [
        { slot: 5, peerId: 'S' },
        { slot: 6, peerId: 'GONE' },
        { slot: 7, peerId: 'S2' },
      ],
    },
  ];
  assert.deepEqual(
    repointOpenSlots(masters, nodes, (s) => (s === 6 ? 'S2' : undefined)),
    [
      { node: 'T', slot: 5, kind: 'importing', from: 'S', to: 'S2' },
      { node: 'T', slot: 6, kind: 'importing', from: 'GONE', to: 'S2' },
    ],
  );
});

test("repointOpenSlots: a migrating marker naming a failed-over target goes to its shard's master; an unknown one stays", () => {
  const nodes = [
    { id: 'S', role: 'master' as const, masterId: null },
    { id: 'T', role: 'replica' as const, masterId: 'T2' },
    { id: 'T2', role: 'master' as const, masterId: null },
  ];
  const masters = [
    {
      id: 'S',
      migrating: [
        { slot: 9, peerId: 'T' },
        { slot: 10, peerId: 'GONE' },
      ],
      importing: [],
    },
    { id: 'T2', migrating: [], importing: [] },
  ];
  assert.deepEqual(
    repointOpenSlots(masters, nodes, () => 'S'),
    [{ node: 'S', slot: 9, kind: 'migrating', from: 'T', to: 'T2' }],
  );
});

test('analyzeOpenSlot: the served node is elected instead of the one with most keys when fix asks for it', () => {
  const n = (id: string, o: Partial<SlotNodeState>): SlotNodeState => ({ id, claims: false, migratingTo: null, importingFrom: null, keys: 0, ...o });
  const states = [n('A', { claims: true, migratingTo: 'B', keys: 2 }), n('B', { importingFrom: 'A', keys: 3 }), n('C', {})];
  assert.equal(analyzeOpenSlot(4300, states).elected, 'B', "redis-cli's pick");
  const a = analyzeOpenSlot(4300, states, 'A');
  assert.equal(a.elected, 'A');
  assert.deepEqual(a.action, { kind: 'case2', owner: 'A', sources: ['B'] });
});
