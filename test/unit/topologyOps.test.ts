import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destructiveReason, formatRawReply, parseCreateAddress } from '../../src/engine';
import { parseClusterNodes } from '../../src/engine/parse/clusterNodes';
import { planCreate, seededRandom, type CreateNodeInput } from '../../src/engine/plan/createPlan';
import { streamText } from '../../src/engine/render/output';
import { renderCreateAllocation, renderCreatePreview, renderTooFewMasters } from '../../src/engine/render/createText';
import { linkProblems } from '../../src/engine/check/links';
import { RedisDictOrder } from '../../src/engine/check/redisDict';
import { dictRehashOfServers } from '../../src/engine/model/dialect';
import { renderLinkProblems } from '../../src/engine/render/joinText';
import { confirmYes } from '../../src/cli/prompt';
import { parseArgs } from '../../src/cli/args';

test('call: destructive commands are recognised, case-insensitively, with their subcommand', () => {
  for (const argv of [
    ['FLUSHALL'],
    ['flushdb', 'ASYNC'],
    ['shutdown', 'nosave'],
    ['CONFIG', 'set', 'maxmemory', '1'],
    ['cluster', 'RESET', 'HARD'],
    ['DEBUG', 'SLEEP', '1'],
  ]) {
    assert.ok(destructiveReason(argv), argv.join(' '));
  }
  for (const argv of [['DBSIZE'], ['GET', 'k'], ['CONFIG', 'GET', 'maxmemory'], ['CLUSTER', 'INFO'], ['INFO']]) {
    assert.equal(destructiveReason(argv), null, argv.join(' '));
  }
});

test("call: redis-cli's raw reply format", () => {
  assert.equal(formatRawReply(null), '');
  assert.equal(formatRawReply('OK'), 'OK');
  assert.equal(formatRawReply('42'), '42');
  assert.equal(formatRawReply(new Error('MOVED 1 127.0.0.1:7001')), 'MOVED 1 127.0.0.1:7001\n');
  assert.equal(formatRawReply(['cluster-node-timeout', '15000']), 'cluster-node-timeout\n15000');
  assert.equal(formatRawReply(['a', ['b', null], 'c'], ','), 'a,b,,c');
});

