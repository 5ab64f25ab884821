/**
 * `rcm backup` of a real 3+3 cluster holding ~200k keys of every type: one
 * RDB per master that passes redis-check-rdb and holds exactly that master's
 * keys (every value byte-identical to the master's DUMP), nodes.json equal to
 * redis-cli's and to the topology, the diskless ($EOF:) transfer, and bad
 * directories refused with nothing written.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology, renderBackupEvent, renderEvents, runBackup, type ClusterNode } from '../../src/engine';
import { dumpPayload } from '../../src/engine/data/dumpPayload';
import { readRdbFile } from '../../src/engine/io/rdbFile';
import { type RdbKeyRecord } from '../../src/engine/data/rdbParser';
import { createCluster, runRedisCli, stopAllNodes, type TestCluster } from '../helpers/redisCluster';
import { clusterRoute, diffSnapshots, snapshotKeys, writeDataset } from '../helpers/dataset';
import { runRcm } from '../helpers/rcm';
import { enableTls, makeCerts } from '../helpers/certs';

after(() => stopAllNodes());

function checkRdb(path: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('redis-check-rdb', [path], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

async function keyRecords(path: string): Promise<{ keys: RdbKeyRecord[]; version: number }> {
  const keys: RdbKeyRecord[] = [];
  const it = readRdbFile(path);
  for (;;) {
    const r = await it.next();
    if (r.done) return { keys, version: r.value.version };
    if (r.value.kind === 'key') keys.push(r.value);
  }
}

const rdbName = (n: Pick<ClusterNode, 'host' | 'port' | 'id'>): string => `redis-node-${n.host}-${n.port}-${n.id}.rdb`;

describe('rcm backup of a 3+3 cluster with ~200k keys of every type', () => {
  let cluster: TestCluster;
  const dirs: string[] = [];
  const newDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'rcm-backup-'));
    dirs.push(d);
    return d;
  };
  let total = 0;

  before(async () => {
    cluster = await createCluster({ masters: 3, replicas: 1 });
    const route = await clusterRoute(cluster);
    const keys = await writeDataset(route, { prefix: 'b:', strings: 160_000, lists: 10_000, sets: 10_000, zsets: 10_000, hashes: 10_000, streams: 1_000 });
    total = keys.length;
  });
  after(async () => {
    await cluster.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('one verified RDB per master with exactly its keys, nodes.json matching the topology and redis-cli', async () => {
    const dir = newDir();
    const topology = await loadTopology(cluster.entry.host, cluster.entry.port);
    const masters = topology.nodes.filter((n) => n.role === 'master');
    // An older, longer file under the same name must not leave a stale tail.
    writeFileSync(join(dir, rdbName(masters[0]!)), Buffer.alloc(20 << 20, 0x5a));
    const res = await runRcm(['backup', cluster.entry.addr, dir], { timeoutMs: 120_000 });
    assert.equal(res.code, 0, res.stdout.slice(-1500) + res.stderr);

    // redis-cli's lines, masters in node-list order
    const saving = res.stdout.split('\n').filter((l) => l.startsWith('>>> Node '));
    assert.deepEqual(
      saving,
      masters.map((m) => `>>> Node ${m.host}:${m.port} -> Saving RDB...`),
    );
    assert.ok(res.stdout.endsWith(`Saving cluster configuration to: ${dir}/nodes.json\n[OK] Backup created into: ${dir}\n`), res.stdout.slice(-300));
    for (const m of masters) {
      assert.match(res.stderr, new RegExp(`SYNC sent to master, writing \\d+ bytes to '${dir}/${rdbName(m)}'\\nTransfer finished with success\\.\\n`));
    }
    assert.deepEqual(readdirSync(dir).sort(), [...masters.map(rdbName), 'nodes.json'].sort());

    let sum = 0;
    for (const m of masters) {
      const path = join(dir, rdbName(m));
      const check = await checkRdb(path);
      assert.equal(check.code, 0, check.out);
      assert.match(check.out, /RDB looks OK/);
      const dbsize = Number(await cluster.client(cluster.masters.find((h) => h.port === m.port)!).dbsize());
      assert.match(check.out, new RegExp(`\\[info\\] ${dbsize} keys read`));
      // every key of the file is the master's, byte for byte as its DUMP
      const { keys, version } = await keyRecords(path);
      assert.equal(keys.length, dbsize);
      const c = cluster.client(cluster.masters.find((h) => h.port === m.port)!);
      for (let i = 0; i < keys.length; i += 5000) {
        const chunk = keys.slice(i, i + 5000);
        const p = c.pipeline();
        for (const k of chunk) p.dumpBuffer(k.key);
        const dumps = (await p.exec()) ?? [];
        chunk.forEach((k, j) => {
          const dump = dumps[j]![1] as Buffer | null;
          assert.ok(dump && dump.equals(dumpPayload(k.type, k.value, version)), `key ${k.key.toString()} differs from the master's DUMP`);
        });
      }
      sum += dbsize;
    }
    assert.equal(sum, total);
    assert.ok(statSync(join(dir, rdbName(masters[0]!))).size < 20 << 20, 'the old file was replaced, not overwritten in place');

    // nodes.json: parses, matches the topology, and is byte-identical to redis-cli's
    const text = readFileSync(join(dir, 'nodes.json'), 'utf8');
    const nodes = JSON.parse(text) as {
      name: string;
      host: string;
      port: number;
      replicate: string | null;
      slots: number[][];
      slots_count: number;
      flags: string;
      current_epoch: number;
    }[];
    assert.deepEqual(
      nodes.map((n) => n.name),
      topology.nodes.map((n) => n.id),
    );
    for (const [i, n] of topology.nodes.entries()) {
      const j = nodes[i]!;
      assert.equal(j.host, n.host);
      assert.equal(j.port, n.port);
      assert.equal(j.replicate, n.masterId);
      assert.equal(j.slots_count, n.slotCount);
      assert.deepEqual(
        j.slots,
        n.slots.map((r) => (r.start === r.end ? [r.start] : [r.start, r.end])),
      );
      assert.equal(j.flags, n.role === 'master' ? 'master' : 'slave');
      assert.equal(j.current_epoch, n.configEpoch);
    }
    const cliDir = newDir();
    const cli = await runRedisCli(['--cluster', 'backup', cluster.entry.addr, cliDir], { timeoutMs: 120_000 });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(text, readFileSync(join(cliDir, 'nodes.json'), 'utf8'));
    assert.deepEqual(readdirSync(cliDir).sort(), readdirSync(dir).sort());
  });

  test('diskless transfers ($EOF: framing) when asked', async () => {
    const dir = newDir();
    for (const m of cluster.masters) await cluster.client(m).config('SET', 'repl-diskless-sync', 'yes');
    const report = await runBackup({ host: cluster.entry.host, port: cluster.entry.port, dir, diskless: true });
    assert.equal(report.exitCode, 0, JSON.stringify(report.error));
    assert.deepEqual(
      report.files.map((f) => f.framing),
      ['eof', 'eof', 'eof'],
    );
    assert.equal(
      report.files.reduce((a, f) => a + f.keys, 0),
      total,
    );
    for (const f of report.files) assert.equal((await checkRdb(f.file)).code, 0);
    assert.match(
      renderEvents(report.events, renderBackupEvent)
        .map((c) => c.text)
        .join(''),
      /SYNC sent to master, writing bytes of bulk transfer until EOF marker to '.*'\nTransfer finished with success after \d+ bytes\n/,
    );
  });

  test('bad directories: a specific error, exit 1, nothing written', async () => {
    const cases: [string, RegExp][] = [[join(tmpdir(), 'rcm-no-such-dir', 'backup'), /No such file or directory/]];
    const file = join(newDir(), 'a-file');
    writeFileSync(file, 'x');
    cases.push([file, /Not a directory/]);
    let readOnly: string | undefined;
    if (process.getuid?.() !== 0) {
      readOnly = newDir();
      chmodSync(readOnly, 0o555);
      cases.push([readOnly, /Permission denied/]);
    } else if (existsSync('/sys/kernel')) {
      cases.push(['/sys/kernel', /Operation not permitted|Permission denied|Read-only file system/]);
    }
    for (const [dir, reason] of cases) {
      const res = await runRcm(['backup', cluster.entry.addr, dir]);
      assert.equal(res.code, 1, dir);
      assert.match(res.stderr, new RegExp(`Cannot write the backup into '${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': `), res.stderr);
      assert.match(res.stderr, reason);
      assert.doesNotMatch(res.stdout, /\[OK\] Backup created/);
      if (existsSync(dir) && statSync(dir).isDirectory() && dir !== '/sys/kernel') assert.deepEqual(readdirSync(dir), []);
    }
    if (readOnly) chmodSync(readOnly, 0o755);
  });
});

describe('rcm backup and restore with a password (space and %) over TLS', () => {
  test('AUTH and TLS on the raw SYNC sockets; the backup restores into the same cluster', async () => {
    const password = 'bk pw%s%d';
    const certs = makeCerts();
    const cluster = await createCluster({ masters: 3, password });
    const dir = mkdtempSync(join(tmpdir(), 'rcm-backup-tls-'));
    try {
      const route = await clusterRoute(cluster);
      const keys = await writeDataset(route, { prefix: 't:', strings: 3000, lists: 100, sets: 100, zsets: 100, hashes: 100, streams: 20 });
      const before = await snapshotKeys(route, keys);
      const maps: string[] = [];
      for (const n of cluster.nodes) maps.push('--address-map', `127.0.0.1:${n.port}=127.0.0.1:${await enableTls(cluster.client(n), certs)}`);
      const entry = maps[1]!.split('=')[1]!;
      const args = [
        '-a',
        password,
        '--no-auth-warning',
        '--tls',
        '--cacert',
        join(certs, 'ca.crt'),
        '--cert',
        join(certs, 'client.crt'),
        '--key',
        join(certs, 'client.key'),
        ...maps,
      ];
      let res = await runRcm(['backup', entry, dir, ...args]);
      assert.equal(res.code, 0, res.stdout.slice(-800) + res.stderr);
      assert.equal(readdirSync(dir).filter((f) => f.endsWith('.rdb')).length, 3);
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.rdb'))) assert.equal((await checkRdb(join(dir, f))).code, 0);
      await Promise.all(cluster.masters.map((m) => cluster.client(m).flushall()));
      res = await runRcm(['restore', entry, dir, ...args]);
      assert.equal(res.code, 0, res.stdout.slice(-800) + res.stderr);
      assert.deepEqual(diffSnapshots(before, await snapshotKeys(route, keys)), []);
    } finally {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(certs, { recursive: true, force: true });
    }
  });
});
