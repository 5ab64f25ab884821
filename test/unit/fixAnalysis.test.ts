/** The pure decisions of `fix`: open-slot case selection, uncovered-slot grouping, owner choices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analyzeOpenSlot,
  assignUncoveredWithoutKeys,
  findMultipleOwners,
  nodeWithMostKeys,
  partitionUncovered,
  pickCoverMaster,
  type SlotNodeState,
} from '../../src/engine/fix/analysis';
import { slotBitmap } from '../../src/engine/model/slots';
import { renderCaseLine, renderOpenSlotAnalysis, renderUnhandled } from '../../src/engine/render/fixText';

/** A master's state for the slot: `c` claims, `m:X` migrating to X, `i:X` importing from X, `k` keys. */
function n(id: string, o: { c?: boolean; m?: string; i?: string; k?: number } = {}): SlotNodeState {
  return { id, claims: o.c ?? false, migratingTo: o.m ?? null, importingFrom: o.i ?? null, keys: o.k ?? 0 };
}
const addr = (id: string): string => `127.0.0.1:${{ A: 32001, B: 32002, C: 32003, D: 32004 }[id] ?? 0}`;
const text = (chunks: readonly { text: string }[]): string => chunks.map((c) => c.text).join('');

test('case 1: migrating on the owner, importing on the destination', () => {
  const a = analyzeOpenSlot(3244, [n('A', { c: true, m: 'B', k: 1 }), n('B', { i: 'A' }), n('C')]);
  assert.deepEqual(a.action, { kind: 'case1', source: 'A', target: 'B' });
  assert.equal(a.owner, 'A');
  assert.equal(a.elected, undefined);
  assert.equal(
    text(renderOpenSlotAnalysis(a, addr)) + text([renderCaseLine(a, addr)!]),
    [
      '>>> Fixing open slot 3244',
      'Set as migrating in: 127.0.0.1:32001',
      'Set as importing in: 127.0.0.1:32002',
      '>>> Case 1: Moving slot 3244 from 127.0.0.1:32001 to 127.0.0.1:32002',
      '',
    ].join('\n'),
  );
});

test('case 2: importing only; the owner keeps the slot', () => {
  const a = analyzeOpenSlot(401, [n('A', { c: true, k: 3 }), n('B', { i: 'A' }), n('C')]);
  assert.deepEqual(a.action, { kind: 'case2', owner: 'A', sources: ['B'] });
  assert.equal(text([renderCaseLine(a, addr)!]), '>>> Case 2: Moving all the 401 slot keys to its owner 127.0.0.1:32001\n');
});

test('case 2 after an election: keys on an importing non-owner, fewer than the owner', () => {
  const a = analyzeOpenSlot(1500, [n('A', { c: true, k: 3 }), n('B', { i: 'A', k: 1 }), n('C')]);
  assert.deepEqual(a.nonOwnerKeys, ['B']);
  assert.deepEqual(a.keyHolders, ['A']); // no single owner, so the owner's keys are reported too
  assert.deepEqual(a.importing, ['A', 'B']);
  assert.equal(a.elected, 'A');
  assert.deepEqual(a.demoted, ['B']);
  assert.deepEqual(a.action, { kind: 'case2', owner: 'A', sources: ['B'] });
});

test('no single clear owner: the node with most keys wins, the old owner is drained (spec §4.7)', () => {
  const a = analyzeOpenSlot(310, [n('A', { c: true, m: 'B', k: 1 }), n('B', { i: 'A', k: 2 }), n('C')]);
  assert.deepEqual(a.owners, ['A', 'B']);
  assert.equal(a.elected, 'B');
  assert.deepEqual(a.demoted, ['A']);
  assert.deepEqual(a.finalMigrating, []);
  assert.deepEqual(a.finalImporting, ['A']);
  assert.deepEqual(a.action, { kind: 'case2', owner: 'B', sources: ['A'] });
  assert.equal(
    text(renderOpenSlotAnalysis(a, addr)),
    [
      '>>> Fixing open slot 310',
      '*** Found keys about slot 310 in non-owner node 127.0.0.1:32002!',
      'Set as migrating in: 127.0.0.1:32001',
      'Set as importing in: 127.0.0.1:32002',
      '',
    ].join('\n'),
  );
});

