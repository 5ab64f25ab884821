import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/args';
import { decimalOption, intOption, parseDecimal, parseInteger, RANGES } from '../../src/cli/numbers';

test('whole numbers: trailing characters, fractions, empty and out-of-range values are refused, naming the option and range', () => {
  assert.equal(parseInteger('10', '--cluster-slots', RANGES.slots), 10);
  assert.equal(parseInteger(' 16384 ', '--cluster-slots', RANGES.slots), 16384);
  for (const bad of ['10x', '1.5', '', ' ', '0', '16385', '-1', '0x10', '1e3', 'abc', '99999999999999999999']) {
    assert.throws(
      () => parseInteger(bad, '--cluster-slots', RANGES.slots),
      (e: Error) => e.message === `--cluster-slots must be a whole number from 1 to 16384 (got "${bad}").`,
      bad,
    );
  }
  assert.throws(
    () => parseInteger('15000x', 'set-timeout milliseconds', RANGES.nodeTimeoutMs),
    /set-timeout milliseconds must be a whole number from 100 to 2147483647/,
  );
});

test('decimal numbers: fractions allowed, junk and range refused', () => {
  assert.equal(parseDecimal('1.5', '--cluster-threshold', { min: 0, max: 100 }), 1.5);
  assert.equal(parseDecimal('.5', '-t', { min: 0, max: 86400 }), 0.5);
  for (const bad of ['0', '1.5x', '', '-2', '101', 'inf', 'NaN']) {
    assert.throws(
      () => parseDecimal(bad, '--cluster-threshold', { min: 0, max: 100 }),
      /--cluster-threshold must be a number greater than 0 and at most 100/,
      bad,
    );
  }
  assert.equal(parseDecimal('0', 'w', { min: 0, max: 1, minInclusive: true }), 0);
});

test('options: absent gives the default, present is parsed strictly', () => {
  const p = parseArgs(['reshard', 'h:1', '--cluster-slots', '10x', '--cluster-timeout', '500', '-t', '2.5']);
  assert.throws(() => intOption(p, '--cluster-slots', RANGES.slots, undefined), /--cluster-slots .*"10x"/);
  assert.equal(intOption(p, '--cluster-timeout', RANGES.timeoutMs, 60000), 500);
  assert.equal(intOption(p, '--cluster-pipeline', RANGES.pipeline, undefined), undefined);
  assert.equal(decimalOption(p, '-t', { min: 0, max: 86400 }, undefined), 2.5);
});
