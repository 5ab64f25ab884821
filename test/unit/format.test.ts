import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSlotRanges, rangesFromSlots, countSlots, parseEntryAddress } from '../../src/engine';
import { atoi, atof } from '../../src/engine/parse/address';
import { formatFixed } from '../../src/engine/render/cformat';

test('%.2f rounds exact binary ties to even, unlike toFixed', () => {
  assert.equal(formatFixed(0.125, 2), '0.12');
  assert.equal((0.125).toFixed(2), '0.13');
  assert.equal(formatFixed(0.375, 2), '0.38');
  assert.equal(formatFixed(0, 2), '0.00');
  assert.equal(formatFixed(Math.fround(Math.fround(300) / 16384), 2), '0.02');
  assert.equal(formatFixed(Math.fround(Math.fround(100000) / 16384), 2), '6.10');
  assert.equal(formatFixed(12345.678, 2), '12345.68');
  assert.equal(formatFixed(1.005, 2), '1.00'); // 1.005 is 1.00499999… in binary
});

test('slot strings as redis-cli prints them', () => {
  assert.equal(formatSlotRanges(rangesFromSlots([0, 1, 2, 5, 7, 8])), '[0-2],[5],[7-8]');
  assert.equal(formatSlotRanges([]), '');
  assert.equal(countSlots(rangesFromSlots([3, 3, 4])), 2);
});

test('entry addresses: host:port, host port, @bus suffix, invalid forms', () => {
  assert.deepEqual(parseEntryAddress(['127.0.0.1:7000']), { host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseEntryAddress(['127.0.0.1', '7000']), { host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseEntryAddress(['127.0.0.1:7000@17000']), { host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseEntryAddress(['::1:7000']), { host: '::1', port: 7000 });
  assert.equal(parseEntryAddress(['127.0.0.1']), null);
  assert.equal(parseEntryAddress([':7000']), null);
  assert.equal(parseEntryAddress(['h:abc']), null);
});

test('C-style atoi/atof', () => {
  assert.equal(atoi('  42abc'), 42);
  assert.equal(atoi('x'), 0);
  assert.equal(atoi('-7'), -7);
  assert.equal(atof('2.5%'), 2.5);
  assert.equal(atof('.5'), 0.5);
  assert.equal(atof('abc'), 0);
});
