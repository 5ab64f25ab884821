/**
 * The drop-in contract (issue #13): every subcommand, on success and on a
 * typical failure, against a real cluster, compared with the oracle CLI
 * (the harness's runRedisCli: redis-cli 7.0 today) run on the same or an
 * identical cluster. On success stdout, stderr and the exit status are the
 * oracle's; on failure stdout and the oracle's stderr lines are the oracle's,
 * and rcm adds at most one `rcm:` line. rcm's own apply/resume follow rcm's
 * rules: nothing on stderr on success (extras only with --verbose), exactly
 * one `rcm:` line on failure. Normalised only: node ids and addresses of
 * nodes that must differ, the join-wait dots (rcm polls faster), the order of
 * import's per-key lines (rcm moves keys in batches per master) and backup
 * directories.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookup } from 'node:dns/promises';
import { Redis } from 'ioredis';
import {
  createCluster,
  keyInSlot,
  openSlotMigrating,
  populate,
  runRedisCli,
  slotOwner,
  slotSignature,
  startNodes,
  startStandalone,
  stopAllNodes,
  stopNodes,
  waitFor,
  type CliResult,
  type NodeHandle,
  type TestCluster,
} from '../helpers/redisCluster';
import { redisCliStderr, reshardArgs, runRcm } from '../helpers/rcm';
import { myIdOf, nodeCall, nodesOf, normalizeAddresses } from '../helpers/topologyOps';
import { allocatePortPair } from '../helpers/ports';

after(() => stopAllNodes());

const rcmLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('rcm: '));

/** Both streams and the exit status are the oracle's. */
function assertSame(ours: CliResult, ref: CliResult, what: string, norm: (s: string) => string = (s) => s): void {
  assert.equal(norm(ours.stdout), norm(ref.stdout), `${what}: stdout differs\n--- oracle\n${ref.stdout}${ref.stderr}\n--- rcm\n${ours.stdout}${ours.stderr}`);
  assert.equal(norm(ours.stderr), norm(ref.stderr), `${what}: stderr differs\n--- oracle\n${ref.stderr}\n--- rcm\n${ours.stderr}`);
  assert.equal(ours.code, ref.code, `${what}: exit status`);
}

/** A failure: the oracle's stdout and stderr lines, its exit status, and at most one `rcm:` line of ours. */
function assertFailsAlike(ours: CliResult, ref: CliResult, what: string, norm: (s: string) => string = (s) => s): void {
  assert.notEqual(ref.code, 0, `${what}: the oracle should fail`);
  assert.equal(ours.code, ref.code, `${what}: exit status\n${ours.stdout}${ours.stderr}`);
  assert.equal(norm(ours.stdout), norm(ref.stdout), `${what}: stdout differs\n--- oracle\n${ref.stdout}\n--- rcm\n${ours.stdout}`);
  assert.equal(norm(redisCliStderr(ours.stderr)), norm(ref.stderr), `${what}: stderr differs\n--- oracle\n${ref.stderr}\n--- rcm\n${ours.stderr}`);
  assert.ok(rcmLines(ours.stderr).length <= 1, `${what}: more than one rcm: line\n${ours.stderr}`);
  assert.doesNotMatch(ours.stderr, /^\s+at /m, `${what}: a stack trace`);
}

/** rcm's own rule for a failure: exit 1, exactly one `rcm:` line, no stack trace. */
function assertOneLineFailure(ours: CliResult, what: string, expected: RegExp): void {
  assert.equal(ours.code, 1, `${what}: exit status\n${ours.stdout}${ours.stderr}`);
  const lines = rcmLines(ours.stderr);
  assert.equal(lines.length, 1, `${what}: want one rcm: line\n${ours.stderr}`);
  assert.match(lines[0]!, expected, what);
  assert.doesNotMatch(ours.stderr, /^\s+at /m, `${what}: a stack trace`);
}

/** Node ids replaced by their order of appearance (for clusters of different nodes). */
function normalizeIds(text: string): string {
  const seen = new Map<string, string>();
  return text.replace(/\b[0-9a-f]{40}\b/g, (id) => {
    if (!seen.has(id)) seen.set(id, `<id${seen.size}>`);
    return seen.get(id)!;
  });
}

