import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, readJournalState, type MigrationEvent, type MovePlan } from '../../src/engine';
import { createBatchSizer } from '../../src/engine/exec/batchSize';
import { executePlan, LANES_PER_TARGET } from '../../src/engine/exec/executor';
import { type JournalRecord } from '../../src/engine/exec/journal';
import { FakeCluster } from '../fixtures/fakeSlotPort';
import { assertInOrder } from '../helpers/order';

function plan(moves: [number, string, string][]): MovePlan {
  return {
    version: 1,
    kind: 'reshard',
    entry: { host: 'fake', port: 1 },
    nodes: [],
    moves: moves.map(([slot, sourceId, targetId]) => ({ slot, sourceId, targetId })),
    groups: [],
    totalSlots: moves.length,
  };
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function openSlots(c: FakeCluster): number {
  let n = 0;
  for (const node of c.nodes.values()) n += node.migrating.size + node.importing.size;
  return n;
}

test('moves every key, closes every slot, verifies counts, emits ordered events', async () => {
  const c = new FakeCluster();
  c.addNode('A', range(0, 99), 7);
  c.addNode('B', range(100, 199));
  const events: MigrationEvent[] = [];
  const res = await executePlan(plan(range(0, 49).map((s) => [s, 'A', 'B'])), c, { windowSlots: 8, onEvent: (e) => events.push(e) });
  assert.equal(res.status, 'done');
  assert.equal(res.progress.keysMoved, 50 * 7);
  assert.equal(res.progress.keysTotal, 50 * 7);
  assert.equal(res.mismatches, 0);
  assert.equal(openSlots(c), 0);
  assert.ok(range(0, 49).every((s) => c.nodes.get('B')!.owned.has(s) && !c.nodes.get('A')!.owned.has(s)));
  assert.equal(c.nodes.get('B')!.data.get(10)!.get('k10:3'), 'v10:3');
  assert.equal(events[0]!.type, 'plan-started');
  assert.equal(events.at(-1)!.type, 'plan-finished');
  assert.equal(events.filter((e) => e.type === 'slot-done').length, 50);
  // Protocol order per slot: IMPORTING on target before MIGRATING on source, target NODE before source NODE.
  assertInOrder(c.log, 'B SETSLOT 3 IMPORTING A', 'A SETSLOT 3 MIGRATING B', 'B SETSLOT 3 NODE B', 'A SETSLOT 3 NODE B');
});

test('BUSYKEY with different values stops with the key names and leaves the slot open for fix', async () => {
  const c = new FakeCluster();
  c.addNode('A', [5], 3);
  c.addNode('B', []);
  c.nodes.get('B')!.data.set(5, new Map([['k5:1', 'other']]));
  const res = await executePlan(plan([[5, 'A', 'B']]), c);
  assert.equal(res.status, 'failed');
  assert.equal(res.error?.code, 'busy-key');
  assert.match(res.error!.message, /k5:1/);
  assert.match(res.error!.message, /--cluster-replace/);
  assert.equal(c.nodes.get('A')!.migrating.get(5), 'B');
  assert.equal(c.nodes.get('B')!.data.get(5)!.get('k5:1'), 'other', 'the target value was not overwritten');
});

test('BUSYKEY with identical values, or with --cluster-replace, completes', async () => {
  for (const replace of [false, true]) {
    const c = new FakeCluster();
    c.addNode('A', [5], 3);
    c.addNode('B', []);
    c.nodes.get('B')!.data.set(5, new Map([['k5:1', replace ? 'other' : 'v5:1']]));
    const events: MigrationEvent[] = [];
    const res = await executePlan(plan([[5, 'A', 'B']]), c, { replace, onEvent: (e) => events.push(e) });
    assert.equal(res.status, 'done', `replace=${replace}`);
    assert.equal(c.nodes.get('B')!.data.get(5)!.get('k5:1'), 'v5:1');
    // With --cluster-replace the first MIGRATE already carries REPLACE (redis-cli retries after BUSYKEY).
    if (!replace) assert.ok(events.some((e) => e.type === 'busy-keys' && e.action === 'identical-replaced'));
  }
});

test('a transient IOERR is retried; a persistent error fails naming the slot', async () => {
  const c = new FakeCluster();
  c.addNode('A', [1, 2], 4);
  c.addNode('B', []);
  c.migrateHook = (_s, _slot, call) => (call === 0 ? 'IOERR error or timeout reading to target instance' : null);
  const events: MigrationEvent[] = [];
  const ok = await executePlan(
    plan([
      [1, 'A', 'B'],
      [2, 'A', 'B'],
    ]),
    c,
    { onEvent: (e) => events.push(e) },
  );
  assert.equal(ok.status, 'done');
  assert.ok(events.some((e) => e.type === 'retry'));

  const d = new FakeCluster();
  d.addNode('A', [1], 4);
  d.addNode('B', []);
  d.migrateHook = () => 'ERR Target instance replied with error: NOAUTH';
  const bad = await executePlan(plan([[1, 'A', 'B']]), d);
  assert.equal(bad.status, 'failed');
  assert.equal(bad.error?.code, 'migration-failed');
  assert.match(bad.error!.message, /slot 1 .*NOAUTH/);
});

test('a refused IMPORTING is rolled back: nothing left open', async () => {
  const c = new FakeCluster();
  c.addNode('A', [1, 2, 3], 1);
  c.addNode('B', []);
  c.setSlotHook = (node, it) => (node === 'B' && it.action === 'IMPORTING' && it.slot === 3 ? 'ERR boom' : null);
  const res = await executePlan(
    plan([
      [1, 'A', 'B'],
      [2, 'A', 'B'],
      [3, 'A', 'B'],
    ]),
    c,
  );
  assert.equal(res.status, 'failed');
  assert.match(res.error!.message, /refused to import slot 3/);
  assert.equal(openSlots(c), 0);
  assert.equal(c.nodes.get('A')!.data.get(1)!.size, 1);
});

test('disjoint pairs run in parallel; pairs into one target too, up to a limit; pairs from one source, or through a node in both roles, one at a time', async () => {
  const c = new FakeCluster();
  c.addNode('A', range(0, 9), 2);
  c.addNode('B', []);
  c.addNode('C', range(10, 19), 2);
  c.addNode('D', []);
  await executePlan(
    plan([...range(0, 9).map((s) => [s, 'A', 'B'] as [number, string, string]), ...range(10, 19).map((s) => [s, 'C', 'D'] as [number, string, string])]),
    c,
    { windowSlots: 2 },
  );
  assert.equal(c.maxSourcesInFlight, 2);
  // Six sources into one target: LANES_PER_TARGET of them at a time, and every slot arrives.
  const d = new FakeCluster();
  const sources = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
  sources.forEach((id, i) => d.addNode(id, range(i * 10, i * 10 + 9), 2));
  d.addNode('T', []);
  const into = await executePlan(plan(sources.flatMap((id, i) => range(i * 10, i * 10 + 9).map((s) => [s, id, 'T'] as [number, string, string]))), d, {
    windowSlots: 2,
  });
  assert.equal(into.status, 'done');
  assert.equal(d.maxSourcesInFlight, LANES_PER_TARGET);
  assert.equal(d.nodes.get('T')!.owned.size, 60);
  assert.equal(openSlots(d), 0);
  // One source giving to several targets: one pair after another (their targets' epoch bumps must not meet).
  const e = new FakeCluster();
  e.addNode('S', range(0, 29), 2);
  for (const t of ['T1', 'T2', 'T3']) e.addNode(t, []);
  const out = await executePlan(plan(range(0, 29).map((s) => [s, 'S', `T${(s % 3) + 1}`] as [number, string, string])), e, { windowSlots: 2 });
  assert.equal(out.status, 'done');
  assert.equal(e.maxSourcesInFlight, 1);
  assert.ok(e.maxInFlight <= 2, 'at most two MIGRATEs in flight per source');
  assertInOrder(e.log, 'S SETSLOT 27 NODE T1', 'T2 SETSLOT 1 IMPORTING S');
  // B imports from A while it gives to C: one after the other, in plan order.
  const f = new FakeCluster();
  f.addNode('A', range(0, 9), 2);
  f.addNode('B', range(10, 19), 2);
  f.addNode('C', []);
  await executePlan(
    plan([...range(0, 9).map((s) => [s, 'A', 'B'] as [number, string, string]), ...range(10, 19).map((s) => [s, 'B', 'C'] as [number, string, string])]),
    f,
    { windowSlots: 2 },
  );
  assert.equal(f.maxSourcesInFlight, 1);
  assertInOrder(f.log, 'B SETSLOT 9 NODE B', 'C SETSLOT 10 IMPORTING B');
  assert.ok(f.maxInFlight <= 2, 'at most two MIGRATEs in flight per source');
});

test('an aborted signal before start opens nothing; the journal records windows and the end', async () => {
  const c = new FakeCluster();
  c.addNode('A', [1, 2], 1);
  c.addNode('B', []);
  const ac = new AbortController();
  ac.abort();
  const records: JournalRecord[] = [];
  const res = await executePlan(
    plan([
      [1, 'A', 'B'],
      [2, 'A', 'B'],
    ]),
    c,
    {
      signal: ac.signal,
      journal: {
        append: async (r) => {
          records.push(r);
        },
      },
    },
  );
  assert.equal(res.status, 'cancelled');
  assert.equal(c.log.length, 0);
  assert.deepEqual(
    records.map((r) => r.t),
    ['end'],
  );

  const d = new FakeCluster();
  d.addNode('A', [1, 2, 3], 1);
  d.addNode('B', []);
  const recs: JournalRecord[] = [
    {
      t: 'plan',
      plan: plan([
        [1, 'A', 'B'],
        [2, 'A', 'B'],
        [3, 'A', 'B'],
      ]),
      at: 0,
    },
  ];
  await executePlan(
    plan([
      [1, 'A', 'B'],
      [2, 'A', 'B'],
      [3, 'A', 'B'],
    ]),
    d,
    {
      windowSlots: 2,
      journal: {
        append: async (r) => {
          recs.push(r);
        },
      },
    },
  );
  const state = readJournalState(recs);
  assert.deepEqual([...state.done].sort(), [1, 2, 3]);
  assert.equal(state.ended, 'done');
  assert.deepEqual(readJournalState(recs.slice(0, 4)).inFlight, [3]);
});

test('the adaptive batch size grows under budget, shrinks over it, stays fixed with --cluster-pipeline', () => {
  const s = createBatchSizer({ initial: 100, budgetMs: 10, max: 800 });
  s.observe(100, 1);
  assert.equal(s.current(), 200);
  s.observe(200, 50);
  assert.equal(s.current(), 100);
  s.observe(10, 50); // a short batch says nothing
  assert.equal(s.current(), 100);
  const f = createBatchSizer({ fixed: 10 });
  f.observe(10, 1000);
  f.shrink();
  assert.equal(f.current(), 10);
});

test('epoch guard: the target waits to learn the source epoch, then ends above it', async () => {
  const c = new FakeCluster();
  c.addNode('A', [1], 1);
  c.addNode('B', []);
  c.epochMine.set('A', 7);
  c.epochCurrent.set('A', 7);
  c.epochMine.set('B', 3);
  c.epochCurrent.set('B', 5); // stale view of A
  let t = 0;
  const clock = {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
      if (t >= 100) c.epochCurrent.set('B', 7);
    },
  };
  const res = await executePlan(plan([[1, 'A', 'B']]), c, { clock });
  assert.equal(res.status, 'done');
  assert.ok(t >= 100, 'waited for gossip');
  assert.ok(c.epochMine.get('B')! > 7, `B epoch ${c.epochMine.get('B')}`);

  const d = new FakeCluster();
  d.addNode('A', [1], 1);
  d.addNode('B', []);
  d.epochMine.set('A', 9);
  d.epochCurrent.set('A', 9);
  d.epochCurrent.set('B', 2);
  let u = 0;
  const stuck = await executePlan(plan([[1, 'A', 'B']]), d, {
    clock: {
      now: () => u,
      sleep: async (ms: number) => {
        u += ms;
      },
    },
  });
  assert.equal(stuck.status, 'failed');
  assert.equal(stuck.error?.code, 'timeout');
  assert.ok(d.nodes.get('A')!.owned.has(1) && !d.nodes.get('B')!.owned.has(1), 'ownership untouched');
});