test('create: addresses as redis-cli reads them', () => {
  assert.deepEqual(parseCreateAddress('127.0.0.1:7000'), { host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseCreateAddress('127.0.0.1:7000@17000'), { host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseCreateAddress('::1:7000'), { host: '::1', port: 7000 });
  assert.equal(parseCreateAddress('127.0.0.1'), null);
  assert.equal(parseCreateAddress('127.0.0.1:0'), null);
});

test('create: allocation and preview text of spec §4.2 (one host, 3+3)', () => {
  const ids = ['e91a4871', 'b9fec5fa', 'a1cf67be', 'cfed691d', 'f72291c7', 'fd0dc24e'].map((p) => p.padEnd(40, '0'));
  const nodes: CreateNodeInput[] = ids.map((id, i) => ({ host: '127.0.0.1', port: 32001 + i, id }));
  const plan = planCreate(nodes, 1, seededRandom(5));
  assert.equal(
    streamText(renderCreateAllocation(nodes, plan), 'stdout'),
    [
      '>>> Performing hash slots allocation on 6 nodes...',
      'Master[0] -> Slots 0 - 5460',
      'Master[1] -> Slots 5461 - 10922',
      'Master[2] -> Slots 10923 - 16383',
      'Adding replica 127.0.0.1:32005 to 127.0.0.1:32001',
      'Adding replica 127.0.0.1:32006 to 127.0.0.1:32002',
      'Adding replica 127.0.0.1:32004 to 127.0.0.1:32003',
      '>>> Trying to optimize slaves allocation for anti-affinity',
      '[WARNING] Some slaves are in the same host as their master',
      '',
    ].join('\n'),
  );
  const preview = streamText(
    renderCreatePreview(
      nodes,
      nodes.map(() => 'master'),
      plan,
    ),
    'stdout',
  ).split('\n');
  assert.deepEqual(preview.slice(0, 2), [`M: ${ids[0]} 127.0.0.1:32001`, '   slots:[0-5460] (5461 slots) master']);
  assert.match(preview[6]!, /^S: cfed691d0+ 127\.0\.0\.1:32004$/);
  assert.match(preview[7]!, /^ {3}replicates (e91a4871|b9fec5fa|a1cf67be)0+$/);
});

test("create: fewer than 3 masters, in redis-cli's words", () => {
  assert.equal(
    streamText(renderTooFewMasters(6, 2), 'stdout'),
    '*** ERROR: Invalid configuration for cluster creation.\n*** Redis Cluster requires at least 3 master nodes.\n*** This is not possible with 6 nodes and 2 replicas per node.\n*** At least 9 nodes are required.\n',
  );
});

test('join wait: links that do not come up are reported as redis-cli does', () => {
  const a = parseClusterNodes(
    ['aaaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383', 'bbbb 127.0.0.1:7001@17001 handshake - 0 0 0 disconnected'].join('\n'),
  );
  const b = parseClusterNodes(
    [
      'cccc 127.0.0.1:7002@17002 myself,master - 0 0 0 connected',
      'bbbb 127.0.0.1:7001@17001 master - 0 0 0 disconnected',
      'aaaa 127.0.0.1:7000@17000 master - 0 0 1 connected 0-16383',
    ].join('\n'),
  );
  const problems = linkProblems([
    { addr: '127.0.0.1:7000', lines: a },
    { addr: '127.0.0.1:7002', lines: b },
  ]);
  assert.deepEqual(problems, [['127.0.0.1:7001@17001', ['127.0.0.1:7000', '127.0.0.1:7002']]]);
  assert.equal(
    streamText(renderLinkProblems(problems), 'stdout'),
    [
      'Warning: 1 node(s) may be unreachable',
      ' - The port 17001 of node 127.0.0.1 may be unreachable from:',
      '   127.0.0.1:7000',
      '   127.0.0.1:7002',
      'Cluster bus ports must be reachable by every node.',
      'Remember that cluster bus ports are different from standard instance ports.',
      '',
    ].join('\n'),
  );
});

test("join wait: six unreachable peers are listed in the order of the server's CLI (redis-cli 7's dict or the 7.4+/valkey one)", () => {
  const peers = [1, 2, 3, 4, 5, 6].map((i) => `127.0.0.1:${7000 + i}@${17000 + i}`);
  const lines = parseClusterNodes(
    ['aaaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383', ...peers.map((p, i) => `id${i} ${p} handshake - 0 0 0 disconnected`)].join('\n'),
  );
  const views = [{ addr: '127.0.0.1:7000', lines }];
  const orderIn = (rehash: 'scan' | 'bucket') => {
    const dict = new RedisDictOrder<number>(rehash);
    peers.forEach((p, i) => dict.set(p, i));
    return dict.entries().map(([p]) => p);
  };
  assert.notDeepEqual(orderIn('scan'), orderIn('bucket'), 'the two dicts order six peers differently');
  assert.deepEqual(
    linkProblems(views).map(([p]) => p),
    orderIn('scan'),
  );
  assert.deepEqual(
    linkProblems(views, 'bucket').map(([p]) => p),
    orderIn('bucket'),
  );
  const servers = (name: 'redis' | 'valkey', version: string) => [{ serverName: name, serverVersion: version }];
  assert.equal(dictRehashOfServers(servers('redis', '7.0.15')), 'scan');
  assert.equal(dictRehashOfServers(servers('redis', '8.6.3')), 'bucket');
  assert.equal(dictRehashOfServers(servers('valkey', '9.1.2')), 'bucket');
  assert.equal(dictRehashOfServers([...servers('redis', '8.6.3'), ...servers('redis', '7.0.15')]), 'scan');
});

test('confirmation: redis-cli\'s 4-byte read accepts "yes…" only; --cluster-yes skips the question', async () => {
  const ask = async (answer: string | undefined, yes = false) => {
    let printed = '';
    const ok = await confirmYes(
      {
        stdout: (s) => {
          printed += s;
        },
        stderr: () => undefined,
        env: {},
        readAnswer: async () => answer,
      },
      'Go?',
      yes,
    );
    return { ok, printed };
  };
  assert.deepEqual(await ask('yes\n'), { ok: true, printed: "Go? (type 'yes' to accept): " });
  assert.equal((await ask('yest')).ok, true);
  for (const no of ['y\n', 'Yes\n', 'no\n', '', undefined]) assert.equal((await ask(no)).ok, false, String(no));
  assert.deepEqual(await ask(undefined, true), { ok: true, printed: '' });
});

test('CLI grammar: sandbox and failover options', () => {
  const p = parseArgs(['sandbox', 'up', '--masters', '4', '--replicas', '2', '--port', '7100', '--dir', '/tmp/x']);
  assert.deepEqual(p.args, ['up']);
  assert.deepEqual([p.values['--masters'], p.values['--replicas'], p.values['--port'], p.values['--dir']], ['4', '2', '7100', '/tmp/x']);
  assert.ok(parseArgs(['failover', '127.0.0.1:7003', '--takeover']).flags.has('--takeover'));
});