test('ties in the election go to the earlier node; all zero → the first master', () => {
  const tie = analyzeOpenSlot(7, [n('A', { k: 2 }), n('B', { k: 2, i: 'A' }), n('C')]);
  assert.equal(tie.elected, 'A');
  // Uncovered open slot, no keys anywhere: the first master takes it, the importer is drained into it.
  const none = analyzeOpenSlot(8, [n('A'), n('B', { i: 'C' }), n('C')]);
  assert.equal(none.elected, 'A');
  assert.deepEqual(none.action, { kind: 'case2', owner: 'A', sources: ['B'] });
  assert.deepEqual(analyzeOpenSlot(9, []).action, { kind: 'no-owner' });
});

test('case 3: one migrating node, several importing ones', () => {
  const move = analyzeOpenSlot(402, [n('A', { c: true, m: 'B', k: 4 }), n('B', { i: 'A' }), n('C', { i: 'A' })]);
  assert.deepEqual(move.action, { kind: 'case3-move', source: 'A', target: 'B', close: ['C'] });
  assert.equal(
    text([renderCaseLine(move, addr)!]),
    '>>> Case 3: Moving slot 402 from 127.0.0.1:32001 to 127.0.0.1:32002 and closing it on all the other importing nodes.\n',
  );
  const close = analyzeOpenSlot(402, [n('A', { c: true, m: 'D', k: 4 }), n('B', { i: 'A' }), n('C', { i: 'A' }), n('D')]);
  assert.deepEqual(close.action, { kind: 'case3-close', close: ['A', 'B', 'C'] });
  assert.equal(text([renderCaseLine(close, addr)!]), '>>> Case 3: Closing slot 402 on both migrating and importing nodes.\n');
});

test('case 3 with keys on an importing node is left alone (unhandled)', () => {
  // D migrates without owning or holding keys; C holds a key as an importing node.
  const a = analyzeOpenSlot(5, [n('A', { c: true, k: 5 }), n('B', { i: 'A' }), n('C', { i: 'A', k: 1 }), n('D', { m: 'B' })]);
  assert.equal(a.elected, 'A');
  assert.deepEqual(a.finalMigrating, ['D']);
  assert.deepEqual(a.finalImporting, ['B', 'C']);
  assert.deepEqual(a.action, { kind: 'unhandled', owner: 'A' });
  // The message lists the nodes as first found (A was listed as importing for its keys before the election).
  assert.equal(
    text([renderUnhandled(a, addr)]),
    "[ERR] Sorry, redis-cli can't fix this slot yet (work in progress). Slot is set as migrating in 127.0.0.1:32004, as importing in 127.0.0.1:32001,127.0.0.1:32002,127.0.0.1:32003, owner is 127.0.0.1:32001\n",
  );
});

test('case 4: migrating only, on the owner or on a node without keys', () => {
  assert.deepEqual(analyzeOpenSlot(400, [n('A', { c: true, m: 'B', k: 3 }), n('B'), n('C')]).action, { kind: 'case4', node: 'A' });
  assert.deepEqual(analyzeOpenSlot(400, [n('A', { c: true, k: 3 }), n('B', { m: 'C' }), n('C')]).action, { kind: 'case4', node: 'B' });
  const a = analyzeOpenSlot(400, [n('A', { c: true, m: 'B', k: 3 }), n('B'), n('C')]);
  assert.equal(text([renderCaseLine(a, addr)!]), '>>> Case 4: Closing slot 400 on 127.0.0.1:32001\n');
});

