import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from '../../src/cli/args';
import { RCM_HELP } from '../../src/cli/help';

test('redis-cli grammar: options anywhere, first run of plain tokens are arguments', () => {
  const p = parseArgs(['check', '--cluster-search-multiple-owners', '127.0.0.1:7000', 'extra']);
  assert.equal(p.subcommand, 'check');
  assert.deepEqual(p.args, ['127.0.0.1:7000', 'extra']);
  assert.ok(p.flags.has('--cluster-search-multiple-owners'));
});

test('a leading --cluster is accepted, values are consumed unconditionally', () => {
  const p = parseArgs(['-a', '-secret', '--cluster', 'info', '127.0.0.1', '7000', '--user', 'ops']);
  assert.equal(p.subcommand, 'info');
  assert.deepEqual(p.args, ['127.0.0.1', '7000']);
  assert.equal(p.values['-a'], '-secret');
  assert.equal(p.values['--user'], 'ops');
});

test('stray tokens after the arguments are ignored, as redis-cli does', () => {
  const p = parseArgs(['add-node', 'A:1', '--cluster-slave', 'B:2']);
  assert.deepEqual(p.args, ['A:1']);
});

test('weights, repeated weights and unknown options', () => {
  const p = parseArgs(['rebalance', 'h:1', '--cluster-weight', 'abc=2', 'def=0', '--cluster-simulate']);
  assert.deepEqual(p.weights, ['abc=2', 'def=0']);
  assert.throws(() => parseArgs(['rebalance', 'h:1', '--cluster-weight', 'a=1', '--cluster-weight', 'b=2']), /more than once/);
  assert.throws(() => parseArgs(['check', 'h:1', '--cluster-foo']), /Unrecognized option or bad number of args for: '--cluster-foo'/);
  assert.throws(() => parseArgs(['check', 'h:1', '--cluster-from']), /Unrecognized option/);
});

test('repeatable address maps', () => {
  const p = parseArgs(['check', 'h:1', '--address-map', 'a:1=b:2', '--address-map', 'c:3=d:4']);
  assert.deepEqual(p.multi['--address-map'], ['a:1=b:2', 'c:3=d:4']);
});

test('a --cluster-weight entry without "=" is refused, not ignored', () => {
  assert.throws(() => parseArgs(['rebalance', 'h:1', '--cluster-weight', 'abc']), /--cluster-weight entry 'abc' is not <node id prefix>=<weight>/);
  assert.throws(() => parseArgs(['rebalance', 'h:1', '--cluster-weight', 'a=1', 'b']), /entry 'b'/);
  // Before the address, a weight list ends at the address (redis-cli's grammar).
  assert.deepEqual(parseArgs(['rebalance', '--cluster-weight', 'a=1', 'h:1']).args, ['h:1']);
});

test("valkey-cli 9's option names read as redis-cli's", () => {
  const p = parseArgs(['add-node', 'a:1', 'b:2', '--cluster-replica', '--cluster-primary-id', 'abc']);
  assert.ok(p.flags.has('--cluster-slave'));
  assert.equal(p.values['--cluster-master-id'], 'abc');
  assert.ok(parseArgs(['call', 'a:1', 'PING', '--cluster-only-primaries']).flags.has('--cluster-only-masters'));
  assert.ok(parseArgs(['rebalance', 'a:1', '--cluster-use-empty-primaries']).flags.has('--cluster-use-empty-masters'));
  assert.ok(parseArgs(['fix', 'a:1', '--cluster-fix-with-unreachable-primaries']).flags.has('--cluster-fix-with-unreachable-masters'));
});

test('rcm --help and the README list the deliberate differences', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Where rcm deliberately differs from redis-cli 7.0'));
  for (const topic of [
    'Strict numbers',
    'Weights and node ids',
    'Addresses',
    'connect timeout',
    'A command deadline',
    'TLS host names',
    'Private journals',
    '`fix` asks',
    '`fix` keeps the copy clients are served',
    '`fix` repairs orphan keys',
    '`fix` finishes after a failover',
    '`set-timeout`',
    'Topology commands',
    'One grammar for both CLIs',
  ]) {
    assert.ok(section.includes(topic), `README: ${topic}`);
  }
  for (const topic of [
    'Output',
    'Numbers',
    'Node ids',
    'Addresses',
    'TLS',
    'Journals',
    'fix',
    'set-timeout',
    'Topology',
    'Valkey',
    '--cluster-primary-id',
    "never overwrites an owner's copy",
    'silent past --command-timeout',
    'orphan keys',
    '--tls-skip-hostname-check',
    '-4, -6',
    '--debug',
    '--verbose',
  ]) {
    assert.ok(RCM_HELP.includes(topic), `help: ${topic}`);
  }
});