test('epoch guard: a source sharing its config epoch with another master is bumped before its slots are claimed', async () => {
  const c = new FakeCluster();
  c.addNode('A', [1], 1);
  c.addNode('B', []);
  c.addNode('C', [2]);
  // A and C collided at 5 (two bumps from the same view); B, the target, has seen 5.
  for (const id of ['A', 'C']) c.epochMine.set(id, 5);
  for (const id of ['A', 'B', 'C']) c.epochCurrent.set(id, 5);
  c.epochMine.set('B', 4);
  let t = 0;
  const clock = {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
      c.epochCurrent.set('B', Math.max(c.epochCurrent.get('B')!, c.epochMine.get('A')!)); // gossip
    },
  };
  const res = await executePlan(plan([[1, 'A', 'B']]), c, { clock });
  assert.equal(res.status, 'done');
  const [a, b, cc] = ['A', 'B', 'C'].map((id) => c.epochMine.get(id)!);
  assert.ok(a !== cc, `A (${a}) no longer shares C's epoch (${cc})`);
  assert.ok(b! > a!, `the target (${b}) ended above its source (${a})`);
  assert.ok(c.nodes.get('B')!.owned.has(1));
});

test('keys that vanish in a move are counted per slot (the CLI then exits 1); keys added meanwhile are not', async () => {
  const c = new FakeCluster();
  c.addNode('A', range(0, 9), 5);
  c.addNode('B', range(10, 19));
  const count = c.countKeysInSlots.bind(c);
  let calls = 0;
  // The target's count after the window: slot 2 lost 2 keys, slot 3 gained 1 (a client wrote it).
  c.countKeysInSlots = async (id, slots) => {
    const n = await count(id, slots);
    if (id === 'B' && ++calls > 1) return n.map((x, i) => (slots[i] === 2 ? x - 2 : slots[i] === 3 ? x + 1 : x));
    return n;
  };
  const res = await executePlan(plan(range(0, 4).map((s) => [s, 'A', 'B'])), c, { windowSlots: 8 });
  assert.equal(res.status, 'done');
  assert.equal(res.mismatches, 2);
  assert.deepEqual(res.vanished, { slots: 1, keys: 2 });
});

