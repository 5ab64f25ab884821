import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type MovePlan } from '../../src/engine';
import { capabilitiesFromCommandInfo, pairStrategy } from '../../src/engine/exec/capabilities';
import { executePlan } from '../../src/engine/exec/executor';
import type { MigrationEvent } from '../../src/engine/exec/events';
import { findCreatedJob, parseSlotMigrations, valkeyCancellable, valkeyJobsInProgress } from '../../src/engine/exec/atomicValkey';
import { redisTaskState, redisTasksInProgress } from '../../src/engine/exec/atomicRedis';
import { FakeAtomicCluster } from '../fixtures/fakeAtomic';

const plan = (moves: [number, string, string][]): MovePlan => ({
  version: 1,
  kind: 'reshard',
  entry: { host: 'fake', port: 1 },
  nodes: [],
  moves: moves.map(([slot, sourceId, targetId]) => ({ slot, sourceId, targetId })),
  groups: [],
  totalSlots: moves.length,
});
const range = (a: number, b: number, src = 'A', dst = 'B'): [number, string, string][] => Array.from({ length: b - a + 1 }, (_, i) => [a + i, src, dst]);
const clock = () => {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
};
const NAMES = ['cluster|migrateslots', 'cluster|getslotmigrations', 'cluster|cancelslotmigrations', 'cluster|migration'];
/** Runs the plan and asks it to stop as soon as the first server job reports. */
const stopAtFirstJob = (c: FakeAtomicCluster, moves: [number, string, string][], strategy: 'redis-atomic' | 'valkey-atomic') => {
  const ac = new AbortController();
  return executePlan(plan(moves), c, {
    strategy,
    clock: clock(),
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'atomic-job') ac.abort();
    },
  });
};
const info = (name: string) => [name, -4, ['admin', 'stale', 'no_async_loading'], 0, 0, 0, ['@admin', '@slow', '@dangerous'], [], [], []];

test('capabilities come from COMMAND INFO, never from the version', () => {
  // Reply shapes of the real servers: Valkey 9.1.2, Redis 8.6.3, Redis 7.0.15 (nil for unknown container|sub).
  const valkey = capabilitiesFromCommandInfo(NAMES, [info(NAMES[0]!), info(NAMES[1]!), info(NAMES[2]!), null]);
  const redis8 = capabilitiesFromCommandInfo(NAMES, [null, null, null, info(NAMES[3]!)]);
  const redis7 = capabilitiesFromCommandInfo(NAMES, [null, null, null, null]);
  assert.deepEqual([...valkey], ['valkey-atomic']);
  assert.deepEqual([...redis8], ['redis-atomic']);
  assert.deepEqual([...redis7], []);
  // Valkey with MIGRATESLOTS but without a way to follow or cancel jobs: not atomic.
  assert.deepEqual([...capabilitiesFromCommandInfo(NAMES, [info(NAMES[0]!), null, null, null])], []);
  assert.deepEqual([...capabilitiesFromCommandInfo(NAMES, 'garbage')], []);
  assert.equal(pairStrategy(valkey, valkey), 'valkey-atomic');
  assert.equal(pairStrategy(redis8, redis8), 'redis-atomic');
  assert.equal(pairStrategy(valkey, redis8), 'legacy');
  assert.equal(pairStrategy(redis8, redis7), 'legacy');
  assert.equal(pairStrategy(undefined, redis8), 'legacy');
});

