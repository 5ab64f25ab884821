/**
 * Fault suite (issue #10): bounded trials on a real 3+3 cluster, each with a
 * writer child process recording acknowledged writes (test/helpers/ackWriter.ts).
 * After every trial: 0 acked writes lost (and the pre-loaded keys intact),
 * all slots covered, no slot open, 0 keys in slots their node does not own,
 * and every exit status honest (0 only when the work is done and verified).
 *
 * Random points come from a seeded generator; the seed is printed
 * (RCM_FAULT_SEED=N replays a run). Per-scenario counts and the time per kind are printed at the end.
 *
 * Every scenario runs on every server kind of the matrix (test/helpers/serverKinds.ts, RCM_SERVER_KINDS),
 * with rcm's default strategy there: SETSLOT + MIGRATE on redis7, the servers' atomic slot migration on
 * redis8 / valkey9; "MIGRATE revoked mid-run" is legacy-only (it says why). Measured on the shared 2-core
 * machine: redis7 134 s (load average 10) to 258 s (load 12-13), redis8 59-81 s, valkey9 83 s (load 9-11).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology, type Topology } from '../../src/engine';
import { killWriters, startAckWriter, verifyAcked, type WriterResult } from '../helpers/ackWriter';
import {
  cmd,
  createCluster,
  currentPid,
  keySlot,
  killNode,
  populate,
  redisCliCheck,
  restartNode,
  serverKinds,
  stopAllNodes,
  waitFor,
  type NodeHandle,
  type ServerKind,
  type TestCluster,
} from '../helpers/redisCluster';
import { RCM_PATH, runRcm } from '../helpers/rcm';
import type { CliResult } from '../helpers/redisCli';
import { rng } from '../helpers/rng';

after(() => stopAllNodes());
after(() => killWriters());

const SEED = Number(process.env.RCM_FAULT_SEED ?? Date.now() % 1_000_000_007);
const KEYS = 20_000;
console.log(`# fault suite seed ${SEED} (replay with RCM_FAULT_SEED=${SEED})`);

for (const kind of serverKinds()) describe(`fault suite [${kind}]`, () => faultSuite(kind));

/**
 * The suite on one server kind, with what rcm does by default there: the classic protocol (SETSLOT +
 * MIGRATE) on redis7, the servers' own atomic slot migration on redis8 / valkey9 (one server job per
 * source/target pair: its journal shows one window record when the job starts and one done record at its end).
 */