/** Open slots as `node:slot` (importing and migrating). */
function openList(c: FakeCluster): string[] {
  return [...c.nodes.values()].flatMap((n) => [...n.importing.keys(), ...n.migrating.keys()].map((s) => `${n.id}:${s}`)).sort();
}

test('a MIGRATE failing mid-window leaves only the slot in flight open: moved slots go to the target, the rest back to the source', async () => {
  const c = new FakeCluster();
  c.addNode('A', range(1, 10), 3);
  c.addNode('B', []);
  // Two keys per MIGRATE: every slot takes two; the second one of slot 5 fails for good.
  let slot5 = 0;
  c.migrateHook = (_s, slot) => (slot === 5 && ++slot5 === 2 ? 'ERR Target instance replied with error: NOPERM' : null);
  const res = await executePlan(plan(range(1, 10).map((s) => [s, 'A', 'B'])), c, { pipeline: 2, windowSlots: 10, parallel: false });
  assert.equal(res.status, 'failed');
  assert.match(res.error!.message, /slot 5 .*NOPERM.*(resume|rcm fix)/);
  assert.deepEqual(openList(c), ['A:5', 'B:5'], 'only the slot in flight stays open');
  const [a, b] = [c.nodes.get('A')!, c.nodes.get('B')!];
  for (const s of range(1, 10)) {
    if (s === 5) continue;
    const owner = b.owned.has(s) ? b : a;
    assert.ok(!(a.owned.has(s) && b.owned.has(s)), `slot ${s} has one owner`);
    assert.equal(owner.data.get(s)?.size, 3, `slot ${s}: all 3 keys on its owner ${owner.id}`);
  }
  assert.equal((a.data.get(5)?.size ?? 0) + (b.data.get(5)?.size ?? 0), 3, 'slot 5 keeps its keys across both sides');
  assert.ok([...b.owned].length > 0 && [...a.owned].length > 1, 'slots before the failure went to B, slots after stayed with A');
});