test('auto: a build reporting any version but lacking CLUSTER MIGRATION moves with the classic protocol; a mixed cluster falls back pair by pair', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'redis', [1, 2, 3, 4], 2);
  c.addFamilyNode('B', 'redis', []);
  c.addFamilyNode('C', 'none', [10, 11], 1); // e.g. "255.255.255" without the command
  const events: MigrationEvent[] = [];
  const res = await executePlan(plan([...range(1, 4), ...range(10, 11, 'C', 'B')]), c, { strategy: 'auto', clock: clock(), onEvent: (e) => events.push(e) });
  assert.equal(res.status, 'done', JSON.stringify(res.error));
  assert.deepEqual(res.strategies, [
    { sourceId: 'A', targetId: 'B', strategy: 'redis-atomic' },
    { sourceId: 'C', targetId: 'B', strategy: 'legacy' },
  ]);
  assert.equal(c.sent.filter((l) => l.includes('MIGRATION IMPORT')).length, 1);
  assert.ok(
    c.log.some((l) => l.startsWith('B SETSLOT 10 IMPORTING C')),
    'the C→B pair used SETSLOT',
  );
  assert.ok(!c.log.some((l) => l.includes('SETSLOT 1 ')), 'the A→B pair did not');
  const groups = events.filter((e) => e.type === 'group-started');
  assert.deepEqual(
    groups.map((g) => g.type === 'group-started' && g.strategy),
    ['redis-atomic', 'legacy'],
  );
  assert.equal(res.mismatches, 0);
});

test('Redis: one IMPORT for every range of the pair, followed by its task id', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'redis', [...Array.from({ length: 300 }, (_, i) => i), 500, 501], 1);
  c.addFamilyNode('B', 'redis', []);
  const res = await executePlan(plan([...range(0, 299), ...range(500, 501)]), c, { strategy: 'redis-atomic', clock: clock() });
  assert.equal(res.status, 'done');
  assert.deepEqual(
    c.sent.filter((l) => l.includes('IMPORT')),
    ['B CLUSTER MIGRATION IMPORT 0 299 500 501'],
  );
  assert.ok(c.sent.filter((l) => l.includes('STATUS ID task1')).length >= 3, 'polled by its id until completed');
  assert.equal(res.progress.keysMoved, 302);
  assert.equal(res.doneSlots.length, 302);
});

test('Redis: a failed task the server retries successfully within the deadline is done', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'redis', [7, 8], 3);
  c.addFamilyNode('B', 'redis', []);
  c.outcome = () => 'fail-once';
  const res = await executePlan(plan(range(7, 8)), c, { strategy: 'redis-atomic', clock: clock(), timeoutMs: 5000 });
  assert.equal(res.status, 'done', JSON.stringify(res.error));
  assert.equal(c.jobs[0]!.retries, 1);
  assert.ok(!c.sent.some((l) => l.includes('CANCEL')));
});

test('Redis: a task still failing past the deadline is cancelled on the server and fails the run', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'redis', [7, 8], 3);
  c.addFamilyNode('B', 'redis', []);
  c.outcome = () => 'fail';
  const res = await executePlan(plan(range(7, 8)), c, { strategy: 'redis-atomic', clock: clock(), timeoutMs: 2000 });
  assert.equal(res.status, 'failed');
  assert.match(res.error!.message, /source unreachable \(still failing after \d+ retries\)/);
  assert.ok(c.sent.includes('B CLUSTER MIGRATION CANCEL ID task1'));
  assert.deepEqual(res.doneSlots, []);
  assert.ok(c.nodes.get('A')!.owned.has(7), 'the source keeps the slots');
  assert.equal(redisTaskState(undefined, 0, undefined, 1).kind, 'failed');
});

test('Redis: a stop request maps to CLUSTER MIGRATION CANCEL ID and the run ends cancelled, not failed', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'redis', [7, 8], 3);
  c.addFamilyNode('B', 'redis', []);
  c.pollsToFinish = 1000;
  const res = await stopAtFirstJob(c, range(7, 8), 'redis-atomic');
  assert.equal(res.status, 'cancelled');
  assert.equal(res.error, undefined);
  assert.ok(c.sent.includes('B CLUSTER MIGRATION CANCEL ID task1'));
});

