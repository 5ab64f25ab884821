/**
 * `rcm restore` into a real cluster with a different slot layout (4 masters
 * instead of 3): every key and value equal to the source cluster's, TTLs
 * kept, function libraries loaded; existing keys left alone (or replaced with
 * --cluster-replace); a backup made by `redis-cli --cluster backup`; expired
 * keys, other databases and module values skipped; missing, incomplete,
 * truncated and corrupt backups refused before anything is written.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Crc64 } from '../../src/engine/data/crc64';
import { createCluster, runRedisCli, stopAllNodes, type TestCluster } from '../helpers/redisCluster';
import { clusterRoute, diffSnapshots, snapshotKeys, writeDataset } from '../helpers/dataset';
import { runRcm } from '../helpers/rcm';

after(() => stopAllNodes());

const LIBRARY = "#!lua name=rcmlib\nredis.register_function('rcm_answer', function() return 42 end)";

async function clusterSize(cluster: TestCluster): Promise<number> {
  let n = 0;
  for (const m of cluster.masters) n += Number(await cluster.client(m).dbsize());
  return n;
}

async function emptyCluster(cluster: TestCluster): Promise<void> {
  await Promise.all(
    cluster.masters.map(async (m) => {
      await cluster.client(m).flushall();
      await cluster.client(m).call('FUNCTION', 'FLUSH');
    }),
  );
}

describe('rcm restore', () => {
  let source: TestCluster;
  let target: TestCluster;
  let keys: string[];
  let ours: string;
  let theirs: string;
  const dirs: string[] = [];
  const newDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'rcm-restore-'));
    dirs.push(d);
    return d;
  };

  before(async () => {
    [source, target] = await Promise.all([createCluster({ masters: 3 }), createCluster({ masters: 4 })]);
    keys = await writeDataset(await clusterRoute(source), {
      prefix: 'r:',
      strings: 80_000,
      lists: 5_000,
      sets: 5_000,
      zsets: 5_000,
      hashes: 5_000,
      streams: 500,
    });
    for (const m of source.masters) await source.client(m).call('FUNCTION', 'LOAD', LIBRARY);
    ours = newDir();
    theirs = newDir();
    const res = await runRcm(['backup', source.entry.addr, ours], { timeoutMs: 120_000 });
    assert.equal(res.code, 0, res.stderr);
    const cli = await runRedisCli(['--cluster', 'backup', source.entry.addr, theirs], { timeoutMs: 120_000 });
    assert.equal(cli.code, 0, cli.stderr);
  });
  after(async () => {
    await Promise.all([source.stop(), target.stop()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function assertSameData(): Promise<void> {
    const [a, b] = await Promise.all([snapshotKeys(await clusterRoute(source), keys), snapshotKeys(await clusterRoute(target), keys)]);
    assert.deepEqual(diffSnapshots(a, b), []);
    assert.equal(await clusterSize(target), keys.length);
  }

  test('our backup into 4 masters: every key and value equal, TTLs kept, the function library on every master', async () => {
    const res = await runRcm(['restore', target.entry.addr, ours, '--verbose'], { timeoutMs: 120_000 });
    assert.equal(res.code, 0, res.stdout.slice(-1500) + res.stderr);
    assert.equal(res.stdout.split('\n')[0], `>>> Restoring the backup in ${ours} into cluster ${target.entry.addr}`);
    assert.equal(res.stdout.match(/^>>> .*redis-node-.*\.rdb: \d+ keys, \d+ bytes, checksum ok$/gm)?.length, 3);
    assert.match(res.stdout, new RegExp(`\\[OK\\] Restored ${keys.length} keys from 3 RDB file\\(s\\) in `));
    assert.match(res.stdout, />>> Function libraries: 1 in the backup, loaded 4 time\(s\) on 4 master\(s\)\.\n/);
    assert.match(res.stderr, new RegExp(`rcm: restored ${keys.length} keys in `));
    await assertSameData();
    for (const m of target.masters) assert.equal(await target.client(m).call('FCALL', 'rcm_answer', 0), 42);
    process.stderr.write(`# ${res.stderr.trim()}\n`);
  });

  test('again: existing keys are reported and left untouched; with --cluster-replace (confirmed) they are overwritten', async () => {
    const route = await clusterRoute(target);
    const changed = [keys[5]!, keys[81_000]!, keys[keys.length - 1]!];
    for (const k of changed) {
      await route(k).del(k);
      await route(k).set(k, 'changed in the target');
    }
    let res = await runRcm(['restore', target.entry.addr, ours], { timeoutMs: 120_000 });
    assert.equal(res.code, 0, res.stdout.slice(-1500) + res.stderr);
    assert.match(
      res.stdout,
      new RegExp(`\\*\\*\\* ${keys.length} key\\(s\\) already exist in the cluster and were left untouched \\(use --cluster-replace to overwrite them\\): `),
    );
    assert.match(res.stdout, /\[OK\] Restored 0 keys /);
    assert.match(res.stdout, /loaded 0 time\(s\) on 4 master\(s\), 4 already present \(left untouched\)/);
    for (const k of changed) assert.equal(await route(k).get(k), 'changed in the target');
    res = await runRcm(['restore', target.entry.addr, ours, '--cluster-replace'], { input: 'no\n' });
    assert.equal(res.code, 1, res.stdout.slice(-1500) + res.stderr);
    assert.match(
      res.stdout,
      new RegExp(
        `The cluster already holds ${keys.length} keys; with --cluster-replace every key of the backup that exists there will be overwritten\\. Restore\\? \\(type 'yes' to accept\\): \\*\\*\\* Restore not confirmed: nothing was written\\.\\n`,
      ),
    );
    for (const k of changed) assert.equal(await route(k).get(k), 'changed in the target');
    res = await runRcm(['restore', target.entry.addr, ours, '--cluster-replace', '--cluster-yes'], { timeoutMs: 120_000 });
    assert.equal(res.code, 0, res.stdout.slice(-1500) + res.stderr);
    assert.match(res.stdout, new RegExp(`\\[OK\\] Restored ${keys.length} keys `));
    await assertSameData();
  });

  test('a backup made by redis-cli --cluster backup', async () => {
    await emptyCluster(target);
    const res = await runRcm(['restore', target.entry.addr, theirs], { timeoutMs: 120_000 });
    assert.equal(res.code, 0, res.stdout.slice(-1500) + res.stderr);
    await assertSameData();
    assert.equal(await target.client(target.masters[3]!).call('FCALL', 'rcm_answer', 0), 42);
  });

  test('expired keys, other databases and module values are skipped, with warnings', async () => {
    await emptyCluster(target);
    const dir = newDir();
    const str = (s: string): Buffer => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)]);
    const ms = (v: number): Buffer => {
      const o = Buffer.alloc(9);
      o[0] = 0xfc;
      o.writeBigInt64LE(BigInt(v), 1);
      return o;
    };
    const moduleValue = Buffer.concat([Buffer.from([0x81]), Buffer.from('1234567890abcdef', 'hex'), Buffer.from([0])]);
    const body = Buffer.concat([
      Buffer.from('REDIS0010'),
      Buffer.from([0xfe, 0]),
      Buffer.from([0]),
      str('kept'),
      str('value'),
      ms(Date.now() + 600_000),
      Buffer.from([0]),
      str('kept-ttl'),
      str('value'),
      ms(1000),
      Buffer.from([0]),
      str('expired'),
      str('value'),
      Buffer.from([7]),
      str('mod-key'),
      moduleValue,
      Buffer.from([0xfe, 3]),
      Buffer.from([0]),
      str('db3-key'),
      str('value'),
      Buffer.from([0xff]),
    ]);
    const crc = Buffer.alloc(8);
    new Crc64().update(body).writeLE(crc, 0);
    writeFileSync(join(dir, 'redis-node-127.0.0.1-1-abc.rdb'), Buffer.concat([body, crc]));
    const res = await runRcm(['restore', target.entry.addr, dir]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /nodes\.json is missing: restoring every RDB file of the directory \(1\)/);
    assert.match(res.stdout, /\*\*\* Skipping key mod-key: a value of module type '\S{9}' cannot be restored without the module\.\n/);
    assert.match(res.stdout, /\*\*\* Skipping keys of database 3: a cluster has only database 0\.\n/);
    assert.match(res.stdout, /\*\*\* 1 key\(s\) had expired and were not restored\.\n/);
    assert.match(res.stdout, /\[OK\] Restored 2 keys /);
    assert.equal(await clusterSize(target), 2);
    const route = await clusterRoute(target);
    assert.ok((await route('kept-ttl').pttl('kept-ttl')) > 500_000);
  });

  test('a backup in a newer RDB format than the cluster reads: refused with the reason, nothing written', async () => {
    await emptyCluster(target);
    const dir = newDir();
    const body = Buffer.concat([
      Buffer.from('REDIS0011'),
      Buffer.from([0xfe, 0, 0, 1]),
      Buffer.from('k'),
      Buffer.from([1]),
      Buffer.from('v'),
      Buffer.from([0xff]),
    ]);
    const crc = Buffer.alloc(8);
    new Crc64().update(body).writeLE(crc, 0);
    writeFileSync(join(dir, 'redis-node-127.0.0.1-1-abc.rdb'), Buffer.concat([body, crc]));
    const res = await runRcm(['restore', target.entry.addr, dir]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(
      res.stderr,
      /RESTORE of key k on \S+ failed: ERR DUMP payload version or checksum are wrong \(the backup is in RDB format version 11: a server older than the one that wrote it cannot load it\)/,
    );
    assert.equal(await clusterSize(target), 0);
  });

  test('bad backups: missing directory, missing RDB file, truncated and corrupt RDB: a specific error and nothing written', async () => {
    await emptyCluster(target);
    const copy = (): { dir: string; rdb: string } => {
      const dir = newDir();
      cpSync(ours, dir, { recursive: true });
      return {
        dir,
        rdb: join(
          dir,
          readdirSync(dir)
            .filter((f) => f.endsWith('.rdb'))
            .sort()[1]!,
        ),
      };
    };
    const truncated = copy();
    truncateSync(truncated.rdb, Math.floor(statSync(truncated.rdb).size / 2));
    const corrupt = copy();
    const bytes = readFileSync(corrupt.rdb);
    bytes[Math.floor(bytes.length / 3)] ^= 0x10;
    writeFileSync(corrupt.rdb, bytes);
    const incomplete = copy();
    rmSync(incomplete.rdb);
    const cases: [string, RegExp][] = [
      [join(tmpdir(), 'rcm-no-such-backup'), /The backup directory '.*rcm-no-such-backup' cannot be read: No such file or directory\./],
      [incomplete.dir, /The backup is incomplete: .*nodes\.json lists master .* but redis-node-.*\.rdb is not in/],
      [truncated.dir, /redis-node-.*\.rdb is not a valid RDB file \(truncated at byte \d+\): .*truncated.*Nothing was restored\./],
      [corrupt.dir, /redis-node-.*\.rdb is not a valid RDB file \((checksum|corrupt|unsupported|truncated) at byte \d+\)/],
    ];
    for (const [dir, message] of cases) {
      const res = await runRcm(['restore', target.entry.addr, dir]);
      assert.equal(res.code, 1, `${dir}: ${res.stdout.slice(-500)}${res.stderr}`);
      assert.match(res.stdout + res.stderr, message);
      assert.doesNotMatch(res.stdout, /\[OK\] Restored/);
      assert.equal(await clusterSize(target), 0, dir);
    }
  });
});
