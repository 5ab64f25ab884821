/**
 * Benchmark (not a test): moving the same SLOTS slots back and forth between two masters of a 3-master
 * cluster of one server kind, by every way there is, side by side in one run:
 *   rcm (auto: server-side atomic when the pair can), rcm --migration-strategy legacy,
 *   valkey9: valkey-cli --cluster reshard --cluster-use-atomic-slot-migration (and plain valkey-cli reshard),
 *   redis8:  redis-cli 8 --cluster reshard, and one raw CLUSTER MIGRATION IMPORT of the ranges (polled).
 * Each way moves the slots A→B then B→A; every move is checked (all keys still in the cluster, the
 * target serves the slots). Prints seconds, keys/s and each way's ratio to rcm's.
 * Usage: npm run bench:atomic -- valkey9|redis8|redis7   Env: BENCH_KEYS (default 1000000), BENCH_SLOTS (1000), BENCH_VALUE (100),
 * BENCH_WAYS (only the ways whose name contains one of these comma-separated words), BENCH_ROUNDS (1: back-and-forth
 * rounds per way), RCM_PROFILE=1 (rcm's runs are profiled, src/cli/profile.ts: the medians of their phases are printed;
 * BENCH_PROFILE_LINES=1 prints every run's profile too).
 */
import { performance } from 'node:perf_hooks';
import { cmd, createCluster, populate, runRedisCli, stopAllNodes, type ServerKind, type TestCluster } from '../test/helpers/redisCluster';
import { runRcm } from '../test/helpers/rcm';
import type { CliResult } from '../test/helpers/redisCli';
import { median } from './runs';

const KIND = (process.argv[2] ?? process.env.BENCH_KIND ?? 'valkey9') as ServerKind;
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 1000);
const VALUE = Number(process.env.BENCH_VALUE ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const ONLY = (process.env.BENCH_WAYS ?? '').split(',').filter(Boolean);

interface Way {
  readonly name: string;
  move(fromId: string, toId: string, slots: readonly number[]): Promise<CliResult>;
}

async function ownSlots(cluster: TestCluster, index: number): Promise<number[]> {
  const reply = (await cmd(cluster.client(cluster.masters[index]!), 'CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
  const id = await cluster.nodeId(cluster.masters[index]!);
  return reply
    .filter((r) => r[2][2] === id)
    .flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i))
    .sort((x, y) => x - y);
}

async function keysIn(cluster: TestCluster, index: number, slots: readonly number[]): Promise<number> {
  const p = cluster.client(cluster.masters[index]!).pipeline();
  for (const s of slots) p.call('CLUSTER', 'COUNTKEYSINSLOT', s);
  return ((await p.exec()) ?? []).reduce((a, [, v]) => a + Number(v), 0);
}

async function totalKeys(cluster: TestCluster): Promise<number> {
  return (await Promise.all(cluster.masters.map(async (m) => Number(await cmd(cluster.client(m), 'DBSIZE'))))).reduce((a, b) => a + b, 0);
}

function ranges(slots: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < slots.length; i++) {
    let j = i;
    while (j + 1 < slots.length && slots[j + 1] === slots[j]! + 1) j++;
    out.push(slots[i]!, slots[j]!);
    i = j;
  }
  return out;
}

/** One raw Redis 8 job: IMPORT on the target, STATUS polled every millisecond until completed. */
async function rawImport(cluster: TestCluster, toIndex: number, slots: readonly number[]): Promise<CliResult> {
  const c = cluster.client(cluster.masters[toIndex]!);
  const id = String(await cmd(c, 'CLUSTER', 'MIGRATION', 'IMPORT', ...ranges(slots)));
  for (;;) {
    const reply = (await cmd(c, 'CLUSTER', 'MIGRATION', 'STATUS', 'ID', id)) as unknown[][];
    const state = String(reply[0]?.[reply[0].indexOf('state') + 1]);
    if (state === 'completed') return { code: 0, stdout: '', stderr: '' };
    if (state === 'canceled') return { code: 1, stdout: '', stderr: `task ${id} ${state}` };
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** One rcm run's phases, ms, from its RCM_PROFILE lines (src/cli/profile.ts): null without a profile. */
interface Phases {
  readonly startup: number;
  readonly beforeChange: number;
  readonly job: number;
  readonly verify: number;
  readonly exit: number;
}

function phasesOf(stderr: string): Phases | null {
  const marks = stderr
    .split('\n')
    .filter((l) => l.startsWith('rcm: profile'))
    .map((l) => /^rcm: profile\s+([\d.]+) ms\s+\+\s*-?[\d.]+ ms\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ at: Number(m[1]), phase: m[2]! }));
  const at = (re: RegExp): number | undefined => marks.find((m) => re.test(m.phase))?.at;
  const [started, accepted, done, verified, exited] = [
    at(/^cli: Node started/),
    at(/ accepted$/),
    at(/^job poll: (success|completed)$/),
    at(/verified on the target$/),
    at(/^process exit$/),
  ];
  if ([started, accepted, done, verified, exited].some((x) => x === undefined)) return null;
  return { startup: started!, beforeChange: accepted! - started!, job: done! - accepted!, verify: verified! - done!, exit: exited! - verified! };
}