test('Valkey: the job this run created is followed, never an older one with the same ranges; in progress is never done', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'valkey', [10, 11, 12], 2);
  c.addFamilyNode('B', 'valkey', []);
  c.addFamilyNode('C', 'valkey', []);
  // Older finished jobs with the same text: one to this target (success), one to another target.
  c.addOldJob({ id: 'old1'.padEnd(40, '0'), source: 'A', target: 'B', slots: [10, 11, 12], ranges: '10-12', state: 'success' });
  c.addOldJob({ id: 'old2'.padEnd(40, '0'), source: 'A', target: 'C', slots: [10, 11, 12], ranges: '10-12', state: 'failed' });
  c.pollsToFinish = 5;
  const states: string[] = [];
  const res = await executePlan(plan(range(10, 12)), c, {
    strategy: 'valkey-atomic',
    clock: clock(),
    onEvent: (e) => {
      if (e.type === 'atomic-job') states.push(e.job.state);
      if (e.type === 'slot-done') states.push('slot-done');
    },
  });
  assert.equal(res.status, 'done', JSON.stringify(res.error));
  assert.equal(c.sent.filter((l) => l.includes('MIGRATESLOTS'))[0], 'A CLUSTER MIGRATESLOTS SLOTSRANGE 10 12 NODE B');
  const ours = c.jobs.find((j) => j.id.startsWith('job1'))!;
  assert.equal(ours.state, 'success');
  assert.ok(ours.reads >= 5, 'polled until the server said success');
  assert.ok(states.indexOf('slot-done') > states.lastIndexOf('snapshotting'), 'no slot reported done while the job ran');
  assert.equal(res.mismatches, 0);
  assert.deepEqual([...c.nodes.get('B')!.owned].sort(), [10, 11, 12]);
});

test('Valkey: pure job lookup ignores older jobs, other targets and imports', () => {
  const reply = [
    ['name', 'n3', 'operation', 'EXPORT', 'slot_ranges', '0-9', 'target_node', 'C', 'state', 'connecting'],
    ['name', 'n2', 'operation', 'IMPORT', 'slot_ranges', '0-9', 'target_node', 'B', 'state', 'connecting'],
    ['name', 'n1', 'operation', 'EXPORT', 'slot_ranges', '0-9', 'target_node', 'B', 'state', 'success'],
  ];
  const jobs = parseSlotMigrations(reply);
  assert.equal(findCreatedJob(jobs, new Set(['n1']), 'B', '0-9'), undefined);
  assert.equal(findCreatedJob(jobs, new Set(), 'B', '0-9')?.name, 'n1');
  assert.equal(findCreatedJob(jobs, new Set(['n1']), 'C', '0-9')?.name, 'n3');
});

test('Valkey: OK without a new job, a failed job, and a job done but the target not serving the slots all fail the run', async () => {
  for (const script of ['drop', 'fail', 'unowned'] as const) {
    const c = new FakeAtomicCluster();
    c.addFamilyNode('A', 'valkey', [10, 11], 1);
    c.addFamilyNode('B', 'valkey', []);
    c.addOldJob({ id: 'old'.padEnd(40, '0'), source: 'A', target: 'B', slots: [10, 11], ranges: '10-11', state: 'success' });
    if (script === 'drop') c.dropJobs = true;
    if (script === 'fail') c.outcome = () => 'fail';
    if (script === 'unowned') c.skipOwnership = true;
    const res = await executePlan(plan(range(10, 11)), c, { strategy: 'valkey-atomic', clock: clock() });
    assert.equal(res.status, 'failed', script);
    assert.deepEqual(res.doneSlots, [], script);
    const want = { drop: /lists no new job/, fail: /target went away/, unowned: /does not serve 2 of its slots \(10-11\)/ }[script];
    assert.match(res.error!.message, want, script);
  }
});

test('Valkey: a stop request sends CLUSTER CANCELSLOTMIGRATIONS; the run ends cancelled', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'valkey', [10, 11], 1);
  c.addFamilyNode('B', 'valkey', []);
  c.pollsToFinish = 1000;
  const res = await stopAtFirstJob(c, range(10, 11), 'valkey-atomic');
  assert.equal(res.status, 'cancelled');
  assert.ok(c.sent.includes('A CLUSTER CANCELSLOTMIGRATIONS'));
  assert.ok(c.nodes.get('A')!.owned.has(10));
});

