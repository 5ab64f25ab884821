/**
 * Failure paths of a migration on real servers, on every kind of the matrix (legacy on redis7, the servers'
 * atomic jobs on redis8 / valkey9):
 *   - rcm killed with SIGKILL while a job runs, then `rcm resume JOURNAL`: exit 0, verified;
 *   - the target killed while a job runs, its replica taking over: rcm fails (exit ≠ 0), no key is lost,
 *     and a second run to the new master succeeds and is verified.
 * "While a job runs" is made certain by SIGSTOPping the target as soon as the job shows on the servers
 * (a slot MIGRATING for legacy, a non-final job in GETSLOTMIGRATIONS / CLUSTER MIGRATION STATUS).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import {
  cmd,
  createCluster,
  killNode,
  populate,
  redisCliCheck,
  serverKinds,
  stopAllNodes,
  waitFor,
  type NodeHandle,
  type ServerKind,
  type TestCluster,
} from '../helpers/redisCluster';
import { RCM_PATH, runRcm } from '../helpers/rcm';
import { myselfLine, parseClusterNodes } from '../helpers/clusterNodes';

after(() => stopAllNodes());

const KEYS = 50_000;
const SLOTS = '3000';

function startRcm(args: string[]): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, [RCM_PATH, ...args], { stdio: 'ignore', env: { ...process.env, TERM: 'dumb' } });
  return { child, done: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

/** Whether a migration between source and target shows on the servers right now. */
async function jobRunning(cluster: TestCluster, kind: ServerKind, source: NodeHandle, target: NodeHandle): Promise<boolean> {
  if (kind === 'valkey9') {
    const jobs = (await cmd(cluster.client(source), 'CLUSTER', 'GETSLOTMIGRATIONS')) as unknown[][];
    return jobs.some((j) => {
      const st = String(j[j.indexOf('state') + 1]);
      return !['success', 'failed', 'cancelled'].includes(st);
    });
  }
  if (kind === 'redis8') {
    const tasks = (await cmd(cluster.client(target), 'CLUSTER', 'MIGRATION', 'STATUS', 'ALL')) as unknown[][];
    return tasks.some((t) => !['completed', 'canceled', 'failed'].includes(String(t[t.indexOf('state') + 1])));
  }
  return myselfLine(parseClusterNodes(String(await cmd(cluster.client(source), 'CLUSTER', 'NODES')))).openSlots.length > 0;
}

/** Waits (1 ms polls) until the job shows, then SIGSTOPs the target so it cannot finish. */
async function freezeTargetMidJob(cluster: TestCluster, kind: ServerKind, source: NodeHandle, target: NodeHandle): Promise<void> {
  await waitFor('the migration to show on the servers', async () => (await jobRunning(cluster, kind, source, target)) || 'not yet', 30_000, 1);
  process.kill(target.pid, 'SIGSTOP');
}

async function keysPresent(cluster: TestCluster): Promise<number> {
  const client = new Cluster([{ host: cluster.entry.host, port: cluster.entry.port }], { maxRedirections: 64, enableAutoPipelining: true });
  try {
    let present = 0;
    for (let i = 0; i < KEYS; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, KEYS - i) }, (_, k) => client.exists(`key:${i + k}`));
      present += (await Promise.all(batch)).reduce((a, v) => a + Number(v), 0);
    }
    return present;
  } finally {
    client.disconnect();
  }
}

async function servedSlots(cluster: TestCluster, node: NodeHandle): Promise<number> {
  const me = myselfLine(parseClusterNodes(String(await cmd(cluster.client(node), 'CLUSTER', 'NODES'))));
  return me.slotTokens.reduce((a, t) => {
    const [x, y] = t.split('-').map(Number);
    return a + (y ?? x!) - x! + 1;
  }, 0);
}

