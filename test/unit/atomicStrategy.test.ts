import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type MovePlan } from '../../src/engine';
import { detectStrategy, versionAtLeast } from '../../src/engine/exec/strategy';
import { executePlan } from '../../src/engine/exec/executor';
import { FakeCluster } from '../fixtures/fakeSlotPort';

const plan = (slots: number[]): MovePlan => ({
  version: 1, kind: 'reshard', entry: { host: 'fake', port: 1 }, nodes: [],
  moves: slots.map((slot) => ({ slot, sourceId: 'A', targetId: 'B' })), groups: [], totalSlots: slots.length,
});
const clock = () => { let t = 0; return { now: () => t, sleep: async (ms: number) => { t += ms; } }; };

test('strategy detection: atomic only when every master supports it', () => {
  assert.equal(versionAtLeast('8.4.0', '8.4.0'), true);
  assert.equal(versionAtLeast('8.10.1', '8.4.0'), true);
  assert.equal(versionAtLeast('7.0.15', '8.4.0'), false);
  assert.equal(detectStrategy([{ serverName: 'redis', serverVersion: '7.0.15' }]), 'legacy');
  assert.equal(detectStrategy([{ serverName: 'redis', serverVersion: '8.4.0' }, { serverName: 'redis', serverVersion: '8.6.1' }]), 'redis-atomic');
  assert.equal(detectStrategy([{ serverName: 'redis', serverVersion: '8.4.0' }, { serverName: 'redis', serverVersion: '8.2.1' }]), 'legacy');
  assert.equal(detectStrategy([{ serverName: 'valkey', serverVersion: '9.0.1' }]), 'valkey-atomic');
  assert.equal(detectStrategy([{ serverName: 'valkey', serverVersion: '8.1.0' }]), 'legacy');
});

test('Redis 8.4: CLUSTER MIGRATION IMPORT of the ranges on the target, polled until completed', async () => {
  const c = new FakeCluster();
  c.addNode('A', [1, 2, 3, 7], 2); c.addNode('B', []);
  const sent: string[] = [];
  let polls = 0;
  c.command = async (node: string, ...args: (string | number)[]) => {
    sent.push(`${node} ${args.join(' ')}`);
    if (args[2] === 'IMPORT') return 'task-1';
    polls++;
    return [['id', 'task-1', 'state', polls < 3 ? 'running' : 'completed', 'last_error', '']];
  };
  const res = await executePlan(plan([1, 2, 3, 7]), c, { strategy: 'redis-atomic', clock: clock() });
  assert.equal(res.status, 'done');
  assert.equal(sent[0], 'B CLUSTER MIGRATION IMPORT 1 3 7 7');
  assert.equal(polls, 3);
  assert.equal(res.progress.keysMoved, 8);
  assert.ok(!c.log.some((l) => l.includes('SETSLOT')), 'no legacy SETSLOT');
});

test('Valkey 9: CLUSTER MIGRATESLOTS on the source; a failed job fails the run with its message', async () => {
  const c = new FakeCluster();
  c.addNode('A', [10, 11], 1); c.addNode('B', []);
  const sent: string[] = [];
  c.command = async (node: string, ...args: (string | number)[]) => {
    sent.push(`${node} ${args.join(' ')}`);
    if (args[1] === 'MIGRATESLOTS') return 'OK';
    return [['slot_ranges', '10-11', 'state', 'failed', 'message', 'target went away']];
  };
  const res = await executePlan(plan([10, 11]), c, { strategy: 'valkey-atomic', clock: clock() });
  assert.equal(sent[0], 'A CLUSTER MIGRATESLOTS SLOTSRANGE 10 11 NODE B');
  assert.equal(res.status, 'failed');
  assert.match(res.error!.message, /target went away/);
});