test('two migrating nodes: unhandled', () => {
  const a = analyzeOpenSlot(11, [n('A', { c: true, m: 'C', k: 3 }), n('B', { m: 'C' }), n('C')]);
  assert.deepEqual(a.action, { kind: 'unhandled', owner: 'A' });
  assert.equal(renderCaseLine(a, addr), null);
});

test('uncovered slots are grouped in redis-cli dict order (spec Appendix A, §4.8)', () => {
  const holders: Record<number, string[]> = { 2024: ['A', 'B'], 3160: ['A'] };
  const p = partitionUncovered([3160, 2024, 502, 501, 500], (s) => holders[s] ?? []);
  assert.deepEqual(p.none, [501, 500, 502]);
  assert.deepEqual(p.single, [{ slot: 3160, holder: 'A' }]);
  assert.deepEqual(p.multi, [{ slot: 2024, holders: ['A', 'B'] }]);
});

test('slots without keys go to the master with the fewest slots, ties by list order', () => {
  assert.equal(
    pickCoverMaster([
      { id: 'A', slotCount: 5461 },
      { id: 'B', slotCount: 5457 },
      { id: 'C', slotCount: 5457 },
    ]),
    'B',
  );
  assert.equal(pickCoverMaster([]), null);
  // Counting each pick spreads a run of slots.
  const counts = new Map([
    ['A', 2],
    ['B', 1],
    ['C', 1],
  ]);
  const picks: string[] = [];
  for (let i = 0; i < 4; i++) {
    const id = pickCoverMaster([...counts].map(([m, slotCount]) => ({ id: m, slotCount })))!;
    picks.push(id);
    counts.set(id, counts.get(id)! + 1);
  }
  assert.deepEqual(picks, ['B', 'C', 'A', 'B']);
  // The same shares, as contiguous runs of ascending slots (masters in list order).
  const owners = assignUncoveredWithoutKeys(
    [13, 10, 12, 11],
    [
      { id: 'A', slotCount: 2 },
      { id: 'B', slotCount: 1 },
      { id: 'C', slotCount: 1 },
    ],
  );
  assert.deepEqual(
    [...owners].sort((x, y) => x[0] - y[0]),
    [
      [10, 'A'],
      [11, 'B'],
      [12, 'B'],
      [13, 'C'],
    ],
  );
  // A dead master's whole range split between two live ones: two ranges, equal totals.
  const range = Array.from({ length: 5461 }, (_, i) => 10923 + i);
  const split = assignUncoveredWithoutKeys(range, [
    { id: 'A', slotCount: 5458 },
    { id: 'B', slotCount: 5465 },
  ]);
  assert.equal([...split.values()].filter((v) => v === 'A').length, 2734); // both end with 8192
  assert.equal(split.get(10923), 'A');
  assert.equal(split.get(16383), 'B');
});

test('node with most keys: strictly greatest, earlier on ties, first when all are zero', () => {
  assert.equal(
    nodeWithMostKeys([
      { id: 'A', keys: 1 },
      { id: 'B', keys: 3 },
      { id: 'C', keys: 3 },
    ]),
    'B',
  );
  assert.equal(
    nodeWithMostKeys([
      { id: 'A', keys: 0 },
      { id: 'B', keys: 0 },
    ]),
    'A',
  );
  assert.equal(nodeWithMostKeys([]), null);
});

test('multiple owners: claims plus keys held without a claim', () => {
  const a = slotBitmap([{ start: 0, end: 5460 }]);
  const b = slotBitmap([
    { start: 5461, end: 16383 },
    { start: 100, end: 100 },
  ]);
  const found = findMultipleOwners(
    [
      { id: 'A', claims: a },
      { id: 'B', claims: b },
    ],
    [
      { nodeId: 'B', slot: 3160, keys: 1 },
      { nodeId: 'A', slot: 9000, keys: 0 },
    ],
  );
  assert.deepEqual(found, [
    { slot: 100, owners: ['A', 'B'] },
    { slot: 3160, owners: ['A', 'B'] },
  ]);
});
