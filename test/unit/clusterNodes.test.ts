import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../../src/engine';
import { parseClusterNodes, parseClusterNodesLine, findMyself, parseMyselfLine } from '../../src/engine/parse/clusterNodes';
import { configSignature, replySignature } from '../../src/engine/check/signature';
import { parseNodeAddress } from '../../src/engine/parse/address';
import { infoFields } from '../../src/engine/parse/info';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

test('parses a captured reply with migrating entries on the myself line', () => {
  const lines = parseClusterNodes(fixture('nodes-open-slots-30001.txt'));
  assert.equal(lines.length, 6);
  const me = findMyself(lines)!;
  assert.equal(me.address?.port, 30001);
  assert.equal(me.address?.busPort, 40001);
  assert.deepEqual(me.slots, [{ start: 0, end: 5460 }]);
  assert.deepEqual(
    me.migrating.map((m) => m.slot),
    [400, 402],
  );
  assert.equal(me.migrating[0]!.peerId, 'ba61e833056d9b8c09a9794c413b3918692c071e');
  assert.deepEqual(me.importing, []);
  assert.deepEqual(me.slotTokens, ['0-5460']);
  const replicas = lines.filter((l) => l.flags.includes('slave'));
  assert.equal(replicas.length, 3);
  assert.ok(replicas.every((r) => r.masterId !== null && r.slots.length === 0));
});

test('parses importing entries', () => {
  const me = findMyself(parseClusterNodes(fixture('nodes-open-slots-30002.txt')))!;
  assert.deepEqual(
    me.importing.map((m) => [m.slot, m.peerId]),
    [
      [401, '5a0508bb50bbb9aac9388f1d5115fab2ea73f1ae'],
      [402, '5a0508bb50bbb9aac9388f1d5115fab2ea73f1ae'],
    ],
  );
});

test('parses an announced hostname (ip:port@cport,hostname)', () => {
  const me = findMyself(parseClusterNodes(fixture('nodes-hostname-30003.txt')))!;
  assert.deepEqual(me.address, { host: '127.0.0.1', port: 30003, busPort: 40003, hostname: 'node3.example.com' });
});

test('parses noaddr, fail?, fail, handshake, disconnected and single-slot tokens', () => {
  const lines = parseClusterNodes(fixture('nodes-failures.txt'));
  const byId = (p: string) => lines.find((l) => l.id.startsWith(p))!;
  assert.equal(byId('07c37d').address?.hostname, 'replica4.example.com');
  assert.deepEqual(byId('292f8b').flags, ['master', 'fail?']);
  assert.deepEqual(byId('6ec239').flags, ['slave', 'fail']);
  assert.equal(byId('6ec239').linkState, 'disconnected');
  assert.deepEqual(byId('824fe1').flags, ['handshake']);
  const noaddr = byId('d289c5');
  assert.equal(noaddr.address, null);
  assert.ok(noaddr.flags.includes('noaddr'));
  const me = byId('e7d1ee');
  assert.deepEqual(me.slots, [
    { start: 0, end: 100 },
    { start: 102, end: 102 },
    { start: 104, end: 5460 },
  ]);
  assert.deepEqual(me.migrating, [{ slot: 101, peerId: '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1' }]);
  assert.deepEqual(me.importing, [{ slot: 103, peerId: '292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f' }]);
  assert.equal(me.configEpoch, 1);
});

test('rejects malformed lines with a typed error', () => {
  assert.throws(
    () => parseClusterNodesLine('abc 127.0.0.1:7000 master'),
    (e: unknown) => e instanceof EngineError && e.code === 'invalid-reply',
  );
  assert.throws(() => parseClusterNodesLine('abc noport master - 0 0 1 connected'), /Invalid node address/);
  assert.throws(() => parseClusterNodesLine('abc 1.2.3.4:7000@17000 master - 0 0 1 connected 5-x'), /Invalid slot token/);
});

test('node addresses: IPv6, bus port, hostname, missing colon', () => {
  assert.deepEqual(parseNodeAddress('::1:7000@17000'), { host: '::1', port: 7000, busPort: 17000 });
  assert.deepEqual(parseNodeAddress(':0@0'), { host: '', port: 0, busPort: 0 });
  assert.equal(parseNodeAddress('localhost'), null);
});

test('configuration signature sorts slot tokens byte-wise and ignores open-slot markers', () => {
  const a = parseClusterNodes(
    [
      'b 127.0.0.1:1@2 master - 0 0 1 connected 5461-10922 [5->-a]',
      'a 127.0.0.1:3@4 myself,master - 0 0 1 connected 10923-16383 0-5460',
      'c 127.0.0.1:5@6 slave a 0 0 1 connected',
    ].join('\n'),
  );
  assert.equal(configSignature(a), 'a:0-5460,10923-16383|b:5461-10922');
  assert.equal(configSignature(parseClusterNodes('a 1.1.1.1:1@2 myself,master - 0 0 0 connected')), null);
});

test("the loader's light parse (myself line, signature from the raw reply) matches the full parse", () => {
  const multi = fixture('nodes-open-slots-30001.txt').replace('0-5460', '5000-5460 0-99 [7->-ba61e833056d9b8c09a9794c413b3918692c071e] 100-4999');
  for (const reply of [multi, ...['nodes-failures.txt', 'nodes-hostname-30003.txt', 'nodes-open-slots-30001.txt', 'nodes-open-slots-30002.txt'].map(fixture)]) {
    const lines = parseClusterNodes(reply);
    assert.deepEqual(parseMyselfLine(reply), findMyself(lines));
    assert.equal(replySignature(reply), configSignature(lines));
  }
  assert.notEqual(replySignature(multi), replySignature(fixture('nodes-open-slots-30001.txt')));
  assert.equal(parseMyselfLine('abc 127.0.0.1:1@2 master - 0 0 1 connected\n'), undefined);
  assert.equal(replySignature('abc 127.0.0.1:1@2 myself,master - 0 0 1 connected\n'), null);
});

test('infoFields reads only the named fields, as parseInfo would', () => {
  const info = '# Server\r\nredis_version:7.0.15\r\nused_memory:100\r\nused_memory_human:100B\r\n# Clients\r\nconnected_clients:3\r\n';
  assert.deepEqual(infoFields(info, ['redis_version', 'used_memory', 'connected_clients', 'valkey_version']), {
    redis_version: '7.0.15',
    used_memory: '100',
    connected_clients: '3',
  });
  assert.deepEqual(infoFields('used_memory_human:1K\nused_memory:5', ['used_memory']), { used_memory: '5' });
});