function faultSuite(kind: ServerKind): void {
  const atomic = kind !== 'redis7';
  /** The journal record after which a trial strikes: a window done (legacy), the server job started (atomic: done only at its end). */
  const STRIKE_RECORD = atomic ? '"t":"window"' : '"t":"done"';
  let cluster: TestCluster;
  let dir: string;
  const results: { scenario: string; trials: number; passed: number; notes: string[] }[] = [];

  const random = rng(SEED);

  const started = Date.now();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rcm-faults-'));
    cluster = await createCluster({ kind, masters: 3, replicas: 1 });
    await populate(cluster, KEYS);
  });
  after(async () => {
    for (const r of results)
      console.log(`# faults [${kind}]: ${r.scenario}: ${r.passed}/${r.trials} trials passed${r.notes.length ? ` (${r.notes.join('; ')})` : ''}`);
    console.log(`# faults [${kind}]: ${Math.round((Date.now() - started) / 1000)} s in all`);
    await cluster.stop();
    if (process.env.RCM_FAULT_KEEP) console.log(`# kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  function record(scenario: string): { trial(): void; pass(): void; note(s: string): void } {
    const r = { scenario, trials: 0, passed: 0, notes: [] as string[] };
    results.push(r);
    return {
      trial: () => {
        r.trials++;
      },
      pass: () => {
        r.passed++;
      },
      note: (s) => {
        r.notes.push(s);
      },
    };
  }

  const handleAt = (host: string, port: number): NodeHandle | undefined => cluster.nodes.find((n) => n.host === host && n.port === port);

  /** The live topology, read from any live master. */
  async function topology(searchMultipleOwners = false): Promise<Topology> {
    let last: unknown;
    for (const h of cluster.liveNodes()) {
      try {
        const t = await loadTopology(h.host, h.port, { searchMultipleOwners });
        if (t.nodes.find((n) => n.host === h.host && n.port === h.port)?.role === 'master') return t;
      } catch (e) {
        last = e;
      }
    }
    throw new Error(`no live master answers: ${String(last)}`);
  }

  async function mastersNow(): Promise<{ id: string; addr: string; handle: NodeHandle }[]> {
    const t = await topology();
    return t.nodes.filter((n) => n.role === 'master').map((n) => ({ id: n.id, addr: `${n.host}:${n.port}`, handle: handleAt(n.host, n.port)! }));
  }

  /** Every acked write and pre-loaded key readable from its slot's owner; covered, closed, no orphan keys. */
  async function verifyCluster(label: string, writer: WriterResult): Promise<void> {
    await cluster.waitHealthy(30_000);
    const t = await topology(true);
    const masters = t.nodes.filter((n) => n.role === 'master');
    const covered = masters.reduce((a, n) => a + n.slotCount, 0);
    assert.equal(covered, 16384, `${label}: ${covered} slots covered`);
    const open = masters.flatMap((n) => [...n.migrating, ...n.importing].map((o) => `${n.port}:${o.slot}`));
    assert.deepEqual(open, [], `${label}: open slots`);
    const orphans = (t.foreignKeys ?? []).reduce((a, f) => a + f.keys, 0);
    assert.equal(orphans, 0, `${label}: ${orphans} keys held in slots their node does not own: ${JSON.stringify(t.foreignKeys?.slice(0, 5))}`);
    const owner = new Array<{ host: string; port: number }>(16384);
    for (const n of masters) for (const r of n.slots) for (let s = r.start; s <= r.end; s++) owner[s] = n;
    const preloaded = Array.from({ length: KEYS }, (_, i) => [`key:${i}`, `value:${i}`] as const);
    const bad = await verifyAcked((s) => owner[s]!, [...preloaded, ...writer.acked]);
    if (bad.length > 0) {
      // Where are the missing keys? (diagnostics for the failure message)
      const where = await Promise.all(
        bad.slice(0, 3).map(async (b) => {
          const key = b.split(' ')[0]!;
          const found = await Promise.all(
            cluster.liveNodes().map(async (h) => `${h.port}:${String(await cmd(cluster.client(h), 'EXISTS', key).catch((e: Error) => e.message))}`),
          );
          return `${key} slot ${keySlot(key)}: ${found.join(' ')}`;
        }),
      );
      console.log(`# ${label}: ${where.join(' | ')}\n# masters: ${masters.map((n) => `${n.port} ${n.id.slice(0, 8)} ${JSON.stringify(n.slots)}`).join(' ; ')}`);
    }
    assert.deepEqual(bad.slice(0, 10), [], `${label}: ${bad.length} acked writes lost or unreachable (of ${writer.acked.length} acked + ${KEYS} pre-loaded)`);
    const check = await redisCliCheck(`${masters[0]!.host}:${masters[0]!.port}`, { kind });
    assert.equal(check.code, 0, `${label}: redis-cli --cluster check\n${check.stdout}`);
  }

  function journalState(path: string): { plan: boolean; ended: boolean; finished: boolean } {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    return { plan: text.includes('"t":"plan"'), ended: text.includes('"t":"end"'), finished: text.includes('"t":"end","status":"done"') };
  }

  /** An rcm process; `kill` SIGKILLs it. A run still going after `deadlineMs` is killed and fails the trial. */
  function rcmProcess(args: readonly string[], deadlineMs = 60_000): { done: Promise<CliResult & { signal: NodeJS.Signals | null }>; kill(): void } {
    const child = spawn(process.execPath, [RCM_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TERM: 'dumb' } });
    let overdue = false;
    const deadline = setTimeout(() => {
      overdue = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) => {
      child.on('exit', (code, signal) => {
        clearTimeout(deadline);
        if (overdue) stderr += `\n(the test killed rcm ${args[0]} after ${deadlineMs} ms: it hung)`;
        resolve({ code: code ?? -1, stdout, stderr, signal: overdue ? null : signal });
      });
    });
    return { done, kill: () => child.kill('SIGKILL') };
  }

  const reshard = (entry: string, from: string, to: string, slots: number, journal: string, extra: string[] = []) => [
    'reshard',
    entry,
    '--cluster-from',
    from,
    '--cluster-to',
    to,
    '--cluster-slots',
    String(slots),
    '--cluster-yes',
    '--journal',
    journal,
    ...extra,
  ];

  /** Finishes an interrupted run the way an operator would; the result must be exit 0. */
  async function finish(journal: string, entry: string, how: 'resume' | 'fix'): Promise<void> {
    const st = journalState(journal);
    if (!st.plan || (st.finished && how === 'resume')) {
      const fix = await runRcm(['fix', entry, '--cluster-yes'], { timeoutMs: 60_000 });
      assert.equal(fix.code, 0, `fix: ${fix.stdout.slice(-800)}\n${fix.stderr}`);
      return;
    }
    const t0 = Date.now();
    const res =
      how === 'resume' ? await runRcm(['resume', journal], { timeoutMs: 60_000 }) : await runRcm(['fix', entry, '--cluster-yes'], { timeoutMs: 60_000 });
    console.log(`# ${how} ${journal}: exit ${res.code} in ${Date.now() - t0} ms: ${res.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    if (process.env.RCM_FAULT_DEBUG) appendFileSync(process.env.RCM_FAULT_DEBUG, `--- ${how} stdout\n${res.stdout}\n--- ${how} stderr\n${res.stderr}\n`);
    assert.equal(res.code, 0, `${how}: ${res.stdout.slice(-800)}\n${res.stderr}`);
  }

  test('kill -9 of rcm at random points, then resume or fix', async () => {
    const r = record('kill -9 of rcm');
    for (let trial = 0; trial < 4; trial++) {
      const t0 = Date.now();
      r.trial();
      const m = await mastersNow();
      const from = m[trial % 3]!;
      const to = m[(trial + 1) % 3]!;
      // Odd trials take from both other masters: two pairs into one target, moving at the same time (legacy).
      const sources = trial % 2 === 1 ? `${from.id},${m[(trial + 2) % 3]!.id}` : from.id;
      const journal = join(dir, `kill-rcm-${trial}.jsonl`);
      const writer = await startAckWriter(
        m.map((x) => x.addr),
        join(dir, `w-kill-rcm-${trial}.json`),
        `kr${trial}`,
      );
      // Legacy: a delay from the start (the run takes seconds). Atomic: the server job of 1,200 slots takes a
      // fraction of a second, so the kill comes a short delay after the job's window record (as crash.test.ts).
      const delay = atomic ? Math.floor(random() * 40) : 80 + Math.floor(random() * 900);
      const run = rcmProcess(reshard(from.addr, sources, to.id, 1200, journal, ['--cluster-pipeline', '50']));
      let timer: NodeJS.Timeout | undefined;
      if (!atomic) timer = setTimeout(() => run.kill(), delay);
      else
        void waitFor('the server job to start', () => (existsSync(journal) && readFileSync(journal, 'utf8').includes(STRIKE_RECORD)) || 'not yet', 30_000, 1)
          .catch(() => undefined)
          .then(() => {
            timer = setTimeout(() => run.kill(), delay);
          });
      const res = await run.done;
      clearTimeout(timer);
      if (res.signal === 'SIGKILL') {
        if (process.env.RCM_FAULT_DEBUG) {
          const views = await Promise.all(
            cluster.liveNodes().map(
              async (h) =>
                `${h.port}\n${String(await cmd(cluster.client(h), 'CLUSTER', 'NODES'))}${String(await cmd(cluster.client(h), 'CLUSTER', 'INFO'))
                  .split('\r\n')
                  .filter((l) => /epoch/.test(l))
                  .join(' ')}\n`,
            ),
          );
          appendFileSync(
            process.env.RCM_FAULT_DEBUG,
            `=== trial ${trial} after kill (delay ${delay})\n${views.join('\n')}\n--- rcm stdout\n${res.stdout.slice(-4000)}\n--- rcm stderr\n${res.stderr}\n`,
          );
        }
        await finish(journal, from.addr, trial % 2 === 0 ? 'resume' : 'fix');
      } else {
        assert.equal(res.code, 0, `trial ${trial}: rcm was not killed (delay ${delay} ms) and failed: ${res.stderr}`);
        r.note(`trial ${trial} finished before its kill at ${delay} ms`);
      }
      const tVerify = Date.now();
      await verifyCluster(`kill-rcm trial ${trial} (delay ${delay} ms)`, await writer.stop());
      console.log(`# kill-rcm trial ${trial}: ${Date.now() - t0} ms (verify ${Date.now() - tVerify} ms)`);
      r.pass();
    }
  });

  /**
   * Waits until a replica of `deadId` owns slots as a master in the view of most live masters (the failover is done).
   * Not "cluster_state ok everywhere": a target importing a slot from the dead master keeps it as owner (Redis never
   * updates an importing slot from gossip) and stays cluster_state:fail until resume re-points that slot.
   */
  async function waitPromoted(deadId: string, replicaIds: readonly string[], stopped: NodeHandle): Promise<void> {
    await waitFor(
      `a replica to take over from ${deadId.slice(0, 8)}`,
      async () => {
        const views = await Promise.all(
          cluster
            .liveNodes()
            .filter((h) => h !== stopped)
            .map(async (h) => String(await cmd(cluster.client(h), 'CLUSTER', 'NODES'))),
        );
        const masters = views.filter((v) => v.split('\n').some((l) => l.includes('myself,master')));
        const promoted = masters.filter((v) =>
          v.split('\n').some((l) => replicaIds.some((r) => l.startsWith(r)) && l.split(' ')[2]!.includes('master') && l.split(' ').length > 8),
        );
        if (promoted.length * 2 <= masters.length) return `a promoted replica owns slots in ${promoted.length} of ${masters.length} masters' views`;
        return true;
      },
      40_000,
      200,
    ).catch(async (e: Error) => {
      const views = await Promise.all(
        cluster
          .liveNodes()
          .filter((h) => h !== stopped)
          .map(
            async (h) =>
              `${h.port}: ${String(await cmd(cluster.client(h), 'CLUSTER', 'INFO')).match(/cluster_state:\w+/)?.[0]}\n${String(await cmd(cluster.client(h), 'CLUSTER', 'NODES'))}`,
          ),
      );
      const logs = cluster.nodes.map((h) => {
        try {
          return `--- ${h.port}\n${readFileSync(join(h.dir, 'redis.log'), 'utf8').split('\n').slice(-12).join('\n')}`;
        } catch {
          return '';
        }
      });
      throw new Error(`${e.message}\n${views.join('\n')}\n${logs.join('\n')}`);
    });
  }

  type Master = Awaited<ReturnType<typeof mastersNow>>[number];

  /**
   * The trial's master (trial % 3) when it owns at least `min` slots, else the one owning the most: earlier trials
   * leave the layout uneven (once a master held 461 slots).
   */
  function sourceIndex(m: readonly Master[], layout: Topology, trial: number, min: number): number {
    const owned = m.map((x) => layout.nodes.find((n) => n.id === x.id)?.slotCount ?? 0);
    return owned[trial % 3]! >= min ? trial % 3 : owned.indexOf(Math.max(...owned));
  }

  /** Source, target and entry of a failover trial, the side that fails and its replicas. */
  async function pickPair(
    trial: number,
    side: 'source' | 'target',
  ): Promise<{ from: Master; to: Master; entry: Master; victim: Master; replicaIds: string[] }> {
    const m = await mastersNow();
    // The source must own the 2,000 slots the run moves.
    let layout = await topology();
    const first = sourceIndex(m, layout, trial, 2500);
    const from = m[first]!;
    const to = m[(first + 1) % 3]!;
    const entry = m[(first + 2) % 3]!;
    const victim = side === 'source' ? from : to;
    const replicasOf = (t: Topology): string[] => t.nodes.filter((n) => n.masterId === victim.id).map((n) => n.id);
    // An old master of an earlier trial turns replica at once in its own view; the others learn it by gossip (once,
    // on Redis 7.0, the node loaded here did not list it yet).
    await waitFor(
      `a replica of ${victim.addr} to be listed`,
      async () => {
        if (replicasOf(layout).length > 0) return true;
        layout = await topology();
        return replicasOf(layout).length > 0 || 'none yet';
      },
      15_000,
      100,
    ).catch(() => undefined); // the assertion below names what is missing
    const replicaIds = replicasOf(layout);
    assert.ok(replicaIds.length > 0, `trial ${trial}: ${victim.addr} has a replica`);
    return { from, to, entry, victim, replicaIds };
  }

  /** kill -9 (or SIGSTOP) of one side of a running reshard, replica takeover, old master back, then resume. */
  async function failoverTrial(r: ReturnType<typeof record>, trial: number, side: 'source' | 'target', how: 'kill' | 'stop'): Promise<void> {
    const dbg = (s: string): void => {
      if (process.env.RCM_FAULT_DEBUG) appendFileSync(process.env.RCM_FAULT_DEBUG, `${new Date().toISOString()} ${s}\n`);
    };
    const snap = async (label: string, skip?: NodeHandle): Promise<void> => {
      if (!process.env.RCM_FAULT_DEBUG) return;
      const nodes = await Promise.all(
        cluster
          .liveNodes()
          .filter((h) => h !== skip)
          .map(async (h) => {
            const c = cluster.client(h);
            const all = Array.from({ length: 16384 }, (_, s) => s);
            const counts = await c.pipeline(all.map((s) => ['cluster', 'countkeysinslot', String(s)])).exec();
            const nz: Record<number, number> = {};
            counts!.forEach(([, v], s) => {
              if (Number(v) > 0) nz[s] = Number(v);
            });
            const me = String(await cmd(c, 'CLUSTER', 'NODES'))
              .split('\n')
              .find((l) => l.includes('myself'));
            const repl = String(await cmd(c, 'INFO', 'replication'))
              .split('\r\n')
              .filter((l) => /offset|role|slave0/.test(l))
              .join(' ');
            return { port: h.port, me, repl, nz };
          }),
      );
      appendFileSync(`${process.env.RCM_FAULT_DEBUG}.snap`, `${JSON.stringify({ label, at: new Date().toISOString(), nodes })}\n`);
    };
    r.trial();
    const { from, to, entry, victim, replicaIds } = await pickPair(trial, side);
    const journal = join(dir, `${how}-${side}-${trial}.jsonl`);
    const writer = await startAckWriter([entry.addr], join(dir, `w-${how}-${side}-${trial}.json`), `${how[0]}${side[0]}${trial}`, 1);
    dbg(`writer started; victim ${victim.addr}`);
    await snap('baseline');
    // Legacy: a failing target imports from two sources at once (two pairs sharing it run together). The atomic
    // kinds keep one server job (their pairs run one at a time anyway): with a second job into a frozen Redis 8
    // target, its old master once stayed master after SIGCONT (left alone, see the closing note).
    const sources = side === 'target' && !atomic ? `${from.id},${entry.id}` : from.id;
    const run = rcmProcess(reshard(entry.addr, sources, to.id, 2000, journal, ['--cluster-pipeline', '20', '--cluster-timeout', '3000']));
    // Strike once some windows are done, at a random point after that.
    await waitFor('the reshard to be under way', () => readFileSync(journal, 'utf8').includes(STRIKE_RECORD) || 'not yet', 20_000, 2).catch(() => undefined);
    await new Promise((res) => setTimeout(res, Math.floor(random() * (atomic ? 20 : 150))));
    dbg('striking');
    try {
      if (how === 'kill') await killNode(victim.handle);
      else process.kill(currentPid(victim.handle), 'SIGSTOP');
      dbg('struck');
      await waitPromoted(victim.id, replicaIds, victim.handle);
      await snap('promoted', victim.handle);
    } catch (e) {
      run.kill(); // never leave a run going into the next trial
      throw e;
    } finally {
      if (how === 'stop') process.kill(currentPid(victim.handle), 'SIGCONT');
    }
    dbg('promoted');
    const res = await run.done;
    await snap('rcm-done');
    dbg(`rcm done ${res.code}\n${res.stdout.slice(-3000)}\n${res.stderr}`);
    console.log(`# ${how} ${side} trial ${trial}: rcm exit ${res.code}: ${res.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    if (how === 'kill') await restartNode(victim.handle);
    // The old master back (empty after kill -9: no persistence) must turn replica of the promoted one before anything runs.
    await waitFor(
      `${victim.addr} to rejoin as a replica`,
      async () => {
        const role = (await cmd(cluster.client(victim.handle), 'ROLE')) as unknown[];
        return role[0] === 'slave' || `role ${String(role[0])}`;
      },
      30_000,
      100,
    );
    dbg('rejoined');
    await snap('rejoined');
    const st = journalState(journal);
    if (res.code === 0) {
      r.note(`trial ${trial}: the run finished (exit 0) through the ${how} of its ${side}`);
    } else if (st.finished) {
      // Every move done and verified, but the nodes still disagreed after the settle time: exit 1, naming it.
      assert.match(res.stderr, /the moves are done and verified, but the cluster check after them still finds problems/, res.stderr);
      r.note(`trial ${trial}: the moves finished; the check after them still found problems (exit 1)`);
    } else {
      assert.ok(res.stderr.includes('rcm resume') || res.stderr.includes('rcm fix'), `trial ${trial}: a failed run says how to finish:\n${res.stderr}`);
      assert.ok(st.plan, `trial ${trial}: journal has its plan`);
      if (how === 'stop') {
        // After a frozen target's takeover the promoted replica reported cluster_state:fail for seconds in about 1
        // trial of 4 on Redis 7.0 (every slot covered), and resume's MIGRATE met CLUSTERDOWN; resume now waits for
        // cluster_state:ok first (ops/applyPlan.ts movesClusterOk: 0 of 10 fell back since). Should it still
        // happen, the operator does what the message says: fix, then resume (counted in the notes).
        const resumed = await runRcm(['resume', journal], { timeoutMs: 60_000 });
        console.log(`# resume ${journal}: exit ${resumed.code}: ${resumed.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
        if (resumed.code !== 0) {
          assert.match(resumed.stderr, /CLUSTERDOWN/, `resume: ${resumed.stdout.slice(-800)}\n${resumed.stderr}`);
          r.note(`trial ${trial}: resume met CLUSTERDOWN, finished with fix + resume`);
          await finish(journal, entry.addr, 'fix');
          if (!journalState(journal).finished) await finish(journal, entry.addr, 'resume');
        }
      } else {
        await finish(journal, entry.addr, 'resume');
      }
    }
    await snap('finished');
    await verifyCluster(`${how} ${side} trial ${trial}`, await writer.stop());
    r.pass();
  }

  test('kill -9 of the source, then of the target, mid-reshard: replica takes over, old master back, resume completes', async () => {
    const src = record('kill -9 of the source (failover, old master back)');
    await failoverTrial(src, 0, 'source', 'kill');
    const dst = record('kill -9 of the target (failover, old master back)');
    await failoverTrial(dst, 1, 'target', 'kill');
  });

  test('two concurrent runs from two processes: at most one moves, the other is refused naming the holder', async () => {
    const r = record('two concurrent runs');
    for (let trial = 0; trial < 3; trial++) {
      r.trial();
      const m = await mastersNow();
      // Each run moves 1,000 slots from `from`, and both may run, one after the other (once its master held only
      // 1,834: the second run was refused for the 834 left).
      const first = sourceIndex(m, await topology(), trial, 2000);
      const from = m[first]!;
      const writer = await startAckWriter(
        m.map((x) => x.addr),
        join(dir, `w-two-${trial}.json`),
        `two${trial}`,
      );
      const runs = [1, 2].map((k) => rcmProcess(reshard(from.addr, from.id, m[(first + k) % 3]!.id, 1000, join(dir, `two-${trial}-${k}.jsonl`))));
      const out = await Promise.all(runs.map((x) => x.done));
      const ok = out.filter((o) => o.code === 0).length;
      // A refused run names the holder of the lease, an open slot, or (when the other run ended between this one's
      // plan and its lease) its plan gone stale: validated under the lease, it moves nothing then.
      for (const o of out) {
        if (o.code !== 0)
          assert.match(
            o.stderr + o.stdout,
            /Another run is changing this cluster|is open on|Please fix your cluster problems|the cluster changed since the plan was made/,
            `trial ${trial}: a refused run says why`,
          );
      }
      if (ok === 2) r.note(`trial ${trial}: both ran, one after the other`);
      if (ok === 0) r.note(`trial ${trial}: both refused (each saw the other)`);
      await verifyCluster(`two runs trial ${trial}`, await writer.stop());
      // Whatever got refused or interrupted leaves nothing open; the cluster is whole.
      r.pass();
    }
  });

  test('an ACL user without MIGRATE: refused before any change, cluster unchanged', async () => {
    const r = record('ACL user without MIGRATE');
    r.trial();
    for (const h of cluster.liveNodes()) await cmd(cluster.client(h), 'ACL', 'SETUSER', 'faultnomig', 'on', '>pw', '~*', '&*', '+@all', '-migrate');
    const m = await mastersNow();
    const layout = async () =>
      JSON.stringify(
        (await topology()).nodes
          .filter((n) => n.role === 'master')
          .map((n) => [n.id, n.slots, n.migrating, n.importing])
          .sort(),
      );
    const before = await layout();
    const writer = await startAckWriter(
      m.map((x) => x.addr),
      join(dir, 'w-acl.json'),
      'acl',
    );
    const res = await runRcm([
      ...reshard(m[0]!.addr, m[0]!.id, m[1]!.id, 500, join(dir, 'acl.jsonl')),
      '--user',
      'faultnomig',
      '--pass',
      'pw',
      '--no-auth-warning',
    ]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(res.stderr, /may not run MIGRATE on .*nothing was changed/);
    assert.equal(await layout(), before);
    await verifyCluster('acl', await writer.stop());
    r.pass();
  });

  // Legacy only: on redis8 / valkey9 rcm's default is the servers' atomic migration, where rcm sends no MIGRATE
  // during the move (the servers move the keys over their own link), so revoking the user's MIGRATE mid-run
  // changes nothing there. (A user without MIGRATE from the start is refused on every kind: preflight asks for
  // MIGRATE too, which resume and fix may need.)
  const legacyOnly = atomic ? { skip: `${kind}: rcm moves with the server's atomic migration, which sends no MIGRATE from rcm` } : {};
  test('MIGRATE revoked from the user mid-run: only the slots in flight stay open, the message says how to finish', legacyOnly, async () => {
    const r = record('MIGRATE revoked mid-run');
    r.trial();
    const user = ['faultmid', 'on', '>pw', '~*', '&*', '+@all'];
    for (const h of cluster.liveNodes()) await cmd(cluster.client(h), 'ACL', 'SETUSER', ...user);
    const m = await mastersNow();
    const journal = join(dir, 'revoked.jsonl');
    const writer = await startAckWriter(
      m.map((x) => x.addr),
      join(dir, 'w-revoked.json'),
      'rev',
    );
    const run = rcmProcess([...reshard(m[0]!.addr, m[0]!.id, m[1]!.id, 1000, journal), '--user', 'faultmid', '--pass', 'pw', '--no-auth-warning']);
    // Once keys of the second window have reached the target, so the failure lands mid-window.
    const secondWindow = (): number[] | undefined => {
      const windows = (existsSync(journal) ? readFileSync(journal, 'utf8') : '').split('\n').filter((l) => l.includes('"t":"window"'));
      return windows[1] ? (JSON.parse(windows[1]) as { slots: number[] }).slots : undefined;
    };
    const target = cluster.client(m[1]!.handle);
    await waitFor(
      'keys of the second window on the target',
      async () => {
        const slots = secondWindow();
        if (!slots) return 'the second window has not started';
        const counts = await target.pipeline(slots.map((s) => ['cluster', 'countkeysinslot', String(s)])).exec();
        const arrived = counts!.filter(([, v]) => Number(v) > 0).length;
        return arrived >= 3 || `${arrived} of its slots have keys on the target`;
      },
      30_000,
      1,
    );
    for (const h of cluster.liveNodes()) await cmd(cluster.client(h), 'ACL', 'SETUSER', 'faultmid', '-migrate');
    const res = await run.done;
    const t = await topology();
    const open = t.nodes.filter((n) => n.role === 'master').flatMap((n) => [...n.migrating, ...n.importing].map((o) => o.slot));
    const openSlots = [...new Set(open)];
    console.log(
      `# revoked mid-run: rcm exit ${res.code}, ${openSlots.length} slot(s) left open (${openSlots.join(' ')}): ${res.stderr.trim().split('\n').slice(-1)[0]}`,
    );
    if (res.code === 0) {
      r.note('the run finished before MIGRATE was revoked');
    } else {
      assert.match(res.stderr, /NOPERM/, res.stderr);
      assert.match(res.stderr, /rcm resume/, 'the failure says how to finish');
      // One slot per MIGRATE worker at most holds keys rcm moved (exec/keyMover.ts MIGRATE_CONCURRENCY = 2); a whole
      // window (128) before. Other open slots may hold only keys the writer created on the target through ASK
      // (the slot was MIGRATING): those cannot go back without MIGRATE either, and stay open too.
      const targetClient = cluster.client(m[1]!.handle);
      const moved = [];
      for (const slot of openSlots) {
        const keys = (await cmd(targetClient, 'CLUSTER', 'GETKEYSINSLOT', slot, 1000)) as string[];
        if (keys.some((k) => k.startsWith('key:'))) moved.push(slot);
      }
      assert.ok(moved.length <= 2, `only the slots in flight stay open with keys rcm moved, not ${moved.length}: ${moved.slice(0, 10).join(', ')}`);
      for (const h of cluster.liveNodes()) await cmd(cluster.client(h), 'ACL', 'SETUSER', 'faultmid', '+migrate');
      const resumed = await runRcm(['resume', journal, '--user', 'faultmid', '--pass', 'pw', '--no-auth-warning'], { timeoutMs: 60_000 });
      assert.equal(resumed.code, 0, `resume: ${resumed.stdout.slice(-800)}\n${resumed.stderr}`);
    }
    await verifyCluster('revoked mid-run', await writer.stop());
    r.pass();
  });

  // The target frozen past node-timeout lost keys in about one run in two (issue #10): MIGRATE deletes the
  // source's copies once the target says OK, the target was frozen before its replication stream left, and
  // its replica took over without them (traced with RCM_FAULT_DEBUG: a slot at 0 keys on both the source and
  // the promoted replica right after the takeover). The key mover now copies, waits for a replica of the
  // target, then deletes (exec/keyMover.ts migrateKeys, exec/durability.ts).
  test('SIGSTOP of the target past node-timeout, then SIGCONT: resume completes', async () => {
    await failoverTrial(record('SIGSTOP of the target past node-timeout'), 2, 'target', 'stop');
  });

  /** rcm's bound on a silent node in the frozen trial (--command-timeout, seconds) and the exit it must meet. */
  const FROZEN_COMMAND_TIMEOUT_S = 3;
  const FROZEN_EXIT_BOUND_MS = 30_000;

  // A node frozen by SIGSTOP still accepts connections and commands (the kernel does), so rcm once waited for it
  // forever. Now every connection has a command deadline (src/engine/io/commandDeadline.ts): the target frozen
  // and NOT continued while rcm runs makes rcm exit non-zero within a bound, saying how to finish.
  test('SIGSTOP of the target, not continued while rcm runs: rcm exits non-zero in bounded time; after SIGCONT resume completes', async () => {
    const r = record('SIGSTOP of the target, not continued until rcm exits');
    r.trial();
    const { from, to, entry, replicaIds } = await pickPair(3, 'target');
    const journal = join(dir, 'frozen-target.jsonl');
    const writer = await startAckWriter([entry.addr], join(dir, 'w-frozen-target.json'), 'ft', 1);
    const run = rcmProcess(
      reshard(entry.addr, from.id, to.id, 2000, journal, [
        '--cluster-pipeline',
        '20',
        '--cluster-timeout',
        '3000',
        '--command-timeout',
        String(FROZEN_COMMAND_TIMEOUT_S),
      ]),
      FROZEN_EXIT_BOUND_MS + 30_000,
    );
    await waitFor('the reshard to be under way', () => readFileSync(journal, 'utf8').includes(STRIKE_RECORD) || 'not yet', 20_000, 2).catch(() => undefined);
    const pid = currentPid(to.handle);
    process.kill(pid, 'SIGSTOP');
    const frozenAt = Date.now();
    let res: Awaited<typeof run.done>;
    let exitMs: number;
    try {
      [res] = await Promise.all([run.done.then((x) => ((exitMs = Date.now() - frozenAt), x)), waitPromoted(to.id, replicaIds, to.handle)]);
    } catch (e) {
      run.kill();
      throw e;
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    console.log(`# frozen target: rcm exit ${res.code} ${exitMs!} ms after SIGSTOP: ${res.stderr.trim().split('\n').slice(-2).join(' / ')}`);
    assert.ok(exitMs! < FROZEN_EXIT_BOUND_MS, `rcm exited ${exitMs!} ms after its target froze (bound ${FROZEN_EXIT_BOUND_MS} ms):\n${res.stderr}`);
    assert.notEqual(res.code, 0, `a run whose target froze is not done:\n${res.stdout.slice(-800)}\n${res.stderr}`);
    assert.match(res.stderr, /did not answer within/, res.stderr);
    const last = res.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(last, /rcm resume|rcm fix/, `the last line says how to finish:\n${res.stderr}`);
    await waitFor(
      `${to.addr} to rejoin as a replica`,
      async () => {
        const role = (await cmd(cluster.client(to.handle), 'ROLE')) as unknown[];
        return role[0] === 'slave' || `role ${String(role[0])}`;
      },
      30_000,
      100,
    );
    if (!journalState(journal).plan) await finish(journal, entry.addr, 'fix');
    else await finish(journal, entry.addr, 'resume');
    await verifyCluster('frozen target, not continued', await writer.stop());
    r.pass();
  });
}
