/**
 * The cluster-wide migration lease and the preflight on a real cluster:
 * a second run is refused naming the holder, an open slot refuses a new run
 * (fix finishes it), resume takes over the lease of its own dead run, and an
 * ACL user without MIGRATE is refused before any change.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { EngineError, loadTopology, renderEvents, renderFixEvent, runFix, type MovePlan } from '../../src/engine';
import { acquireLease } from '../../src/engine/io/lease';
import { applyPlan } from '../../src/engine/ops/applyPlan';
import { encodeLeaseName } from '../../src/engine/exec/lease';
import { cmd, createCluster, openSlotBoth, populate, slotOwner, stopAllNodes, waitFor, type TestCluster } from '../helpers/redisCluster';
import { reshardArgs, runRcm } from '../helpers/rcm';

after(() => stopAllNodes());

let cluster: TestCluster;
let dir: string;
let ids: string[];
const KEYS = 5000;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rcm-lease-'));
  cluster = await createCluster({ masters: 3, replicas: 1 });
  await populate(cluster, KEYS);
  ids = await Promise.all(cluster.masters.map((m) => cluster.nodeId(m)));
});
after(async () => {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every master's own slot claims and open-slot tokens, as one comparable string. */
async function layout(): Promise<string> {
  const t = await loadTopology(cluster.entry.host, cluster.entry.port);
  return t.nodes
    .filter((n) => n.role === 'master')
    .map((n) => `${n.id} ${JSON.stringify(n.slots)} ${JSON.stringify(n.migrating)} ${JSON.stringify(n.importing)}`)
    .sort()
    .join('\n');
}

async function totalKeys(): Promise<number> {
  const t = await loadTopology(cluster.entry.host, cluster.entry.port);
  return t.nodes.filter((n) => n.role === 'master').reduce((a, n) => a + (n.dbsize as number), 0);
}

function onePlan(slot: number, sourceId: string, targetId: string): MovePlan {
  return {
    version: 1,
    kind: 'reshard',
    entry: { host: cluster.entry.host, port: cluster.entry.port },
    nodes: [],
    moves: [{ slot, sourceId, targetId }],
    groups: [],
    totalSlots: 1,
  };
}

const reshard = (from: number, to: number, slots: number, journal: string): string[] =>
  reshardArgs(cluster.entry.addr, ids[from]!, ids[to]!, slots, '--journal', journal);

test('a second run is refused with one line naming the holder; once released the run goes through', async () => {
  const t = await loadTopology(cluster.entry.host, cluster.entry.port);
  const lease = await acquireLease(t, {}, { op: 'rebalance', journal: '/some/where/rebalance-1.jsonl' });
  const before = await layout();
  try {
    const res = await runRcm(reshard(0, 1, 100, join(dir, 'a.jsonl')));
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const line = res.stderr.split('\n').find((l) => l.includes('Another run is changing this cluster'));
    assert.ok(line, res.stderr);
    assert.match(
      line,
      new RegExp(
        `rebalance by process ${process.pid} on ${hostname()} \\(connected from 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:\\d+\\), started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, journal /some/where/rebalance-1\\.jsonl`,
      ),
    );
    for (const args of [
      ['fix', cluster.entry.addr, '--cluster-yes'],
      ['del-node', cluster.entry.addr, ids[2]!],
    ]) {
      const r = await runRcm(args);
      assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /Another run is changing this cluster: rebalance by process/, args[0]);
    }
    // In-process callers (the extension) get the typed error.
    await assert.rejects(applyPlan(onePlan(0, ids[0]!, ids[1]!)), (e: EngineError) => e.code === 'lease-held');
    assert.equal(await layout(), before, 'nothing changed while refused');
  } finally {
    lease.release();
  }
  const ok = await runRcm(reshard(0, 1, 100, join(dir, 'b.jsonl')));
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.notEqual(await layout(), before);
  assert.equal(await totalKeys(), KEYS);
});