test('a target whose replica took over gets no window; one not replicating what it acknowledged gets no slot', async () => {
  const c = new FakeCluster();
  c.addNode('A', [1, 2], 2);
  c.addNode('B', []);
  c.replicationState = async () => ({ master: true, offset: 100, replicas: [{ addr: 'fake:B2', role: 'master', offset: 0 }] });
  const refused = await executePlan(
    plan([
      [1, 'A', 'B'],
      [2, 'A', 'B'],
    ]),
    c,
  );
  assert.equal(refused.status, 'failed');
  assert.match(refused.error!.message, /fake:B cannot be trusted .*replica fake:B2 took over.*No slot of this window was opened/);
  assert.deepEqual(openList(c), []);
  assert.equal(c.log.length, 0, 'no SETSLOT was sent');

  // A replica that never catches up: the keys move, the slots are not given to B (deadline on a fake clock).
  let now = 0;
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
  let checks = 0;
  c.replicationState = async () => {
    checks++;
    // Caught up for the check before the window opens; stuck once keys have moved.
    const moving = c.log.some((l) => l.includes('MIGRATING'));
    return { master: true, offset: moving ? 200 : 100, replicas: [{ addr: 'fake:B2', role: 'following', offset: 100 }] };
  };
  const stuck = await executePlan(
    plan([
      [1, 'A', 'B'],
      [2, 'A', 'B'],
    ]),
    c,
    { clock },
  );
  assert.equal(stuck.status, 'failed');
  assert.match(stuck.error!.message, /no replica has acknowledged its replication offset 200/);
  assert.ok(checks > 100 && now >= 5000, `polled until the deadline (${checks} checks, ${now} ms)`);
  assert.ok(![...c.nodes.get('B')!.owned].length, 'B owns nothing');
});