async function main(): Promise<void> {
  console.log(`${KIND}: 3 masters, ${KEYS} keys of ${VALUE} bytes; ${SLOTS} slots back and forth between two masters`);
  const cluster = await createCluster({ kind: KIND, masters: 3 });
  try {
    const t0 = performance.now();
    await populate(cluster, KEYS, { valueSize: VALUE, batchSize: 5000 });
    console.log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const ids = await Promise.all(cluster.masters.map((m) => cluster.nodeId(m)));
    const addr = cluster.entry.addr;
    const reshardArgs = (from: string, to: string) => [
      '--cluster',
      'reshard',
      addr,
      '--cluster-from',
      from,
      '--cluster-to',
      to,
      '--cluster-slots',
      String(SLOTS),
      '--cluster-yes',
    ];
    const rcmArgs = (from: string, to: string) => reshardArgs(from, to).slice(1);
    const cli = (args: string[]) => runRedisCli(args, { kind: KIND, timeoutMs: 3_600_000 });
    const ways: Way[] = [
      { name: 'rcm (auto)', move: (f, t) => runRcm(rcmArgs(f, t), { timeoutMs: 3_600_000 }) },
      { name: 'rcm legacy', move: (f, t) => runRcm([...rcmArgs(f, t), '--migration-strategy', 'legacy'], { timeoutMs: 3_600_000 }) },
    ];
    if (KIND === 'valkey9') {
      ways.push({ name: 'valkey-cli atomic reshard', move: (f, t) => cli([...reshardArgs(f, t), '--cluster-use-atomic-slot-migration']) });
      ways.push({ name: 'valkey-cli reshard', move: (f, t) => cli(reshardArgs(f, t)) });
    } else {
      ways.push({ name: `${KIND === 'redis8' ? 'redis-cli 8' : 'redis-cli 7'} reshard`, move: (f, t) => cli(reshardArgs(f, t)) });
    }
    if (KIND === 'redis8') {
      ways.push({ name: 'raw CLUSTER MIGRATION IMPORT', move: (f, _t, slots) => rawImport(cluster, ids.indexOf(f) === 0 ? 1 : 0, slots) });
    }

    const results: { name: string; secs: number; keys: number }[] = [];
    const profiles: Phases[] = [];
    for (const way of ways.filter((w) => ONLY.length === 0 || ONLY.some((o) => w.name.includes(o)))) {
      let secs = 0;
      let keys = 0;
      const legs = Array.from({ length: ROUNDS }, () => [
        [0, 1],
        [1, 0],
      ]).flat() as [number, number][];
      for (const [from, to] of legs) {
        // A→B takes A's first SLOTS slots; B→A takes B's first SLOTS slots: the same ones coming back.
        const slots = (await ownSlots(cluster, from)).slice(0, SLOTS);
        const t = performance.now();
        const res = await way.move(ids[from]!, ids[to]!, slots);
        const s = (performance.now() - t) / 1000;
        if (res.code !== 0) throw new Error(`${way.name} failed (${res.code}):\n${res.stdout.slice(-1500)}\n${res.stderr}`);
        const owned = new Set(await ownSlots(cluster, to));
        const missing = slots.filter((x) => !owned.has(x));
        if (missing.length > 0) throw new Error(`${way.name}: ${missing.length} slots not on the target after it exited`);
        const k = await keysIn(cluster, to, slots);
        const total = await totalKeys(cluster);
        if (total !== KEYS) throw new Error(`${way.name}: ${total} keys in the cluster, expected ${KEYS}`);
        secs += s;
        keys += k;
        const phases = way.name === 'rcm (auto)' ? phasesOf(res.stderr) : null;
        if (phases) profiles.push(phases);
        if (process.env.BENCH_PROFILE_LINES) {
          for (const line of res.stderr.split('\n')) if (line.startsWith('rcm: profile')) console.log(`      ${line.slice('rcm: profile'.length)}`);
        }
        console.log(
          `  ${way.name.padEnd(30)} ${from}->${to} ${s.toFixed(3).padStart(8)} s ${String(k).padStart(8)} keys ${Math.round(k / s)
            .toString()
            .padStart(9)} keys/s`,
        );
      }
      results.push({ name: way.name, secs, keys });
    }
    if (profiles.length > 0) {
      const m = (k: keyof Phases) => median(profiles.map((p) => p[k])).toFixed(1);
      console.log(
        `\nrcm (auto), median of ${profiles.length} profiled runs (ms): Node start-up and bundle ${m('startup')}, loads + guard + counts to the job's start ${m('beforeChange')}, ` +
          `server job (accepted -> done) ${m('job')}, verification (target owns, source empty, counts) ${m('verify')}, to exit ${m('exit')}; ` +
          `rcm's migration phase (job start -> verified) ${median(profiles.map((p) => p.job + p.verify)).toFixed(1)}`,
      );
    }
    const ours = results[0]!;
    console.log(`\n${KIND}, ${SLOTS} slots x2 (${ours.keys} keys moved per way in total):`);
    for (const r of results) {
      console.log(
        `${r.name.padEnd(30)} ${r.secs.toFixed(3).padStart(8)} s ${Math.round(r.keys / r.secs)
          .toString()
          .padStart(9)} keys/s   rcm is ${(r.secs / ours.secs).toFixed(2)}x as fast`,
      );
    }
  } finally {
    await cluster.stop();
    await stopAllNodes();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