test('Valkey: a stop request while the target is granted the failover is not sent: the job is followed to its end', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'valkey', [10, 11], 1);
  c.addFamilyNode('B', 'valkey', []);
  c.pollsToFinish = 6;
  c.progressState = 'failover-granted';
  const res = await stopAtFirstJob(c, range(10, 11), 'valkey-atomic');
  assert.ok(!c.sent.includes('A CLUSTER CANCELSLOTMIGRATIONS'), c.sent.join('\n'));
  assert.equal(res.status, 'done');
  assert.deepEqual([...res.doneSlots].sort(), [10, 11]);
  assert.ok(c.nodes.get('B')!.owned.has(10) && !c.nodes.get('A')!.owned.has(10));
  assert.equal(valkeyCancellable('failover-granted'), false);
  assert.equal(valkeyCancellable('snapshotting'), true);
});

test('disjoint atomic pairs run at the same time', async () => {
  const c = new FakeAtomicCluster();
  c.addFamilyNode('A', 'redis', [1, 2], 1);
  c.addFamilyNode('B', 'redis', []);
  c.addFamilyNode('C', 'redis', [5, 6], 1);
  c.addFamilyNode('D', 'redis', []);
  c.pollsToFinish = 4;
  const res = await executePlan(plan([...range(1, 2, 'A', 'B'), ...range(5, 6, 'C', 'D')]), c, { strategy: 'auto', clock: clock() });
  assert.equal(res.status, 'done');
  const imports = c.sent
    .map((l, i) => [l, i] as const)
    .filter(([l]) => l.includes('IMPORT'))
    .map(([, i]) => i);
  const firstDone = c.sent.findIndex((l) => l.includes('STATUS ID task1'));
  assert.equal(imports.length, 2);
  assert.ok(imports[1]! < c.sent.lastIndexOf('B CLUSTER MIGRATION STATUS ID task1'), 'the second pair started before the first finished');
  assert.ok(firstDone > 0);
});

test('verification: keys left on the source fail the run; fewer keys on the target is counted as not verified', async () => {
  const left = new FakeAtomicCluster();
  left.addFamilyNode('A', 'valkey', [10, 11], 2);
  left.addFamilyNode('B', 'valkey', []);
  left.keys = 'leave';
  const res = await executePlan(plan(range(10, 11)), left, { strategy: 'valkey-atomic', clock: clock(), timeoutMs: 1000 });
  assert.equal(res.status, 'failed');
  assert.match(res.error!.message, /still holds keys of 2 of its slots \(10-11\)/);
  const lost = new FakeAtomicCluster();
  lost.addFamilyNode('A', 'redis', [10, 11], 2);
  lost.addFamilyNode('B', 'redis', []);
  lost.keys = 'lose';
  const res2 = await executePlan(plan(range(10, 11)), lost, { strategy: 'redis-atomic', clock: clock() });
  assert.equal(res2.status, 'done');
  assert.equal(res2.mismatches, 2);
  assert.equal(res2.vanished?.slots, 2);
});

test('a job or task still in progress is told from finished ones (fix waits for those before it reads the cluster)', () => {
  const job = (state: string) => ['name', 'j', 'operation', 'IMPORT', 'slot_ranges', '0-9', 'target_node', 'x', 'state', state];
  assert.equal(valkeyJobsInProgress([job('success'), job('failed'), job('cancelled')]), false);
  assert.equal(valkeyJobsInProgress([job('success'), job('snapshotting')]), true);
  const task = (state: string) => ['id', '1', 'state', state];
  assert.equal(redisTasksInProgress([task('completed'), task('failed'), task('canceled')]), false);
  assert.equal(redisTasksInProgress([task('accumulate-buffer')]), true);
  assert.equal(valkeyJobsInProgress('ERR unknown subcommand'), false);
});