for (const kind of serverKinds()) {
  describe(`migration failure paths on ${kind}`, () => {
    let cluster: TestCluster;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rcm-fail-'));
      cluster = await createCluster({ kind, masters: 3, replicas: 1 });
      await populate(cluster, KEYS, { valueSize: 200 });
    });
    after(async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('rcm killed mid-job, then rcm resume: done and verified', async () => {
      const [source, target] = [cluster.masters[0]!, cluster.masters[1]!];
      const [from, to] = await Promise.all([cluster.nodeId(source), cluster.nodeId(target)]);
      const before = await servedSlots(cluster, target);
      const journal = join(dir, 'killed.jsonl');
      const run = startRcm([
        'reshard',
        cluster.entry.addr,
        '--cluster-from',
        from,
        '--cluster-to',
        to,
        '--cluster-slots',
        SLOTS,
        '--cluster-yes',
        '--journal',
        journal,
      ]);
      try {
        await freezeTargetMidJob(cluster, kind, source, target);
        run.child.kill('SIGKILL');
        await run.done;
      } finally {
        process.kill(target.pid, 'SIGCONT');
      }
      const res = await runRcm(['resume', journal], { timeoutMs: 120_000 });
      assert.equal(res.code, 0, res.stdout.slice(-1000) + res.stderr);
      assert.equal(await servedSlots(cluster, target), before + Number(SLOTS));
      await cluster.waitHealthy();
      assert.equal(await keysPresent(cluster), KEYS);
      assert.equal((await redisCliCheck(cluster.entry.addr, { kind })).code, 0);
    });

    // A run whose target was killed once never ended on redis7 (issue #12): finishTimedOut, after the MIGRATE
    // to the dying target failed, leaked its connection to the source, and that idle socket kept rcm alive
    // (test/integration/deadNode.test.ts). The 2-minute kill stays as a guard.
    test('target killed mid-job, its replica takes over: rcm fails, no key lost; a second run succeeds', async () => {
      const [source, target] = [cluster.masters[1]!, cluster.masters[2]!];
      const replica = cluster.replicas.find((r) => cluster.masterOf(r) === target)!;
      const [from, to] = await Promise.all([cluster.nodeId(source), cluster.nodeId(target)]);
      const run = startRcm([
        'reshard',
        cluster.entry.addr,
        '--cluster-from',
        from,
        '--cluster-to',
        to,
        '--cluster-slots',
        SLOTS,
        '--cluster-yes',
        '--cluster-timeout',
        '5000',
      ]);
      await freezeTargetMidJob(cluster, kind, source, target);
      await killNode(target);
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        run.done,
        new Promise<'hung'>((res) => {
          timer = setTimeout(() => res('hung'), 120_000);
        }),
      ]);
      clearTimeout(timer);
      if (code === 'hung') run.child.kill('SIGKILL');
      assert.notEqual(code, 'hung', 'rcm must end within 2 minutes of its target dying');
      assert.notEqual(code, 0, 'rcm must not report a run whose target died as done');
      await waitFor(
        'the replica to take over',
        async () => {
          const me = myselfLine(parseClusterNodes(String(await cmd(cluster.client(replica), 'CLUSTER', 'NODES'))));
          return me.flags.includes('master') || me.flags.join(',');
        },
        30_000,
      );
      const deadId = await cluster.nodeId(target);
      for (const n of cluster.liveNodes()) await cmd(cluster.client(n), 'CLUSTER', 'FORGET', deadId);
      // Whatever was left open is closed by fix (legacy); the atomic servers roll back themselves.
      const fix = await runRcm(['fix', cluster.entry.addr, '--cluster-yes'], { timeoutMs: 120_000 });
      assert.equal(fix.code, 0, fix.stdout.slice(-1500) + fix.stderr);
      await cluster.waitHealthy();
      assert.equal(await keysPresent(cluster), KEYS, 'no key lost');
      const newId = await cluster.nodeId(replica);
      const before = await servedSlots(cluster, replica);
      const again = await runRcm(['reshard', cluster.entry.addr, '--cluster-from', from, '--cluster-to', newId, '--cluster-slots', '1000', '--cluster-yes'], {
        timeoutMs: 120_000,
      });
      assert.equal(again.code, 0, again.stdout.slice(-1000) + again.stderr);
      assert.equal(await servedSlots(cluster, replica), before + 1000);
      assert.equal(await keysPresent(cluster), KEYS);
      assert.equal((await redisCliCheck(cluster.entry.addr, { kind })).code, 0);
    });
  });
}
