/**
 * `rcm info` / `rcm check` against `redis-cli --cluster info|check`, run at the
 * same moment on the same real cluster: stdout must be identical line by line,
 * stderr identical apart from rcm's own explanation lines, exit codes equal.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCluster,
  killNode,
  multipleOwners,
  openSlotBoth,
  openSlotImporting,
  openSlotMigrating,
  populate,
  runRedisCli,
  serverKinds,
  startStandalone,
  stopAllNodes,
  stopNodes,
  uncoverSlot,
  type TestCluster,
} from '../helpers/redisCluster';
import { redisCliStderr, runRcm } from '../helpers/rcm';

after(() => stopAllNodes());

async function compare(cluster: TestCluster, sub: 'info' | 'check', extra: string[] = [], addr = cluster.entry.addr) {
  const auth = cluster.password !== undefined ? ['-a', cluster.password, '--no-auth-warning'] : [];
  const [ref, ours] = await Promise.all([
    runRedisCli(['--cluster', sub, addr, ...extra], { password: cluster.password, kind: cluster.kind }),
    runRcm([sub, addr, ...extra, ...auth]),
  ]);
  // Deliberate difference: check's orphan-key lines (rcm extra, exit 1); everything else as redis-cli.
  const orphanLine = /^\[ERR\] Node \S+ holds \d+ key\(s\) in \d+ slot\(s\) it does not own \(slots [\d -]+\): no client can reach them\.$/;
  const lines = ours.stdout.split('\n');
  const orphans = sub === 'check' ? lines.filter((l) => orphanLine.test(l)) : [];
  assert.deepEqual(
    lines.filter((l) => !orphans.includes(l)),
    ref.stdout.split('\n'),
    `stdout differs.\n--- redis-cli\n${ref.stdout}\n--- rcm\n${ours.stdout}`,
  );
  assert.equal(redisCliStderr(ours.stderr), ref.stderr, 'stderr differs');
  assert.equal(ours.code, orphans.length > 0 ? 1 : ref.code, 'exit code differs');
  return { ref, ours, orphans };
}

for (const kind of serverKinds()) {
  describe(`healthy 3+3 cluster with 100k keys [${kind}]`, () => {
    let cluster: TestCluster;
    before(async () => {
      cluster = await createCluster({ kind, masters: 3, replicas: 1 });
      const perMaster = await populate(cluster, 100_000);
      assert.equal(
        Object.values(perMaster).reduce((a, b) => a + b, 0),
        100_000,
      );
    });
    after(() => cluster.stop());

    test('info is identical to redis-cli', async () => {
      const { ours } = await compare(cluster, 'info');
      // valkey-cli 9 says primaries (and replicas), redis-cli 7/8 masters (and slaves).
      assert.match(
        ours.stdout,
        new RegExp(`\\[OK\\] 100000 keys in 3 ${kind === 'valkey9' ? 'primaries' : 'masters'}\\.\\n6\\.10 keys per slot on average\\.\\n$`),
      );
      assert.equal(ours.code, 0);
    });

    test('check is identical to redis-cli and exits 0', async () => {
      const { ours } = await compare(cluster, 'check');
      assert.equal(ours.code, 0);
      assert.match(ours.stdout, /\[OK\] All 16384 slots covered\.\n$/);
      assert.equal(ours.stdout.match(/^S: /gm)?.length, 3);
    });

    test('check --cluster-search-multiple-owners is identical', async () => {
      const { ours } = await compare(cluster, 'check', ['--cluster-search-multiple-owners']);
      assert.match(ours.stdout, /\[OK\] No multiple owners found\.\n$/);
    });

    test('check from a replica entry node, and the "host port" form', async () => {
      await compare(cluster, 'check', [], cluster.replicas[0]!.addr);
      const [host, port] = [cluster.entry.host, String(cluster.entry.port)];
      const ref = await runRedisCli(['--cluster', 'check', host, port], { kind });
      const ours = await runRcm(['check', host, port]);
      assert.equal(ours.stdout, ref.stdout);
    });

    test('--json gives the topology, summary and findings as data', async () => {
      const res = await runRcm(['check', cluster.entry.addr, '--json']);
      assert.equal(res.code, 0);
      const data = JSON.parse(res.stdout);
      assert.equal(data.ok, true);
      assert.equal(data.topology.nodes.length, 6);
      assert.equal(data.summary.totalKeys, 100_000);
      assert.deepEqual(data.check.findings, []);
      const masters = data.topology.nodes.filter((n: { role: string }) => n.role === 'master');
      assert.equal(
        masters.reduce((a: number, n: { slotCount: number }) => a + n.slotCount, 0),
        16384,
      );
    });

    test('--address-map: connections go to the mapped address, listings keep the announced one', async () => {
      const maps = cluster.nodes.flatMap((n) => ['--address-map', `127.0.0.1:${n.port}=localhost:${n.port}`]);
      const ok = await runRcm(['check', cluster.entry.addr, ...maps]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, new RegExp(`127\\.0\\.0\\.1:${cluster.replicas[0]!.port}\\n`));
      const victim = cluster.replicas[0]!;
      const broken = await runRcm(['check', cluster.entry.addr, '--address-map', `127.0.0.1:${victim.port}=127.0.0.1:1`]);
      assert.match(broken.stderr, new RegExp(`Could not connect to Redis at 127\\.0\\.0\\.1:${victim.port}: Connection refused`));
      assert.equal(broken.stdout.match(/^S: /gm)?.length, 2, 'the unreachable replica is not listed');
    });
  });
}

describe('broken clusters: same output as redis-cli', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await createCluster({ masters: 3, nodeTimeout: 15000 });
    await populate(cluster, 3000);
  });
  after(() => cluster.stop());

  test('a slot left MIGRATING', async () => {
    const open = await openSlotMigrating(cluster, 100, cluster.masters[1]!);
    const { ours } = await compare(cluster, 'check');
    assert.equal(ours.code, 1);
    assert.ok(ours.stdout.includes(`[WARNING] Node ${open.owner.addr} has slots in migrating state 100.\n`));
    await cluster.client(open.owner).call('CLUSTER', 'SETSLOT', '100', 'STABLE');
  });

  test('a slot left IMPORTING', async () => {
    await openSlotImporting(cluster, 200, cluster.masters[2]!);
    const { ours } = await compare(cluster, 'check');
    assert.ok(ours.stdout.includes(`[WARNING] Node ${cluster.masters[2]!.addr} has slots in importing state 200.\n`));
    await cluster.client(cluster.masters[2]!).call('CLUSTER', 'SETSLOT', '200', 'STABLE');
  });

  test('several slots open on both sides, printed in redis-cli dict order', async () => {
    for (const slot of [400, 402]) await openSlotBoth(cluster, slot, cluster.masters[1]!);
    await openSlotImporting(cluster, 401, cluster.masters[1]!);
    const { ours } = await compare(cluster, 'check');
    assert.ok(ours.stdout.includes('[WARNING] The following slots are open: 402,400,401.\n'));
    for (const m of cluster.masters) for (const s of [400, 401, 402]) await cluster.client(m).call('CLUSTER', 'SETSLOT', String(s), 'STABLE');
  });

  test('multiple owners (only with --cluster-search-multiple-owners)', async () => {
    await multipleOwners(cluster, 300, cluster.masters[2]!);
    const plain = await compare(cluster, 'check');
    // redis-cli says OK (exit 0); rcm names the key held outside its node's slots and exits 1.
    assert.equal(plain.ref.code, 0);
    assert.equal(plain.orphans.length, 1);
    const { ours } = await compare(cluster, 'check', ['--cluster-search-multiple-owners']);
    assert.equal(ours.code, 1);
    assert.match(ours.stdout, /\[WARNING\] Slot 300 has 2 owners:\n/);
  });

  test('an uncovered slot', async () => {
    await uncoverSlot(cluster, 5000);
    const { ours } = await compare(cluster, 'check');
    assert.equal(ours.code, 1);
    // The uncovered slot's key (and slot 300's from the test before) follow as rcm's orphan lines.
    assert.match(ours.stdout, /\[ERR\] Not all 16384 slots are covered by nodes\.\n\n(\[ERR\] Node .* holds .*\n)*$/);
    await compare(cluster, 'info');
  });
});

describe('a master that is down', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await createCluster({ masters: 3, replicas: 1, nodeTimeout: 60000 });
    await populate(cluster, 3000);
  });
  after(() => cluster.stop());

  test('killed master: connection error, orphan replica warning, uncovered slots — as redis-cli', async () => {
    const victim = cluster.masters[2]!;
    await killNode(victim);
    const { ours } = await compare(cluster, 'check');
    assert.equal(ours.code, 1);
    assert.match(ours.stderr, new RegExp(`Could not connect to Redis at ${victim.addr.replace(/\./g, '\\.')}: Connection refused`));
    assert.match(ours.stdout, /claims to be slave of unknown node ID/);
    await compare(cluster, 'info');
  });
});

describe('errors: message, stream and exit code as redis-cli, plus a specific explanation', () => {
  test('unreachable port', async () => {
    const ref = await runRedisCli(['--cluster', 'check', '127.0.0.1:1']);
    const ours = await runRcm(['check', '127.0.0.1:1']);
    assert.equal(ours.code, 1);
    assert.equal(redisCliStderr(ours.stderr), ref.stderr);
    assert.match(ours.stderr, /rcm: Could not connect to 127\.0\.0\.1:1: Connection refused — nothing listens on that port/);
  });

  test('a host name that does not resolve', async () => {
    const ours = await runRcm(['check', 'no-such-host.invalid:7000']);
    assert.equal(ours.code, 1);
    assert.match(ours.stderr, /^Could not connect to Redis at no-such-host\.invalid:7000: Name or service not known\n/);
    assert.match(ours.stderr, /the host name does not resolve/);
  });

  test('a standalone (non-cluster) redis-server', async () => {
    const node = await startStandalone();
    try {
      const ref = await runRedisCli(['--cluster', 'check', node.addr]);
      const ours = await runRcm(['check', node.addr]);
      assert.equal(ours.code, 1);
      assert.equal(ours.stdout, ref.stdout);
      assert.equal(ours.stdout, `[ERR] Node ${node.addr} is not configured as a cluster node.\n`);
      assert.match(ours.stderr, /cluster_enabled:0/);
    } finally {
      await stopNodes([node]);
    }
  });

  test('requirepass cluster: no password, wrong password, right password, ACL user', async () => {
    const cluster = await createCluster({ masters: 3, password: 's3cr3t pass' });
    try {
      const none = await runRcm(['check', cluster.entry.addr]);
      assert.equal(none.code, 1);
      assert.equal(none.stdout, `[ERR] Node ${cluster.entry.addr} NOAUTH Authentication required.\n`);
      assert.match(none.stderr, /requires a password/);

      const ref = await runRedisCli(['-a', 'wrong', '--cluster', 'check', cluster.entry.addr]);
      const wrong = await runRcm(['check', cluster.entry.addr, '-a', 'wrong']);
      assert.equal(wrong.code, 1);
      assert.equal(wrong.stdout, ref.stdout);
      assert.match(wrong.stdout, /WRONGPASS/);
      assert.equal(redisCliStderr(wrong.stderr), ref.stderr);

      const right = await runRcm(['check', cluster.entry.addr, '--pass', 's3cr3t pass', '--no-auth-warning']);
      assert.equal(right.code, 0, right.stdout + right.stderr);
      const env = await runRcm(['check', cluster.entry.addr, '--user', 'default'], { env: { REDISCLI_AUTH: 's3cr3t pass' } });
      assert.equal(env.code, 0, env.stdout + env.stderr);
    } finally {
      await cluster.stop();
    }
  });

  test('argument errors as redis-cli', async () => {
    for (const args of [['check'], ['check', '127.0.0.1'], ['foo', '127.0.0.1:1'], ['check', '127.0.0.1:1', '--cluster-foo']]) {
      const ref = await runRedisCli(['--cluster', ...args]);
      const ours = await runRcm(args);
      assert.equal(ours.code, ref.code, args.join(' '));
      // redis-cli's lines, and at most one rcm: line with the reason (a bad address).
      assert.equal(redisCliStderr(ours.stderr), ref.stderr, args.join(' '));
      assert.ok(ours.stderr.split('\n').filter((l) => l.startsWith('rcm: ')).length <= 1, ours.stderr);
    }
  });
});
