import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisDictOrder, siphash12 } from '../../src/engine/check/redisDict';

function order(keys: (string | number)[]): number[] {
  const d = new RedisDictOrder<string>();
  for (const k of keys) d.set(String(k), 'x');
  return d.keys().map(Number);
}

test('open-slot order matches redis-cli captures (400,402,401,402,402 → 402,400,401)', () => {
  assert.deepEqual(order([400, 402, 401, 402, 402]), [402, 400, 401]);
});

test('uncovered-slot order matches redis-cli capture (2024, 501, 500, 502, 3160)', () => {
  assert.deepEqual(order([500, 501, 502, 2024, 3160]), [2024, 501, 500, 502, 3160]);
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
