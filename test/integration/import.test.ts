/**
 * `rcm import` against real servers: copy / move / replace, a conflicting
 * key (stops, names the key, nothing lost), authenticated sources (password,
 * ACL user, a password with a space and a `%`, also on the cluster side), a
 * cluster node as source (refused), and 100k keys covering every slot with
 * their TTLs. The per-key output is compared with redis-cli's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createCluster, keySlot, runRedisCli, startStandalone, stopAllNodes, stopNodes, type NodeHandle, type TestCluster } from '../helpers/redisCluster';
import { clusterRoute, diffSnapshots, snapshotKeys, writeDataset } from '../helpers/dataset';
import { redisCliStderr, runRcm } from '../helpers/rcm';
import { enableTls, makeCerts } from '../helpers/certs';

after(() => stopAllNodes());

const SPEC = { prefix: 'imp:', strings: 2000, lists: 200, sets: 200, zsets: 200, hashes: 200, streams: 50 };

function client(node: NodeHandle, auth: { username?: string; password?: string } = {}): Redis {
  const c = new Redis({ host: node.host, port: node.port, lazyConnect: false, maxRetriesPerRequest: 1, retryStrategy: () => null, ...auth });
  c.on('error', () => undefined);
  return c;
}

async function clusterSize(cluster: TestCluster): Promise<number> {
  let n = 0;
  for (const m of cluster.masters) n += Number(await cluster.client(m).dbsize());
  return n;
}

async function flushCluster(cluster: TestCluster): Promise<void> {
  await Promise.all(cluster.masters.map((m) => cluster.client(m).flushall()));
}

/** stdout lines that depend only on the data (the check listing is covered by the check tests). */
const migrating = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('Migrating ') || l.startsWith('*** Importing'))
    .sort();

