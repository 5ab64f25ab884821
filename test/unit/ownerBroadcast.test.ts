import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MigrationEvent } from '../../src/engine';
import { createOwnerBroadcast } from '../../src/engine/exec/ownerBroadcast';
import type { SetSlotAction, SlotPort } from '../../src/engine/exec/port';

/** A port whose SETSLOT pipelines stay unanswered until `answer()`: each call recorded as `node: slot>target …`. */
function gatedPort(masters: string[], refuse: (nodeId: string, slot: number) => string | null = () => null) {
  const calls: string[] = [];
  let gates: (() => void)[] = [];
  const port = {
    masterIds: () => masters,
    nodeAddr: (id: string) => `${id}:6379`,
    setSlots: (nodeId: string, items: readonly SetSlotAction[]) => {
      calls.push(`${nodeId}: ${items.map((i) => `${i.slot}>${'nodeId' in i ? i.nodeId : '?'}`).join(' ')}`);
      return new Promise<(string | null)[]>((resolve) => gates.push(() => resolve(items.map((i) => refuse(nodeId, i.slot)))));
    },
  } as unknown as SlotPort;
  const answer = async (): Promise<void> => {
    const open = gates;
    gates = [];
    for (const g of open) g();
    await new Promise((r) => setImmediate(r));
  };
  return { port, calls, answer };
}

test('each window goes out at once to every master but its source and target, also while earlier ones are unanswered', async () => {
  const { port, calls, answer } = gatedPort(['S1', 'S2', 'T', 'O']);
  const b = createOwnerBroadcast(port, () => undefined);
  b.send([1, 2], 'T', ['S1', 'T']);
  assert.deepEqual(calls.sort(), ['O: 1>T 2>T', 'S2: 1>T 2>T']);
  b.send([3], 'T', ['S2', 'T']);
  assert.deepEqual(calls.slice(2).sort(), ['O: 3>T', 'S1: 3>T']);
  let flushed = false;
  const flushing = b.flush().then(() => (flushed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(flushed, false);
  await answer();
  await flushing;
  assert.equal(flushed, true);
});

test('settled waits until every master answered the slot’s step; other slots do not wait', async () => {
  const { port, answer } = gatedPort(['A', 'B', 'C']);
  const b = createOwnerBroadcast(port, () => undefined);
  b.send([7], 'B', ['A', 'B']);
  let settled = false;
  const waiting = b.settled([7]).then(() => (settled = true));
  await b.settled([8]);
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  await answer();
  await waiting;
  assert.equal(settled, true);
});

test('a refusal is reported as an event naming the node and slot; "not a master" is not', async () => {
  const { port, answer } = gatedPort(['A', 'B', 'C', 'D'], (nodeId) =>
    nodeId === 'C' ? 'ERR boom' : nodeId === 'D' ? 'ERR Please use SETSLOT only with masters.' : null,
  );
  const events: MigrationEvent[] = [];
  const b = createOwnerBroadcast(port, (e) => events.push(e));
  b.send([5, 6], 'B', ['A', 'B']);
  const flushing = b.flush();
  await answer();
  await flushing;
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e.type, 'error');
  assert.ok(e.type === 'error' && e.error.node === 'C:6379' && /slot 5: ERR boom/.test(e.error.message), JSON.stringify(e));
});
