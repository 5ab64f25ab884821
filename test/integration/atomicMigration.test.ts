/**
 * Reshards on every server kind of the matrix (serverKinds()): three back-and-forth moves of 1000 slots,
 * each verified at the moment rcm exits (the target serves every slot, every key is there, the kind's own
 * CLI's check is clean), plus the protocol rcm chose for the pair in --json. RCM_ATOMIC_KEYS sets the keys
 * (default 100k; the closing note of issue #12 used 1M).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cmd, createCluster, populate, redisCliCheck, serverKinds, stopAllNodes, type ServerKind, type TestCluster } from '../helpers/redisCluster';
import { runRcm } from '../helpers/rcm';
import { myselfLine, parseClusterNodes } from '../helpers/clusterNodes';

after(() => stopAllNodes());

const KEYS = Number(process.env.RCM_ATOMIC_KEYS ?? 100_000);
const EXPECTED: Record<ServerKind, string> = { redis7: 'legacy', redis8: 'redis-atomic', valkey9: 'valkey-atomic' };

async function ownedSlots(cluster: TestCluster, index: number): Promise<Set<number>> {
  const me = myselfLine(parseClusterNodes(String(await cmd(cluster.client(cluster.masters[index]!), 'CLUSTER', 'NODES'))));
  const out = new Set<number>();
  for (const t of me.slotTokens) {
    const [a, b] = t.split('-').map(Number);
    for (let s = a!; s <= (b ?? a!); s++) out.add(s);
  }
  return out;
}

async function dbsizes(cluster: TestCluster): Promise<number[]> {
  return Promise.all(cluster.masters.map(async (m) => Number(await cmd(cluster.client(m), 'DBSIZE'))));
}

for (const kind of serverKinds()) {
  describe(`reshard back and forth on ${kind}`, () => {
    let cluster: TestCluster;
    let ids: string[];
    before(async () => {
      cluster = await createCluster({ kind, masters: 3 });
      await populate(cluster, KEYS);
      ids = await Promise.all(cluster.masters.map((m) => cluster.nodeId(m)));
    });
    after(() => cluster.stop());

    for (let round = 1; round <= 3; round++) {
      test(`round ${round}: 1000 slots to the second master and back, verified when rcm exits`, async () => {
        for (const [from, to] of [
          [0, 1],
          [1, 0],
        ] as const) {
          const slotsBefore = await ownedSlots(cluster, from);
          const res = await runRcm(
            ['reshard', cluster.entry.addr, '--cluster-from', ids[from]!, '--cluster-to', ids[to]!, '--cluster-slots', '1000', '--cluster-yes', '--json'],
            { timeoutMs: 300_000 },
          );
          assert.equal(res.code, 0, res.stdout.slice(-1500) + res.stderr);
          // At the moment rcm exits: the target serves every moved slot, the source none, every key is there.
          const [fromAfter, toAfter] = await Promise.all([ownedSlots(cluster, from), ownedSlots(cluster, to)]);
          const moved = [...slotsBefore].filter((s) => !fromAfter.has(s));
          assert.equal(moved.length, 1000);
          assert.deepEqual(
            moved.filter((s) => !toAfter.has(s)),
            [],
            'the target serves every moved slot',
          );
          const sizes = await dbsizes(cluster);
          assert.equal(
            sizes.reduce((a, b) => a + b, 0),
            KEYS,
            `every key is there (${sizes.join(', ')})`,
          );
          const json = JSON.parse(res.stdout.slice(res.stdout.indexOf('{\n'))) as { strategies: { strategy: string }[]; mismatches: number };
          assert.deepEqual(
            json.strategies.map((s) => s.strategy),
            [EXPECTED[kind]],
          );
          assert.equal(json.mismatches, 0);
          const check = await redisCliCheck(cluster.entry.addr, { kind });
          assert.equal(check.code, 0, check.stdout);
        }
      });
    }
  });
}
