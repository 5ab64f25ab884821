import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertInOrder, upTo } from '../helpers/order';

test('order checks fail when a step is missing or out of order', () => {
  assertInOrder(['a', 'b', 'c'], 'a', 'c');
  assertInOrder('x-y-z', 'x', 'y', 'z');
  assert.throws(() => assertInOrder(['a', 'c'], 'b', 'c'), /"b" is missing/);
  assert.throws(() => assertInOrder(['a', 'c'], 'a', 'b'), /"b" is missing after "a"/);
  assert.throws(() => assertInOrder(['b', 'a'], 'a', 'b'), /"b" is missing after "a"/);
  assert.equal(upTo('head|tail', '|'), 'head');
  assert.throws(() => upTo('head', '|'), /missing/);
});
