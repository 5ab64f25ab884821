import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MovePlan, SlotMove } from '../../src/engine/model/plan';
import { validatePlan } from '../../src/engine/plan/validatePlan';
import { fakeId, master, replica, topology } from '../fixtures/topologyBuilder';

const A = fakeId('a');
const B = fakeId('b');
const C = fakeId('c');
const R = fakeId('r');

const planOf = (moves: SlotMove[]): MovePlan => ({
  version: 1,
  kind: 'reshard',
  entry: { host: '127.0.0.1', port: 7000 },
  nodes: [],
  moves,
  groups: [{ sourceId: A, targetId: B, slots: moves.length }],
  totalSlots: moves.length,
});

// A owns 0-8191 and, as B does too, slot 9000 (two masters claim it); B the rest; C nothing.
const t = topology([
  master(A, 7000, [
    { start: 0, end: 8191 },
    { start: 9000, end: 9000 },
  ]),
  master(B, 7001, [{ start: 8192, end: 16383 }]),
  master(C, 7002, []),
  replica(R, 7003, A),
]);

test('validatePlan: slots the source owns are to move, slots the target owns already are done', () => {
  const v = validatePlan(
    planOf([
      { slot: 5, sourceId: A, targetId: B },
      { slot: 9000, sourceId: A, targetId: B },
      { slot: 8192, sourceId: A, targetId: B },
      { slot: 6, sourceId: A, targetId: C },
    ]),
    t,
  );
  assert.deepEqual(
    v.toMove.map((m) => m.slot),
    [5, 6],
  );
  assert.deepEqual(
    v.alreadyMoved.map((m) => m.slot),
    [9000, 8192],
    'a slot both claim counts as owned by the target',
  );
});

test('validatePlan: a slot owned by another master, or by nobody, makes the plan stale', () => {
  assert.throws(
    () => validatePlan(planOf([{ slot: 8192, sourceId: A, targetId: C }]), t),
    (e: { code: string; message: string }) => {
      assert.equal(e.code, 'plan-stale');
      assert.match(e.message, /Slot 8192 should move from .* but is owned by 127\.0\.0\.1:7001 now/);
      return true;
    },
  );
  const uncovered = topology([master(A, 7000, [{ start: 1, end: 16383 }]), master(B, 7001, [])]);
  assert.throws(() => validatePlan(planOf([{ slot: 0, sourceId: A, targetId: B }]), uncovered), /Slot 0 .* owned by no node now/);
});

test('validatePlan: unknown nodes, replicas, repeated or impossible slots are named', () => {
  assert.throws(() => validatePlan(planOf([{ slot: 1, sourceId: A, targetId: fakeId('z') }]), t), /names node .* not in the cluster/);
  assert.throws(() => validatePlan(planOf([{ slot: 1, sourceId: R, targetId: B }]), t), /as a master, but it is now a replica/);
  assert.throws(
    () =>
      validatePlan(
        planOf([
          { slot: 1, sourceId: A, targetId: B },
          { slot: 1, sourceId: A, targetId: B },
        ]),
        t,
      ),
    /moves slot 1 twice/,
  );
  assert.throws(() => validatePlan(planOf([{ slot: 16384, sourceId: A, targetId: B }]), t), /not a hash slot/);
});
