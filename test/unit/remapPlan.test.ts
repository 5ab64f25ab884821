import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type MovePlan } from '../../src/engine';
import { remapPlan, shardsOf } from '../../src/engine/plan/remapPlan';
import { validatePlan } from '../../src/engine/plan/validatePlan';
import { fakeId, master, replica, topology } from '../fixtures/topologyBuilder';

const A = fakeId('a');
const A2 = fakeId('a2');
const B = fakeId('b');
const B2 = fakeId('b2');
const plan: MovePlan = {
  version: 1,
  kind: 'reshard',
  entry: { host: '127.0.0.1', port: 7000 },
  nodes: [],
  moves: [
    { slot: 10, sourceId: A, targetId: B },
    { slot: 11, sourceId: A, targetId: B },
  ],
  groups: [{ sourceId: A, targetId: B, slots: 2 }],
  totalSlots: 2,
};

test('remapPlan: nothing changes while every planned node is a master', () => {
  const t = topology([master(A, 7000, [{ start: 0, end: 8191 }]), master(B, 7001, [{ start: 8192, end: 16383 }]), replica(A2, 7002, A)]);
  assert.deepEqual(remapPlan(plan, t, shardsOf(t)), { plan, remapped: [] });
  assert.deepEqual(shardsOf(t), { [A]: [A2], [B]: [] });
});

test('remapPlan: the source failed over (its old self back as a replica, or gone): its replica stands for it', () => {
  // Old master back as a replica of the promoted one: found through its own masterId, no shard map needed.
  const back = topology([master(A2, 7002, [{ start: 0, end: 8191 }]), replica(A, 7000, A2), master(B, 7001, [{ start: 8192, end: 16383 }])]);
  const r = remapPlan(plan, back);
  assert.deepEqual(r.remapped, [{ from: A, to: A2 }]);
  assert.deepEqual(
    r.plan.moves.map((m) => m.sourceId),
    [A2, A2],
  );
  assert.deepEqual(r.plan.groups[0], { sourceId: A2, targetId: B, slots: 2 });
  assert.equal(validatePlan(r.plan, back).toMove.length, 2);
  // Old master still down: only the shard map recorded at the start knows its replica.
  const gone = topology([master(A2, 7002, [{ start: 0, end: 8191 }]), master(B, 7001, [{ start: 8192, end: 16383 }])]);
  assert.deepEqual(remapPlan(plan, gone, { [A]: [A2], [B]: [] }).remapped, [{ from: A, to: A2 }]);
  assert.deepEqual(remapPlan(plan, gone).remapped, [], 'without the map it stays unknown (validatePlan names it)');
});

test('remapPlan: the target failed over after slot 10 moved: 10 is only finalised, 11 moves to the new master', () => {
  const t = topology([
    master(A, 7000, [
      { start: 0, end: 9 },
      { start: 11, end: 8191 },
    ]),
    master(B2, 7003, [
      { start: 10, end: 10 },
      { start: 8192, end: 16383 },
    ]),
    replica(B, 7001, B2),
  ]);
  const r = remapPlan(plan, t, { [A]: [], [B]: [B2] });
  const v = validatePlan(r.plan, t);
  assert.deepEqual(v.alreadyMoved, [{ slot: 10, sourceId: A, targetId: B2 }]);
  assert.deepEqual(v.toMove, [{ slot: 11, sourceId: A, targetId: B2 }]);
});
