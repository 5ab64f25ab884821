/**
 * Proves the real-cluster harness (test/helpers/redisCluster.ts) against
 * redis-server and the reference redis-cli: a healthy cluster checks clean,
 * every broken-state producer makes `redis-cli --cluster check` fail with
 * the expected line, and no started process outlives the harness.
 */

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  allocSlotRanges,
  cmd,
  createCluster,
  crc16,
  keyInSlot,
  keySlot,
  killNode,
  multipleOwners,
  nodeState,
  openSlotBoth,
  openSlotImporting,
  openSlotMigrating,
  populate,
  redisCliCheck,
  runRedisCli,
  slotOwner,
  startStandalone,
  stopAllNodes,
  stopNodes,
  uncoverSlot,
  waitNodeSeenFailing,
  type ClusterOptions,
  type NodeHandle,
  type TestCluster,
} from '../helpers/redisCluster';

after(() => stopAllNodes());

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function assertAllGone(nodes: readonly NodeHandle[]): void {
  for (const node of nodes) {
    assert.equal(isAlive(node.pid), false, `pid ${node.pid} (${node.addr}) is still alive`);
    assert.equal(fs.existsSync(node.dir), false, `${node.dir} was not removed`);
  }
}

/** Runs `body` on a fresh cluster, always stopping it (and checking it is gone) afterwards. */
async function withCluster(opts: ClusterOptions, body: (cluster: TestCluster) => Promise<void>): Promise<void> {
  const cluster = await createCluster(opts);
  try {
    await body(cluster);
  } finally {
    await cluster.stop();
  }
  assertAllGone(cluster.nodes);
}

async function assertCheckFails(cluster: TestCluster, expectedLines: string[], extra: string[] = []): Promise<void> {
  const result = await redisCliCheck(cluster.entry.addr, { password: cluster.password, extra });
  const lines = result.stdout.split('\n');
  for (const expected of expectedLines) assert.ok(lines.includes(expected), `missing "${expected}" in:\n${result.stdout}`);
  assert.equal(result.code, 1, result.stdout);
}

describe('slot math', () => {
  test('crc16, keySlot and keyInSlot', () => {
    assert.equal(crc16(Buffer.from('123456789')), 0x31c3);
    assert.equal(keySlot('foo'), 12182);
    assert.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
    assert.equal(keySlot('foo{}{bar}'), crc16(Buffer.from('foo{}{bar}')) % 16384); // empty tag: whole key
    assert.equal(keySlot('foo{{bar}}zap'), keySlot('{bar'));
    assert.equal(keySlot('foo{bar}{zap}'), keySlot('bar'));
    for (const slot of [0, 400, 5460, 16383]) assert.equal(keySlot(keyInSlot(slot, 'p')), slot);
  });

  test('allocSlotRanges splits like redis-cli', () => {
    assert.deepEqual(allocSlotRanges(3), [
      [0, 5460],
      [5461, 10922],
      [10923, 16383],
    ]);
    assert.deepEqual(allocSlotRanges(1), [[0, 16383]]);
    for (const m of [2, 5, 7, 10]) {
      const ranges = allocSlotRanges(m);
      assert.equal(ranges[0]![0], 0);
      assert.equal(ranges[m - 1]![1], 16383);
      for (let i = 1; i < m; i++) assert.equal(ranges[i]![0], ranges[i - 1]![1] + 1);
    }
  });
});