test('an open slot counts as a run in progress: a new run is refused, fix finishes it', async () => {
  const slot = 9000;
  const owner = await slotOwner(cluster, slot);
  const other = cluster.masters.find((m) => m !== owner)!;
  await openSlotBoth(cluster, slot, other);
  const ownerId = await cluster.nodeId(owner);
  const spare = ids.find((id) => id !== ownerId)!;
  const anotherSlot = (await loadTopology(cluster.entry.host, cluster.entry.port)).nodes.find((n) => n.id === ownerId)!.slots[0]!.start;
  await assert.rejects(applyPlan(onePlan(anotherSlot, ownerId, spare)), (e: EngineError) => {
    assert.equal(e.code, 'lease-held');
    assert.match(e.message, new RegExp(`^Slot ${slot} is open on .*rcm resume JOURNAL.*rcm fix`));
    return true;
  });
  const fix = await runFix({ host: cluster.entry.host, port: cluster.entry.port, confirm: async () => true });
  assert.equal(
    fix.exitCode,
    0,
    renderEvents(fix.events, renderFixEvent)
      .map((c) => c.text)
      .join(''),
  );
  assert.doesNotMatch(await layout(), /"slot"/, 'no open slot left');
  assert.equal(await totalKeys(), KEYS);
});

test('resume takes over the lease its own killed run left; other runs still see it', async () => {
  const journal = join(dir, 'takeover.jsonl');
  const t = await loadTopology(cluster.entry.host, cluster.entry.port);
  const src = t.nodes.find((n) => n.id === ids[2])!;
  const slot = src.slots[0]!.start;
  writeFileSync(journal, `${JSON.stringify({ t: 'plan', plan: onePlan(slot, ids[2]!, ids[0]!), at: Date.now() })}\n`);
  // A lease whose process is gone but whose connections linger (its host froze, say): same journal, a dead pid.
  const name = encodeLeaseName({ token: 'dead-run', op: 'reshard', pid: 2 ** 22 + 17, host: hostname(), startedAt: Date.now() - 60_000, journal });
  const stale = await Promise.all(
    cluster.liveNodes().map(async (h) => {
      const c = new Redis({ host: h.host, port: h.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      c.on('error', () => undefined);
      await c.connect();
      await cmd(c, 'CLIENT', 'SETNAME', name);
      return c;
    }),
  );
  try {
    const refused = await runRcm(reshard(2, 0, 10, join(dir, 'c.jsonl')));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Another run is changing this cluster: reshard by process 4194321 .*journal .*takeover\.jsonl/);
    const res = await runRcm(['resume', journal]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    await waitFor('the stale lease connections are killed', () => stale.every((c) => c.status === 'end') || stale.map((c) => c.status).join(','), 5000);
    const after = await loadTopology(cluster.entry.host, cluster.entry.port);
    assert.ok(after.nodes.find((n) => n.id === ids[0])!.slots.some((r) => r.start <= slot && slot <= r.end));
  } finally {
    for (const c of stale) c.disconnect();
  }
});

test('an ACL user without MIGRATE is refused before any change (ACL DRYRUN, and probes without ACL rights)', async () => {
  for (const h of cluster.liveNodes()) {
    await cmd(cluster.client(h), 'ACL', 'SETUSER', 'nomig', 'on', '>pw', '~*', '&*', '+@all', '-migrate');
    await cmd(cluster.client(h), 'ACL', 'SETUSER', 'nomigacl', 'on', '>pw', '~*', '&*', '+@all', '-migrate', '-acl');
  }
  const before = await layout();
  for (const user of ['nomig', 'nomigacl']) {
    const res = await runRcm([...reshard(1, 2, 200, join(dir, `${user}.jsonl`)), '--user', user, '--pass', 'pw', '--no-auth-warning']);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(
      res.stderr,
      new RegExp(`The user "${user}" may not run MIGRATE on 127\\.0\\.0\\.1:\\d+ \\(.*no permissions to run the 'migrate' command\\); nothing was changed`),
      user,
    );
    assert.equal(await layout(), before, `${user}: cluster unchanged, no slot open`);
  }
  const fix = await runRcm(['fix', cluster.entry.addr, '--cluster-yes', '--user', 'nomig', '--pass', 'pw', '--no-auth-warning']);
  assert.equal(fix.code, 1);
  assert.match(fix.stderr, /may not run MIGRATE/);
  assert.equal(await totalKeys(), KEYS);
});