describe('rcm import', () => {
  let cluster: TestCluster;
  let route: Awaited<ReturnType<typeof clusterRoute>>;
  let sourceNode: NodeHandle;
  let source: Redis;
  let keys: string[];
  let original: Awaited<ReturnType<typeof snapshotKeys>>;

  before(async () => {
    cluster = await createCluster({ masters: 3 });
    route = await clusterRoute(cluster);
    sourceNode = await startStandalone();
    source = client(sourceNode);
    keys = await writeDataset(() => source, SPEC);
    original = await snapshotKeys(() => source, keys);
  });
  after(async () => {
    source.disconnect();
    await cluster.stop();
  });

  test('--cluster-copy: every key of every type with its TTL, the source untouched, the same lines as redis-cli', async () => {
    const res = await runRcm(['import', cluster.entry.addr, '--cluster-from', sourceNode.addr, '--cluster-copy']);
    assert.equal(res.code, 0, res.stdout.slice(-1000) + res.stderr);
    const lines = res.stdout.split('\n');
    assert.equal(lines[0], `>>> Importing data from ${sourceNode.addr} to cluster ${cluster.entry.addr}`);
    assert.equal(lines[1], `>>> Performing Cluster Check (using node ${cluster.entry.addr})`);
    assert.ok(lines.includes(`*** Importing ${keys.length} keys from DB 0`));
    assert.equal(lines.filter((l) => / to \S+: OK$/.test(l)).length, keys.length);
    assert.deepEqual(diffSnapshots(original, await snapshotKeys(route, keys)), []);
    assert.deepEqual(diffSnapshots(original, await snapshotKeys(() => source, keys)), []);

    await flushCluster(cluster);
    const cli = await runRedisCli(['--cluster', 'import', cluster.entry.addr, '--cluster-from', sourceNode.addr, '--cluster-copy'], { timeoutMs: 60_000 });
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(migrating(res.stdout), migrating(cli.stdout));
  });

  test('move (no --cluster-copy): the source is emptied and nothing is lost', async () => {
    await flushCluster(cluster);
    const res = await runRcm(['import', cluster.entry.addr, '--cluster-from', sourceNode.addr, '--verbose']);
    assert.equal(res.code, 0, res.stdout.slice(-1000) + res.stderr);
    assert.match(res.stderr, new RegExp(`rcm: moved ${keys.length} keys in`));
    assert.equal(await source.dbsize(), 0);
    assert.deepEqual(diffSnapshots(original, await snapshotKeys(route, keys)), []);
  });

  test('--cluster-replace overwrites keys that exist in the cluster', async () => {
    await flushCluster(cluster);
    const p = source.pipeline();
    for (let i = 0; i < 300; i++) p.set(`rep:${i}`, `from the source ${i}`);
    await p.exec();
    for (let i = 0; i < 100; i++) await route(`rep:${i}`).set(`rep:${i}`, 'old value in the cluster');
    const res = await runRcm(['import', cluster.entry.addr, '--cluster-from', sourceNode.addr, '--cluster-replace']);
    assert.equal(res.code, 0, res.stdout.slice(-1000) + res.stderr);
    for (let i = 0; i < 300; i += 7) assert.equal(await route(`rep:${i}`).get(`rep:${i}`), `from the source ${i}`);
    assert.equal(await clusterSize(cluster), 300);
    assert.equal(await source.dbsize(), 0);
  });

  for (const copy of [false, true]) {
    test(`a key that exists in the cluster, without --cluster-replace${copy ? ', with --cluster-copy' : ''}: stops, names the key, loses nothing`, async () => {
      await flushCluster(cluster);
      await source.flushall();
      const p = source.pipeline();
      for (let i = 0; i < 5000; i++) p.set(`c:${i}`, `source ${i}`);
      await p.exec();
      await route('c:1234').set('c:1234', 'the cluster value');
      const res = await runRcm(['import', cluster.entry.addr, '--cluster-from', sourceNode.addr, ...(copy ? ['--cluster-copy'] : [])]);
      assert.equal(res.code, 1, res.stdout.slice(-500) + res.stderr);
      const owner = cluster.masters.find((m) => cluster.client(m) === route('c:1234'))!;
      assert.ok(
        res.stdout.includes(
          `Migrating c:1234 to ${owner.addr}: Source ${sourceNode.addr} replied with error:\nERR Target instance replied with error: BUSYKEY Target key name already exists.\n`,
        ),
        res.stdout.slice(-800),
      );
      assert.match(res.stderr, /rcm: Key "c:1234" already exists in the cluster .*--cluster-replace/);
      assert.equal(await route('c:1234').get('c:1234'), 'the cluster value');
      assert.equal(await source.get('c:1234'), 'source 1234');
      // every key is in the source or in the cluster, with its value
      const inCluster = await snapshotKeys(
        route,
        Array.from({ length: 5000 }, (_, i) => `c:${i}`),
      );
      const inSource = await snapshotKeys(
        () => source,
        Array.from({ length: 5000 }, (_, i) => `c:${i}`),
      );
      for (let i = 0; i < 5000; i++) {
        const k = `c:${i}`;
        const expected = `string:${Buffer.from(`source ${i}`).toString('hex')}`;
        if (k === 'c:1234') continue;
        assert.ok(inCluster.get(k)!.value === expected || inSource.get(k)!.value === expected, `${k} lost`);
        if (!copy) assert.ok(inCluster.get(k)!.value === 'none' || inSource.get(k)!.value === 'none', `${k} in both`);
      }
      if (copy) assert.equal(await source.dbsize(), 5000);
    });
  }

  test('bad sources: a cluster node (refused), missing and invalid --cluster-from', async () => {
    let res = await runRcm(['import', cluster.entry.addr, '--cluster-from', cluster.masters[1]!.addr]);
    assert.equal(res.code, 1);
    assert.match(res.stdout, /\[ERR\] The source node should not be a cluster node\.\n/);
    res = await runRcm(['import', cluster.entry.addr]);
    assert.equal(res.code, 1);
    assert.equal(res.stderr, "[ERR] Option '--cluster-from' is required for subcommand 'import'.\n");
    res = await runRcm(['import', cluster.entry.addr, '--cluster-from', 'foo']);
    assert.equal(res.code, 1);
    assert.equal(redisCliStderr(res.stderr), '[ERR] Invalid --cluster-from host. You need to pass a valid address (ie. 120.0.0.1:7000).\n');
    assert.match(res.stderr, /\nrcm: bad --cluster-from "foo": there is no ":port"/);
    res = await runRcm(['import', cluster.entry.addr, '--cluster-from', '127.0.0.1:1']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^Could not connect to Redis at 127\.0\.0\.1:1: Connection refused\.\n/);
  });

  test('100k keys covering every slot: all moved to their masters with their TTLs', async () => {
    await flushCluster(cluster);
    await source.flushall();
    // 100k keys, plus one for each slot the first 100k names miss
    const names: string[] = [];
    const covered = new Uint8Array(16384);
    let missing = 16384;
    for (let i = 0; names.length < 100_000 || missing > 0; i++) {
      const k = `big:${i}`;
      const slot = keySlot(k);
      if (names.length < 100_000 || !covered[slot]) {
        names.push(k);
        if (!covered[slot]) missing--;
        covered[slot] = 1;
      }
    }
    for (let i = 0; i < names.length; i += 10_000) {
      const p = source.pipeline();
      names.slice(i, i + 10_000).forEach((k, j) => p.set(k, `v${i + j}`, 'EX', 3600 + ((i + j) % 3600)));
      await p.exec();
    }
    const t0 = Date.now();
    const res = await runRcm(['import', cluster.entry.addr, '--cluster-from', sourceNode.addr], { timeoutMs: 120_000 });
    const secs = (Date.now() - t0) / 1000;
    assert.equal(res.code, 0, res.stdout.slice(-1000) + res.stderr);
    assert.equal(await source.dbsize(), 0);
    assert.equal(await clusterSize(cluster), names.length);
    for (let i = 0; i < names.length; i += 97) {
      const pttl = await route(names[i]!).pttl(names[i]!);
      const ttl = (3600 + (i % 3600)) * 1000;
      assert.ok(pttl <= ttl && pttl > ttl - 120_000, `${names[i]}: PTTL ${pttl}, expected about ${ttl}`);
    }
    const slotsWithKeys = new Set<number>();
    for (const m of cluster.masters) {
      const c = cluster.client(m);
      const p = c.pipeline();
      for (let s = 0; s < 16384; s++) p.call('CLUSTER', 'COUNTKEYSINSLOT', s);
      ((await p.exec()) ?? []).forEach(([, n], s) => {
        if (Number(n) > 0) slotsWithKeys.add(s);
      });
    }
    assert.equal(slotsWithKeys.size, 16384);
    process.stderr.write(`# rcm import: ${names.length} keys in ${secs.toFixed(2)}s (${Math.round(names.length / secs)} keys/s, process start included)\n`);
  });
});