test('a target that stops answering mid-run (the connection deadline): the run fails naming it, the window is not given to it, resume has what it needs', async () => {
  const c = new FakeCluster();
  c.addNode('A', range(1, 4), 2);
  c.addNode('B', []);
  // What io/connection.ts throws for a node silent past its deadline (a frozen target's INFO replication).
  const silent = new EngineError({
    code: 'timeout',
    node: 'fake:B',
    cause: 'no reply in 3 s',
    message: 'Node fake:B did not answer within 3 s (frozen, or too busy to reply)',
  });
  c.replicationState = async () => {
    if (c.nodes.get('B')!.owned.size > 0) throw silent; // frozen once the first window is done
    return { master: true, offset: 0, replicas: [] };
  };
  const records: JournalRecord[] = [];
  const res = await executePlan(plan(range(1, 4).map((s) => [s, 'A', 'B'])), c, {
    windowSlots: 2,
    parallel: false,
    journal: {
      append: async (r) => {
        records.push(r);
      },
    },
  });
  assert.equal(res.status, 'failed');
  assert.equal(res.error!.code, 'timeout');
  assert.match(res.error!.message, /^Node fake:B did not answer within 3 s/);
  assert.deepEqual(res.doneSlots, [1, 2], 'the first window done; the second not');
  assert.deepEqual([...c.nodes.get('B')!.owned].sort(), [1, 2], 'the window in flight is not given to the silent target');
  const state = readJournalState([{ t: 'plan', plan: plan(range(1, 4).map((s) => [s, 'A', 'B'])), at: 0 }, ...records]);
  assert.deepEqual([...state.done].sort(), [1, 2]);
  assert.equal(state.ended, 'failed');
});

test('--fast: a slot moves in one MIGRATE although MIGRATEs are slow; paced, slow MIGRATEs halve the batches', async () => {
  const run = async (fast: boolean): Promise<number> => {
    const c = new FakeCluster();
    c.addNode('A', range(0, 47), 61);
    c.addNode('B', []);
    let t = 0;
    let migrates = 0;
    // Each MIGRATE takes 5 ms (a busy host): over the default 2 ms budget of one MIGRATE, under --fast's.
    c.migrateHook = () => {
      migrates++;
      t += 5;
      return null;
    };
    // Copy-then-delete, as towards a target with replicas: the copy (the fake's MIGRATE), the replica's check, done.
    c.migrateCopy = async (sourceId, targetId, keys, opts, confirm) => {
      const [err] = await c.migrate(sourceId, targetId, [keys], opts);
      if (err) return err;
      await confirm();
      return null;
    };
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    const res = await executePlan(plan(range(0, 47).map((s) => [s, 'A', 'B'])), c, { clock, fast, parallel: false, windowSlots: 16 });
    assert.equal(res.status, 'done');
    assert.equal(res.progress.keysMoved, 48 * 61);
    return migrates;
  };
  // A window's batches are cut when its keys are listed: the sizer's verdict shows from the second window on.
  assert.equal(await run(true), 48, 'one MIGRATE per slot');
  assert.ok((await run(false)) > 48, 'smaller batches under the 2 ms budget');
});
