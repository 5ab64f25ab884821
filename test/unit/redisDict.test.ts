import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisDictOrder, siphash12 } from '../../src/engine/check/redisDict';
import { dictRehashOf, type DictRehash } from '../../src/engine/model/dialect';
import { master, topology } from '../fixtures/topologyBuilder';

function order(keys: (string | number)[], rehash?: DictRehash): number[] {
  const d = new RedisDictOrder<string>(rehash);
  for (const k of keys) d.set(String(k), 'x');
  return d.keys().map(Number);
}

test('open-slot order matches redis-cli captures (400,402,401,402,402 → 402,400,401)', () => {
  assert.deepEqual(order([400, 402, 401, 402, 402]), [402, 400, 401]);
});

test('uncovered-slot order matches redis-cli capture (2024, 501, 500, 502, 3160)', () => {
  assert.deepEqual(order([500, 501, 502, 2024, 3160]), [2024, 501, 500, 502, 3160]);
});

// fix.test's open slots (migrating 400,402,3244 on one node; importing 401,402 and 402,3244 on two others): the
// fifth insert rehashes, and redis-cli 8.6.3 printed `The following slots are open: 401,402,400,3244.` where
// redis-cli 7.0 prints 3244,402,400,401.
test('open-slot order after a rehash: redis-cli 7.0 (scan) vs redis-cli 8 / valkey-cli 9 (bucket)', () => {
  const inserts = [400, 402, 3244, 401, 402, 402, 3244];
  assert.deepEqual(order(inserts), [3244, 402, 400, 401]);
  assert.deepEqual(order(inserts, 'bucket'), [401, 402, 400, 3244]);
});

test('the rehash step follows the servers: Valkey and Redis >= 7.4 bucket, Redis 7.0 scan, unknown scan', () => {
  const with_ = (...servers: ['redis' | 'valkey', string][]) =>
    topology(servers.map(([serverName, serverVersion], i) => master(`m${i}`.padEnd(40, '0'), 7000 + i, [], { stats: { serverName, serverVersion } })));
  assert.equal(dictRehashOf(with_(['redis', '7.0.15'], ['redis', '7.0.15'])), 'scan');
  assert.equal(dictRehashOf(with_(['redis', '8.6.3'], ['redis', '8.6.3'])), 'bucket');
  assert.equal(dictRehashOf(with_(['redis', '7.4.2'])), 'bucket');
  assert.equal(dictRehashOf(with_(['valkey', '9.1.2'])), 'bucket');
  assert.equal(dictRehashOf(with_(['redis', '8.6.3'], ['redis', '7.0.15'])), 'scan');
  assert.equal(dictRehashOf(topology([master('a'.repeat(40), 7000, [])])), 'scan');
});

test('order survives incremental rehashing (1000…1039)', () => {
  const keys = Array.from({ length: 40 }, (_, i) => 1000 + i);
  const got = order(keys);
  assert.deepEqual(got.slice(0, 5), [1008, 1016, 1005, 1012, 1019]);
  assert.deepEqual(
    [...got].sort((a, b) => a - b),
    keys,
  );
});

test('replacing a key keeps its position and count', () => {
  const d = new RedisDictOrder<string>();
  d.set('1', 'a');
  d.set('2', 'b');
  d.set('1', 'c');
  assert.deepEqual(d.entries().length, 2);
  assert.equal(d.entries().find(([k]) => k === '1')![1], 'c');
});

test('siphash-1-2 is deterministic and input-sensitive', () => {
  const a = siphash12(new TextEncoder().encode('402'));
  assert.equal(a, siphash12(new TextEncoder().encode('402')));
  assert.notEqual(a, siphash12(new TextEncoder().encode('401')));
  assert.ok(a >= 0n && a < 1n << 64n);
});