describe('rcm import with credentials', () => {
  test('requirepass source, ACL user source, and passwords with spaces and % on both sides', async () => {
    const clusterPass = 'cl pw%s%d%%';
    const cluster = await createCluster({ masters: 3, password: clusterPass });
    const secret = await startStandalone({ password: 'src secret' });
    const acl = await startStandalone({ aclUser: { name: 'importer', password: 'imp %s pw' }, extraConfig: ['user default off'] });
    try {
      const a = client(secret, { password: 'src secret' });
      const b = client(acl, { username: 'importer', password: 'imp %s pw' });
      for (let i = 0; i < 200; i++) {
        await a.set(`sec:${i}`, String(i), 'EX', 5000);
        await b.set(`acl:${i}`, String(i));
      }
      const auth = ['-a', clusterPass, '--no-auth-warning'];
      let res = await runRcm(['import', cluster.entry.addr, '--cluster-from', secret.addr, ...auth]);
      assert.equal(res.code, 1);
      assert.match(res.stdout, new RegExp(`Source ${secret.addr} replied with error:\\nNOAUTH Authentication required\\.\\n`));
      res = await runRcm(['import', cluster.entry.addr, '--cluster-from', secret.addr, '--cluster-from-pass', 'wrong', ...auth]);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /^AUTH failed: WRONGPASS/);
      res = await runRcm(['import', cluster.entry.addr, '--cluster-from', secret.addr, '--cluster-from-pass', 'src secret', ...auth]);
      assert.equal(res.code, 0, res.stdout.slice(-500) + res.stderr);
      res = await runRcm([
        'import',
        cluster.entry.addr,
        '--cluster-from',
        acl.addr,
        '--cluster-from-user',
        'importer',
        '--cluster-from-pass',
        'imp %s pw',
        ...auth,
      ]);
      assert.equal(res.code, 0, res.stdout.slice(-500) + res.stderr);
      assert.equal(await a.dbsize(), 0);
      assert.equal(await b.dbsize(), 0);
      let total = 0;
      for (const m of cluster.masters) total += Number(await cluster.client(m).dbsize());
      assert.equal(total, 400);
      const route = await clusterRoute(cluster);
      assert.ok((await route('sec:7').pttl('sec:7')) > 4_000_000);
      a.disconnect();
      b.disconnect();
    } finally {
      await cluster.stop();
      await stopNodes([secret, acl]);
    }
  });
});

describe('rcm import from a TLS source (redis-cli cannot)', () => {
  test('--cluster-from-tls with CA and client certificate; without TLS options the plain-text attempt fails clearly', async () => {
    const certs = makeCerts();
    const cluster = await createCluster({ masters: 3 });
    const src = await startStandalone();
    try {
      const c = client(src);
      for (let i = 0; i < 500; i++) await c.set(`tls:${i}`, String(i), 'EX', 4000);
      const tlsPort = await enableTls(c, certs);
      const from = `127.0.0.1:${tlsPort}`;
      const tlsArgs = [
        '--cluster-from-tls',
        '--cluster-from-cacert',
        join(certs, 'ca.crt'),
        '--cluster-from-cert',
        join(certs, 'client.crt'),
        '--cluster-from-key',
        join(certs, 'client.key'),
      ];
      let res = await runRcm(['import', cluster.entry.addr, '--cluster-from', from], { timeoutMs: 20_000 });
      assert.equal(res.code, 1);
      res = await runRcm(['import', cluster.entry.addr, '--cluster-from', from, ...tlsArgs, '--cluster-from-sni', 'localhost']);
      assert.equal(res.code, 0, res.stdout.slice(-500) + res.stderr);
      assert.equal(await c.dbsize(), 0);
      assert.equal(await clusterSize(cluster), 500);
      c.disconnect();
    } finally {
      await cluster.stop();
      await stopNodes([src]);
      rmSync(certs, { recursive: true, force: true });
    }
  });
});