/**
 * Listings of nodes in the order of their (random) ids sorted, for clusters of
 * different nodes: consecutive `M:`/`S:` blocks are sorted.
 */
function sortNodeBlocks(text: string): string {
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    out.push(...run.sort());
    run = [];
  };
  for (const line of text.split('\n')) {
    if (/^(M|S): /.test(line)) run.push(line);
    else if (run.length && line.startsWith('   ')) run[run.length - 1] += `\n${line}`;
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}

const oracle = (args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> =>
  runRedisCli(['--cluster', ...args], { timeoutMs: 60_000, ...opts });

async function deadAddress(): Promise<string> {
  const { port } = await allocatePortPair();
  return `127.0.0.1:${port}`;
}

describe('the drop-in contract on a 3-master cluster', () => {
  let cluster: TestCluster;
  let ids: string[];
  let entry: string;
  let dead: string;
  let work: string;

  before(async () => {
    cluster = await createCluster({ masters: 3 });
    await populate(cluster, 300);
    ids = await Promise.all(cluster.masters.map((m) => cluster.nodeId(m)));
    entry = cluster.entry.addr;
    dead = await deadAddress();
    work = mkdtempSync(join(tmpdir(), 'rcm-contract-'));
  });
  after(async () => {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const signature = async (): Promise<string> => slotSignature(await nodesOf(cluster.entry));
  /** A reshard of `slots` slots between the masters at indexes `from` and `to`, answering yes. */
  const reshard = (from: number, to: number, slots: number, ...extra: string[]): string[] => reshardArgs(entry, ids[from]!, ids[to]!, slots, ...extra);

  test('info, check, call: identical on success and on a refused connection', async () => {
    for (const args of [
      ['info', entry],
      ['check', entry],
      ['check', ...entry.split(':')],
      ['call', entry, 'DBSIZE'],
      ['call', entry, 'GET', 'nokey', '--cluster-only-masters'],
    ]) {
      assertSame(await runRcm(args), await oracle(args), args.join(' '));
    }
    for (const args of [
      ['info', dead],
      ['check', dead],
      ['call', dead, 'PING'],
    ]) {
      assertFailsAlike(await runRcm(args), await oracle(args), args.join(' '));
    }
  });

  test('set-timeout: identical on success; too low a value refused alike; junk refused by rcm before anything changes', async () => {
    assertSame(await runRcm(['set-timeout', entry, '3000']), await oracle(['set-timeout', entry, '3000']), 'set-timeout');
    assertFailsAlike(await runRcm(['set-timeout', entry, '50']), await oracle(['set-timeout', entry, '50']), 'set-timeout 50');
    for (const junk of ['15000x', 'abc', '1.5e4', '']) {
      const res = await runRcm(['set-timeout', entry, junk]);
      assertOneLineFailure(res, `set-timeout "${junk}"`, /set-timeout milliseconds must be a whole number from 100 to 2147483647/);
      assert.equal(res.stdout, '', 'nothing was done');
    }
    for (const n of cluster.nodes) assert.deepEqual(await nodeCall(n, 'CONFIG', 'GET', 'cluster-node-timeout'), ['cluster-node-timeout', '3000']);
    await runRcm(['set-timeout', entry, '2000']);
  });

  test('set-timeout where CONFIG REWRITE fails: in effect, not persisted, exit 0 and a warning (redis-cli: ERR lines)', async () => {
    for (const n of cluster.nodes) await nodeCall(n, 'ACL', 'SETUSER', 'norewrite', 'on', '>pw', '~*', '&*', '+@all', '-config|rewrite');
    const args = ['set-timeout', entry, '2500', '--user', 'norewrite', '-a', 'pw', '--no-auth-warning'];
    const [ref, ours] = [await oracle(args), await runRcm(args)];
    assert.equal(ref.code, 0);
    assert.match(ref.stdout, />>> New node timeout set\. 0 OK, 3 ERR\.\n$/, 'redis-cli counts them as errors');
    assert.equal(ours.code, 0, ours.stdout + ours.stderr);
    assert.equal(ours.stderr, '');
    for (const n of cluster.masters) assert.ok(ours.stdout.includes(`*** New timeout set for ${n.addr} (in effect, not persisted: NOPERM`), ours.stdout);
    assert.match(ours.stdout, />>> New node timeout set\. 3 OK, 0 ERR\.\n\*\*\* 3 node\(s\) could not save the new timeout to a config file/);
    for (const n of cluster.nodes) assert.deepEqual(await nodeCall(n, 'CONFIG', 'GET', 'cluster-node-timeout'), ['cluster-node-timeout', '2500']);
    for (const n of cluster.nodes) await nodeCall(n, 'ACL', 'DELUSER', 'norewrite');
    await runRcm(['set-timeout', entry, '2000']);
  });

  test('reshard and rebalance: identical output on the same cluster state; extras only with --verbose', async () => {
    const reshard = (from: string, to: string, extra: string[] = []) => [
      'reshard',
      entry,
      '--cluster-from',
      from,
      '--cluster-to',
      to,
      '--cluster-slots',
      '1000',
      '--cluster-yes',
      ...extra,
    ];
    const start = await signature();
    const ref = await oracle(reshard(ids[0]!, ids[1]!));
    assert.equal(ref.code, 0, ref.stdout + ref.stderr);
    // The slots taken are the source's lowest: moving them back restores the state exactly.
    assert.equal((await runRcm(reshard(ids[1]!, ids[0]!))).code, 0);
    assert.equal(await signature(), start);
    assertSame(await runRcm(reshard(ids[0]!, ids[1]!)), ref, 'reshard');

    // A rebalance's result is its fixed point: from there, moving A's lowest slots to C and
    // rebalancing moves exactly those back (C gives its lowest), so both CLIs start alike.
    assert.equal((await runRcm(['rebalance', entry])).code, 0);
    const balanced = await signature();
    const ours = await runRcm(reshard(ids[0]!, ids[2]!));
    assert.equal(ours.code, 0);
    const refRebalance = await oracle(['rebalance', entry]);
    assert.equal(refRebalance.code, 0, refRebalance.stdout + refRebalance.stderr);
    assert.equal(await signature(), balanced);
    const verbose = await runRcm(reshard(ids[0]!, ids[2]!, ['--verbose']));
    assert.equal(verbose.code, 0);
    assert.equal(verbose.stdout, ours.stdout);
    // The journal first, the summary last (the pace lines of --verbose may come between).
    assert.match(
      verbose.stderr,
      /^rcm: journal \S+\.jsonl\n(rcm: (?:pace: |\S+ -> \S+: strategy ).*\n)*rcm: moved 1000 slots and \d+ keys in .*key counts verified\.\n$/,
    );
    assertSame(await runRcm(['rebalance', entry]), refRebalance, 'rebalance');
    assert.equal(await signature(), balanced);

    const json = await runRcm(reshard(ids[0]!, ids[2]!, ['--json']));
    assert.equal(json.code, 0);
    assert.equal(json.stderr, '');
    const report = JSON.parse(json.stdout) as { ok: boolean; journal: string };
    assert.ok(report.ok && report.journal.endsWith('.jsonl'), 'the journal path is in --json');
    assert.equal((await runRcm(['rebalance', entry])).code, 0);
    assert.equal(await signature(), balanced);
  });

  test("reshard and rebalance failures: the oracle's lines plus one rcm: line naming the candidates", async () => {
    const before = await signature();
    const toUnknown = ['reshard', entry, '--cluster-from', 'all', '--cluster-to', 'nosuchid', '--cluster-slots', '10', '--cluster-yes'];
    const ours = await runRcm(toUnknown);
    assertFailsAlike(ours, await oracle(toUnknown), 'reshard to an unknown id');
    assert.match(ours.stdout + ours.stderr, /\*\*\* The specified node \(nosuchid\) is not known or not a master, please retry\./);
    assertOneLineFailure(ours, 'unknown --cluster-to', new RegExp(`the masters are: .*${ids[2]!} \\(${cluster.masters[2]!.addr.replace(/\./g, '\\.')}\\)`));
    const weight = await runRcm(['rebalance', entry, '--cluster-weight', 'zzz=2']);
    assertFailsAlike(weight, await oracle(['rebalance', entry, '--cluster-weight', 'zzz=2']), 'rebalance with an unknown weight id');
    assertOneLineFailure(weight, 'unknown weight id', new RegExp(`the masters are: ${ids[0]!}`));
    assert.equal(await signature(), before);
  });

  test('strict numbers and weights: refused before any change, naming the option and the range', async () => {
    const before = await signature();
    const cases: [string[], RegExp][] = [
      [
        ['reshard', entry, '--cluster-from', ids[0]!, '--cluster-to', ids[1]!, '--cluster-slots', '10x', '--cluster-yes'],
        /--cluster-slots must be a whole number from 1 to 16384 \(got "10x"\)/,
      ],
      [
        ['reshard', entry, '--cluster-from', ids[0]!, '--cluster-to', ids[1]!, '--cluster-slots', '1.5', '--cluster-yes'],
        /--cluster-slots must be a whole number from 1 to 16384 \(got "1\.5"\)/,
      ],
      [
        ['reshard', entry, '--cluster-from', ids[0]!, '--cluster-to', ids[1]!, '--cluster-slots', '10', '--cluster-yes', '--cluster-pipeline', '5k'],
        /--cluster-pipeline must be a whole number from 1/,
      ],
      [
        ['reshard', entry, '--cluster-from', ids[0]!, '--cluster-to', ids[1]!, '--cluster-slots', '10', '--cluster-yes', '--cluster-timeout', ''],
        /--cluster-timeout must be a whole number from 1/,
      ],
      [['rebalance', entry, '--cluster-threshold', '2%'], /--cluster-threshold must be a number greater than 0 and at most 100 \(got "2%"\)/],
      [['rebalance', entry, '--cluster-weight', `${ids[0]!.slice(0, 8)}`], /--cluster-weight entry '[0-9a-f]{8}' is not <node id prefix>=<weight>/],
      [['rebalance', entry, '--cluster-weight', `${ids[0]!.slice(0, 8)}=2x`], /'2x' is not a number/],
      [['check', '127.0.0.1:7000x'], /bad address "127\.0\.0\.1:7000x": the port must be a whole number from 1 to 65535/],
      [['check', entry, '-t', '0'], /-t must be a number greater than 0/],
    ];
    for (const [args, expected] of cases) assertOneLineFailure(await runRcm(args), args.join(' '), expected);
    assert.equal(await signature(), before);
  });

  test("fix on a healthy cluster: identical; on a refused connection: the oracle's lines", async () => {
    assertSame(await runRcm(['fix', entry]), await oracle(['fix', entry], { input: '' }), 'fix');
    assertFailsAlike(await runRcm(['fix', dead]), await oracle(['fix', dead], { input: '' }), 'fix dead');
  });

  /** Every master lists the same nodes, none in handshake (redis-cli returns before the cluster agrees). */
  const settled = (joined: NodeHandle[] = []): Promise<void> =>
    waitFor(
      'the cluster to agree on its nodes',
      async () => {
        const views = await Promise.all([...cluster.masters, ...joined].map((m) => nodesOf(m)));
        if (views.some((v) => v.some((l) => l.flags.includes('handshake')))) return 'a handshake';
        const sets = new Set(
          views.map(
            (v) =>
              `${v
                .map((l) => l.id)
                .sort()
                .join(',')}/${slotSignature(v)}`,
          ),
        );
        return sets.size === 1 || 'the nodes disagree';
      },
      20_000,
    );

  test('add-node and del-node: identical steps for two spare nodes; refusals alike', async () => {
    const [theirs, ours] = await startNodes(2);
    try {
      const norm = (text: string): string => normalizeIds(text.split(theirs!.addr).join('<new>').split(ours!.addr).join('<new>'));
      const ref = await oracle(['add-node', theirs!.addr, entry]);
      await settled([theirs!]);
      const mine = await runRcm(['add-node', ours!.addr, entry]);
      await settled([theirs!, ours!]);
      assert.equal(ref.code, 0, ref.stdout + ref.stderr);
      // The check listing shows the other spare node too once it joined: compare the steps (every line but the listing).
      const steps = (s: string): string =>
        norm(s)
          .split('\n')
          .filter((l) => !/^(M|S): |^ {3}/.test(l))
          .join('\n');
      assert.equal(steps(mine.stdout), steps(ref.stdout), `add-node\n--- oracle\n${ref.stdout}\n--- rcm\n${mine.stdout}`);
      assert.equal(mine.stderr, ref.stderr);
      assert.equal(mine.code, 0);
      const [theirId, ourId] = [await myIdOf(theirs!), await myIdOf(ours!)];
      const delRef = await oracle(['del-node', entry, theirId]);
      await settled([ours!]);
      const delOurs = await runRcm(['del-node', entry, ourId]);
      await settled();
      const delNorm = (s: string): string => s.split(theirId).join('<id>').split(ourId).join('<id>');
      assertSame(delOurs, delRef, 'del-node', delNorm);

      assertFailsAlike(await runRcm(['add-node', dead, entry]), await oracle(['add-node', dead, entry]), 'add-node dead');
      const unknown = ['del-node', entry, 'f'.repeat(40)];
      const [u1, u2] = [await runRcm(unknown), await oracle(unknown)];
      assertFailsAlike(u1, u2, 'del-node unknown');
      assert.match(rcmLines(u1.stderr)[0]!, new RegExp(`rcm: the nodes are: .*${ids[0]!}`));
    } finally {
      await stopNodes([theirs!, ours!]);
    }
  });

  const dropImported = async (): Promise<void> => {
    for (const m of cluster.masters) for (const k of await cluster.client(m).keys('imp:*')) await cluster.client(m).del(k);
  };

  test('import: the same lines (in batch order) and exit status; a missing --cluster-from alike', async () => {
    const source = await startStandalone();
    const c = new Redis({ host: source.host, port: source.port, lazyConnect: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      for (let i = 0; i < 50; i++) await c.set(`imp:${i}`, `v${i}`);
      const keysBefore = async (): Promise<number> => (await Promise.all(cluster.masters.map((m) => cluster.client(m).dbsize()))).reduce((a, b) => a + b, 0);
      const base = await keysBefore();
      const args = ['import', entry, '--cluster-from', source.addr, '--cluster-copy'];
      const ref = await oracle(args);
      assert.equal(ref.code, 0, ref.stdout + ref.stderr);
      await dropImported();
      assert.equal(await keysBefore(), base);
      const sorted = (s: string): string => s.split('\n').sort().join('\n');
      assertSame(await runRcm(args), ref, 'import', sorted);
      assert.equal(await keysBefore(), base + 50);
      assertFailsAlike(await runRcm(['import', entry]), await oracle(['import', entry]), 'import without --cluster-from');
      await dropImported();
    } finally {
      c.disconnect();
      await stopNodes([source]);
    }
  });

  test('backup: identical output into two directories; a refused connection alike', async () => {
    const [a, b] = [join(work, 'ref'), join(work, 'ours')];
    mkdirSync(a);
    mkdirSync(b);
    const norm = (s: string): string => s.split(a).join('<dir>').split(b).join('<dir>');
    const ref = await oracle(['backup', entry, a]);
    assert.equal(ref.code, 0, ref.stdout + ref.stderr);
    assertSame(await runRcm(['backup', entry, b]), ref, 'backup', norm);
    assertFailsAlike(await runRcm(['backup', dead, b]), await oracle(['backup', dead, a]), 'backup dead', norm);
  });

  test('create: identical for two sets of fresh nodes; a node already in a cluster refused alike', async () => {
    const fresh = await startNodes(6);
    try {
      const [theirs, ours] = [fresh.slice(0, 3), fresh.slice(3)];
      const args = (nodes: NodeHandle[]) => ['create', ...nodes.map((n) => n.addr), '--cluster-yes'];
      const [ref, mine] = await Promise.all([oracle(args(theirs)), runRcm(args(ours))]);
      assert.equal(ref.code, 0, ref.stdout + ref.stderr);
      const norm =
        (nodes: NodeHandle[]) =>
        (s: string): string =>
          sortNodeBlocks(normalizeIds(normalizeAddresses(s, nodes))).replace(
            /Waiting for the cluster to join\n\.*\n/,
            'Waiting for the cluster to join\n<dots>\n',
          );
      assert.equal(norm(ours)(mine.stdout), norm(theirs)(ref.stdout), `create\n--- oracle\n${ref.stdout}\n--- rcm\n${mine.stdout}`);
      assert.equal(mine.stderr, ref.stderr);
      assert.equal(mine.code, ref.code);
      const taken = ['create', cluster.masters[1]!.addr, ...fresh.slice(0, 2).map((n) => n.addr), '--cluster-yes'];
      assertFailsAlike(await runRcm(taken), await oracle(taken), 'create with a clustered node');
    } finally {
      await stopNodes(fresh);
    }
  });

  test("apply and resume (rcm's own): nothing on stderr on success, one rcm: line on a damaged file", async () => {
    const start = await signature();
    const planFile = join(work, 'plan.json');
    const journal = join(work, 'run.jsonl');
    const planned = await runRcm(reshard(0, 2, 20, '--plan-out', planFile));
    assert.equal(planned.code, 0, planned.stderr);
    assert.equal(planned.stderr, '');
    assert.equal(await signature(), start);
    const applied = await runRcm(['apply', planFile, '--cluster-yes', '--journal', journal]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(applied.stderr, '');
    const finished = await runRcm(['resume', journal]);
    assertOneLineFailure(finished, 'a finished run', /already finished; there is nothing to resume/);
    // As if the run had been killed after its moves, before any of them was journalled as done.
    const interrupted = join(work, 'interrupted.jsonl');
    writeFileSync(interrupted, `${readFileSync(journal, 'utf8').split('\n')[0]!}\n`);
    const resumed = await runRcm(['resume', interrupted]);
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.equal(resumed.stderr, '');

    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Record<string, unknown>;
    const damagedPlan = join(work, 'damaged-plan.json');
    writeFileSync(damagedPlan, JSON.stringify({ ...plan, moves: undefined }));
    assertOneLineFailure(
      await runRcm(['apply', damagedPlan, '--cluster-yes']),
      'damaged plan',
      new RegExp(`${damagedPlan.replace(/[.]/g, '\\.')} is not a plan written by rcm \\(--plan-out\\): "moves" is not a list`),
    );
    const damagedJournal = join(work, 'damaged.jsonl');
    writeFileSync(damagedJournal, '{"t":"done","slots":[1],"keys":1,"at":1}\n{"t":"end","status":"done","at":2}\n');
    assertOneLineFailure(
      await runRcm(['resume', damagedJournal]),
      'damaged journal',
      /The journal .*damaged\.jsonl is damaged at line 1: the first record is not the plan\./,
    );
    assertOneLineFailure(await runRcm(['resume', join(work, 'missing.jsonl')]), 'missing journal', /Cannot read the journal/);
    assert.equal((await runRcm(reshard(2, 0, 20))).code, 0);
  });

  test('a check after the moves that still finds problems: exit 1 and one rcm: line naming them', async () => {
    const journal = join(work, 'checked.jsonl');
    const moved = await runRcm(reshard(0, 2, 5, '--journal', journal));
    assert.equal(moved.code, 0, moved.stdout + moved.stderr);
    // A resume may start with open slots (the run it finishes left them): one that is not the run's stays open.
    const interrupted = join(work, 'checked-interrupted.jsonl');
    writeFileSync(interrupted, `${readFileSync(journal, 'utf8').split('\n')[0]!}\n`);
    const owner = await slotOwner(cluster, 8000);
    const { owner: opened } = await openSlotMigrating(
      cluster,
      8000,
      cluster.masters.find((m) => m !== owner)!,
    );
    try {
      const resumed = await runRcm(['resume', interrupted]);
      assertOneLineFailure(
        resumed,
        'resume with a foreign open slot',
        /the moves are done and verified, but the cluster check after them still finds problems: .*Open slots: 8000\b/,
      );
    } finally {
      await nodeCall(opened, 'CLUSTER', 'SETSLOT', '8000', 'STABLE');
    }
    assert.equal((await runRcm(reshard(2, 0, 5))).code, 0);
  });
});

describe('fix without --cluster-yes and with stdin at end of input', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await createCluster({ masters: 3 });
    await populate(cluster, 300);
  });
  after(() => cluster.stop());

  test('rcm changes nothing and exits 1 (redis-cli 7.0 fixes the open slot unasked); --cluster-yes fixes it', async () => {
    const slot = 42;
    const source = cluster.masters[0]!;
    const target = cluster.masters[1]!;
    await cluster.client(source).set(keyInSlot(slot, 'fixeof'), 'v');
    await openSlotMigrating(cluster, slot, target);
    const state = async (): Promise<string> =>
      String(await nodeCall(source, 'CLUSTER', 'NODES'))
        .split('\n')
        .map((l) =>
          l
            .split(' ')
            .filter((_, i) => i !== 4 && i !== 5)
            .join(' '),
        )
        .sort()
        .join('\n');
    const before = await state();
    const keys = Number(await nodeCall(source, 'CLUSTER', 'COUNTKEYSINSLOT', slot));
    const ours = await runRcm(['fix', cluster.entry.addr]);
    assert.equal(ours.code, 1, ours.stdout + ours.stderr);
    assert.match(
      ours.stdout,
      new RegExp(
        `>>> Fixing open slot ${slot}\\n[^]*Fix open slot ${slot} as shown above\\? \\(type 'yes' to accept\\): \\*\\*\\* Slot ${slot} left as it is \\(not confirmed\\)\\.\\n`,
      ),
    );
    assert.equal(await state(), before, 'nothing changed');
    assert.equal(Number(await nodeCall(source, 'CLUSTER', 'COUNTKEYSINSLOT', slot)), keys);
    assert.match(String(await nodeCall(source, 'CLUSTER', 'NODES')), new RegExp(`\\[${slot}->-`), 'still migrating');

    // The oracle, as observed: it asks nothing for an open slot and fixes it.
    const ref = await runRedisCli(['--cluster', 'fix', cluster.entry.addr], { input: '' });
    assert.equal(ref.code, 0, ref.stdout + ref.stderr);
    assert.doesNotMatch(ref.stdout, /type 'yes'/);
    assert.doesNotMatch(String(await nodeCall(source, 'CLUSTER', 'NODES')), new RegExp(`\\[${slot}->-`));

    await openSlotMigrating(cluster, slot + 1, target);
    const yes = await runRcm(['fix', cluster.entry.addr, '--cluster-yes']);
    assert.equal(yes.code, 0, yes.stdout + yes.stderr);
    assert.doesNotMatch(yes.stdout, /type 'yes'/);
    assert.doesNotMatch(String(await nodeCall(source, 'CLUSTER', 'NODES')), /->-/);
  });
});

describe('IPv6 and host names', () => {
  test('[::1]:PORT, ::1:PORT, ::1 PORT and -6 localhost:PORT reach a node bound to ::1; -4 localhost is refused with the real cause', async (t) => {
    let node: NodeHandle;
    try {
      [node] = await startNodes(1, { host: '::1' });
    } catch (e) {
      t.skip(`no IPv6 loopback here: ${(e as Error).message}`);
      return;
    }
    try {
      await nodeCall(node!, 'CLUSTER', 'ADDSLOTSRANGE', 0, 16383);
      const port = String(node!.port);
      const ref = await runRedisCli(['--cluster', 'check', `::1:${port}`]);
      assert.equal(ref.code, 0, ref.stdout + ref.stderr);
      // localhost may have no IPv6 address here (/etc/hosts); ip6-localhost usually has.
      const v6name = await lookup('ip6-localhost', { family: 6 }).then(
        () => 'ip6-localhost',
        () => undefined,
      );
      const forms = [[`[::1]:${port}`], [`::1:${port}`], ['::1', port], ...(v6name ? [['-6', `${v6name}:${port}`]] : [])];
      for (const args of forms) {
        const res = await runRcm(['check', ...args]);
        assert.equal(res.code, 0, `${args.join(' ')}\n${res.stdout}${res.stderr}`);
        assert.equal(res.stderr, '');
        if (!args.includes('-6')) assert.equal(res.stdout, ref.stdout, args.join(' '));
      }
      const v4 = await runRcm(['check', '-4', `localhost:${port}`, '-t', '2']);
      assertOneLineFailure(v4, '-4 to an IPv6-only node', /Connection refused — nothing listens on that port/);
      const badFormat = await runRcm(['check', `[::1:${port}`]);
      assertOneLineFailure(badFormat, 'bad format', /bad address .*not a host name or IP address/);
      const unresolvable = await runRcm(['check', `no-such-host.invalid:${port}`, '-t', '2']);
      assertOneLineFailure(unresolvable, 'unresolvable', /the host name does not resolve/);
    } finally {
      await stopNodes([node!]);
    }
  });
});