describe('healthy 3 masters + 3 replicas', () => {
  let cluster: TestCluster | undefined;
  const live = (): TestCluster => {
    assert.ok(cluster, 'cluster was not created');
    return cluster;
  };
  after(() => cluster?.stop());

  test('forms a healthy cluster', async () => {
    cluster = await createCluster({ masters: 3, replicas: 1 });
    assert.equal(cluster.nodes.length, 6);
    for (const replica of cluster.replicas) {
      const role = String(await cmd(cluster.client(replica), 'ROLE'));
      assert.match(role, /^slave,127\.0\.0\.1,/);
    }
  });

  test('populate spreads 10000 keys over the masters', async () => {
    const c = live();
    const perMaster = await populate(c, 10_000, { ttl: true });
    const sizes = await Promise.all(c.masters.map(async (m) => Number(await cmd(c.client(m), 'DBSIZE'))));
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      10_000,
    );
    assert.deepEqual(
      c.masters.map((m) => perMaster[m.addr]),
      sizes,
    );
    const ttl = Number(await cmd(c.client(await slotOwner(c, keySlot('key:7'))), 'TTL', 'key:7'));
    assert.ok(ttl > 3000, `TTL ${ttl}`);
  });

  test('keySlot agrees with CLUSTER KEYSLOT', async () => {
    const c = live();
    for (const key of ['key:1', 'a{b}c', '{}x', 'foo{{bar}}zap', 'foo{bar}{zap}', 'ünïcode', keyInSlot(9999)]) {
      assert.equal(Number(await cmd(c.client(c.entry), 'CLUSTER', 'KEYSLOT', key)), keySlot(key), key);
    }
  });

  test('redis-cli --cluster check exits 0', async () => {
    const result = await redisCliCheck(live().entry.addr);
    assert.equal(result.code, 0, result.stdout);
    assert.ok(result.stdout.includes('[OK] All 16384 slots covered.'), result.stdout);
    assert.ok(result.stdout.includes('[OK] 10000 keys in 3 masters.'), result.stdout);
  });

  test('killNode takes a replica down for good', async () => {
    const c = live();
    const victim = c.replicas[0]!;
    await killNode(victim);
    assert.equal(isAlive(victim.pid), false);
    assert.equal(nodeState(victim), 'killed');
    await waitNodeSeenFailing(c, victim, 'fail?', 15_000);
    await waitNodeSeenFailing(c, victim, 'fail', 15_000);
    const result = await redisCliCheck(c.entry.addr);
    assert.ok(result.stderr.includes(`Could not connect to Redis at ${victim.addr}`), result.stderr);
  });

  test('stop() leaves no started pid alive and removes the temp dirs', async () => {
    const c = live();
    await c.stop();
    await c.stop(); // idempotent
    assertAllGone(c.nodes);
    assert.ok(c.nodes.every((n) => nodeState(n) === 'stopped'));
  });
});

describe('broken-state producers make redis-cli --cluster check fail', () => {
  const three: ClusterOptions = { masters: 3 };

  test('openSlotMigrating', () =>
    withCluster(three, async (c) => {
      const { owner } = await openSlotMigrating(c, 400, c.masters[1]!);
      assert.equal(owner, c.masters[0]);
      await assertCheckFails(c, [`[WARNING] Node ${owner.addr} has slots in migrating state 400.`, '[WARNING] The following slots are open: 400.']);
    }));

  test('openSlotImporting', () =>
    withCluster(three, async (c) => {
      const { target } = await openSlotImporting(c, 6000, c.masters[2]!);
      await assertCheckFails(c, [`[WARNING] Node ${target.addr} has slots in importing state 6000.`, '[WARNING] The following slots are open: 6000.']);
    }));

  test('openSlotBoth (with a password)', () =>
    withCluster({ ...three, password: 'pa ss"word' }, async (c) => {
      await populate(c, 500);
      const { owner, target } = await openSlotBoth(c, 12000, c.masters[0]!);
      assert.equal(owner, c.masters[2]);
      await assertCheckFails(c, [
        `[WARNING] Node ${owner.addr} has slots in migrating state 12000.`,
        `[WARNING] Node ${target.addr} has slots in importing state 12000.`,
        '[WARNING] The following slots are open: 12000.',
      ]);
    }));

  test('uncoverSlot', () =>
    withCluster(three, async (c) => {
      const former = await uncoverSlot(c, 7000);
      assert.equal(former, c.masters[1]);
      await assertCheckFails(c, ['[ERR] Not all 16384 slots are covered by nodes.']);
    }));

  test('multipleOwners', () =>
    withCluster(three, async (c) => {
      const { extra, key } = await multipleOwners(c, 100, c.masters[2]!);
      assert.equal(keySlot(key), 100);
      assert.equal(Number(await cmd(c.client(extra), 'CLUSTER', 'COUNTKEYSINSLOT', 100)), 1);
      // redis-cli only looks for keys on non-owners when asked to.
      await assertCheckFails(c, ['[WARNING] Slot 100 has 2 owners:'], ['--cluster-search-multiple-owners']);
    }));
});

describe('standalone node', () => {
  test('is rejected by redis-cli --cluster check, honours auth options', async () => {
    const node = await startStandalone({
      password: 'top',
      aclUser: { name: 'alice', password: 'wonder' },
      extraConfig: ['maxmemory 10mb'],
    });
    try {
      assert.equal(node.busPort, 0);
      const check = await redisCliCheck(node.addr, { password: 'top' });
      assert.equal(check.code, 1);
      assert.ok(check.stdout.includes(`[ERR] Node ${node.addr} is not configured as a cluster node.`), check.stdout);
      const asAlice = await runRedisCli(['-p', String(node.port), '--user', 'alice', '--pass', 'wonder', '--no-auth-warning', 'CONFIG', 'GET', 'maxmemory']);
      assert.equal(asAlice.stdout.trim(), 'maxmemory\n10485760');
    } finally {
      await stopNodes([node]);
    }
    assertAllGone([node]);
  });
});
