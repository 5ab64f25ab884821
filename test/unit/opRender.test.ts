/**
 * The renderers of the operations' events (render/*Text.ts): each event gives exactly redis-cli's chunks.
 * The integration parity tests (contract, nodeOps, create, addDelNode…) compare the whole output with the CLI's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderEvents } from '../../src/engine/render/events';
import { err, out, streamText } from '../../src/engine/render/output';
import { renderCallEvent } from '../../src/engine/render/callText';
import { renderJoinEvent } from '../../src/engine/render/joinText';
import { renderFailoverEvent, renderReplicateEvent } from '../../src/engine/render/nodeOpText';
import { renderDelNodeEvent } from '../../src/engine/render/delNodeText';
import { renderAddNodeEvent } from '../../src/engine/render/addNodeText';
import { renderCreateEvent } from '../../src/engine/render/createText';
import { renderBackupEvent, renderImportEvent, renderRestoreEvent } from '../../src/engine/render/dataText';
import { renderSandboxEvent } from '../../src/engine/render/sandboxText';
import type { CallReply } from '../../src/engine/ops/call';
import type { JoinEvent } from '../../src/engine/ops/joinWait';
import { renderSetTimeoutEvent } from '../../src/engine/render/setTimeoutText';
import type { SetTimeoutEvent } from '../../src/engine/ops/setTimeout';

const node = (port: number) => ({ id: String(port).repeat(8).slice(0, 40), addr: `127.0.0.1:${port}` });

test('set-timeout: refusal, per-node lines in order, the tally and the unpersisted warning', () => {
  assert.deepEqual(renderSetTimeoutEvent({ kind: 'set-timeout-refused', timeoutMs: 50 }), [
    err('Setting a node timeout of less than 100 milliseconds is a bad idea.\n'),
  ]);
  const events: SetTimeoutEvent[] = [
    { kind: 'load', skipped: [], orphanReplicas: [] },
    { kind: 'set-timeout-start' },
    { kind: 'set-timeout-node', result: { node: node(7000), ok: true, persisted: true } },
    { kind: 'set-timeout-node', result: { node: node(7001), ok: true, persisted: false, rewriteError: 'ERR no config file' } },
    { kind: 'set-timeout-node', result: { node: node(7002), ok: false, persisted: false, error: 'NOPERM' } },
    { kind: 'set-timeout-done', ok: 2, failed: 1, unpersisted: 1 },
  ];
  const chunks = renderEvents(events, renderSetTimeoutEvent);
  assert.deepEqual(chunks.slice(0, 4), [
    out('>>> Reconfiguring node timeout in every cluster node...\n', 'info'),
    out('*** New timeout set for 127.0.0.1:7000\n', 'warn'),
    out('*** New timeout set for 127.0.0.1:7001 (in effect, not persisted: ERR no config file)\n', 'warn'),
    out('ERR setting node-timeout for 127.0.0.1:7002: NOPERM\n', 'error'),
  ]);
  assert.deepEqual(chunks[4], out('>>> New node timeout set. 2 OK, 1 ERR.\n', 'info'));
  assert.match(chunks[5]!.text, /^\*\*\* 1 node\(s\) could not save the new timeout/);
  assert.equal(chunks.length, 6);
  assert.equal(renderSetTimeoutEvent({ kind: 'set-timeout-done', ok: 3, failed: 0, unpersisted: 0 }).length, 1);
});

test('call: the banner with each argument, replies in raw format with the -d delimiter, the aborted line', () => {
  const reply = (port: number, r: object): CallReply => ({ node: node(port), role: 'master', ...r }) as CallReply;
  assert.deepEqual(renderCallEvent({ kind: 'call-start', argv: ['SET', 'k', 'v'] }), [
    out('>>> Calling', 'info'),
    out(' SET'),
    out(' k'),
    out(' v'),
    out('\n'),
  ]);
  assert.deepEqual(renderCallEvent({ kind: 'call-reply', reply: reply(7000, { ok: true, reply: ['a', 'b', { error: 'ERR x' }] }) }, ','), [
    out('127.0.0.1:7000: a,b,ERR x\n\n'),
  ]);
  assert.deepEqual(renderCallEvent({ kind: 'call-reply', reply: reply(7001, { ok: false, error: 'ERR no', transport: false }) }), [
    out('127.0.0.1:7001: ERR no\n\n'),
  ]);
  assert.deepEqual(renderCallEvent({ kind: 'call-reply', reply: reply(7002, { ok: false, error: 'down', transport: true }) }), [
    out('127.0.0.1:7002: Failed!\n'),
  ]);
  assert.deepEqual(renderCallEvent({ kind: 'call-aborted', command: 'FLUSHALL' }), [out('*** Aborted: FLUSHALL was not sent to any node.\n', 'error')]);
});

test('join wait: banner, a dot a second, the newline; a failed quiet wait prints its banner late, the links and the reason', () => {
  const events: JoinEvent[] = [
    { kind: 'join-start', banner: 'Waiting for the cluster to join' },
    { kind: 'join-dot' },
    { kind: 'join-dot' },
    { kind: 'join-done' },
  ];
  assert.equal(streamText(renderEvents(events, renderJoinEvent), 'stdout'), 'Waiting for the cluster to join\n..\n');
  const failed = renderJoinEvent({
    kind: 'join-failed',
    banner: 'Waiting for the cluster to join',
    problems: [['127.0.0.1:7001@17001', ['127.0.0.1:7000']]],
    waitedMs: 2600,
    reason: 'x does not know node y yet',
  });
  const text = streamText(failed, 'stdout');
  assert.ok(text.startsWith('Waiting for the cluster to join\n\nWarning: 1 node(s) may be unreachable\n'), text);
  assert.ok(text.endsWith('[ERR] Gave up waiting after 3 s: x does not know node y yet.\n'), text);
});

test('replicate and failover: their lines, and the shared reply-error and join lines', () => {
  assert.deepEqual(renderReplicateEvent({ kind: 'replicate-owns-slots', addr: 'h:1', slots: 5 }), [
    out('[ERR] Node h:1 is a master with 5 slots: move its slots away first.\n', 'error'),
  ]);
  assert.deepEqual(renderReplicateEvent({ kind: 'reply-error', addr: 'h:1', error: 'ERR nope' }), [out('Node h:1 replied with error:\nERR nope\n', 'error')]);
  assert.deepEqual(renderReplicateEvent({ kind: 'join-dot' }), [out('.')]);
  assert.deepEqual(renderFailoverEvent({ kind: 'failover-send', addr: 'h:2', args: ['FORCE'], master: 'h:1' }), [
    out('>>> Sending CLUSTER FAILOVER FORCE to h:2, replica of h:1\n', 'info'),
  ]);
  assert.deepEqual(renderFailoverEvent({ kind: 'failover-sync-failed', addr: 'h:2', state: 'master_link_status:down' }), [
    out('\n'),
    out('[ERR] h:2 is not in sync with its master (master_link_status:down); if the master is down, use --force.\n', 'error'),
  ]);
});

test('del-node: the rcm: lines for an unknown id and a node that owns slots; valkey-cli 9 alone ends with [OK]', () => {
  assert.deepEqual(renderDelNodeEvent({ kind: 'del-node-no-such-node', nodeId: 'abc', candidates: [{ id: 'a'.repeat(40), host: 'h', port: 1 }] }), [
    out('[ERR] No such node ID abc\n', 'error'),
    err(`rcm: the nodes are: ${'a'.repeat(40)} (h:1)\n`),
  ]);
  const notEmpty = renderDelNodeEvent({ kind: 'del-node-not-empty', node: { id: 'n1', host: 'h', port: 2 }, slots: 7, entry: 'h:1' });
  assert.deepEqual(notEmpty[0], out('[ERR] Node h:2 is not empty! Reshard data away and try again.\n', 'error'));
  assert.match(notEmpty[1]!.text, /^rcm: it still owns 7 slot\(s\); move them first, e\.g\. rcm reshard h:1 --cluster-from n1 /);
  assert.deepEqual(renderDelNodeEvent({ kind: 'del-node-removed', nodeId: 'abc', dialect: 'redis' }), []);
  assert.deepEqual(renderDelNodeEvent({ kind: 'del-node-removed', nodeId: 'abc', dialect: 'valkey' }), [
    out('[OK] Node abc removed from the cluster.\n', 'ok'),
  ]);
});

test("add-node and create: the master word follows the dialect; a rejected fresh node in redis-cli's words", () => {
  assert.deepEqual(renderAddNodeEvent({ kind: 'add-node-master-selected', master: 'h:1', dialect: 'redis' }), [out('Automatically selected master h:1\n')]);
  assert.deepEqual(renderAddNodeEvent({ kind: 'add-node-master-selected', master: 'h:1', dialect: 'valkey' }), [out('Automatically selected primary h:1\n')]);
  assert.deepEqual(renderAddNodeEvent({ kind: 'functions-present' }), [
    out('>>> New node already contains functions and can not be added to the cluster. Use FUNCTION FLUSH and try again.\r\n', 'error'),
  ]);
  assert.deepEqual(renderCreateEvent({ kind: 'fresh-rejected', addr: 'h:1', problem: { kind: 'not-empty', servedSlots: 3 } }), [
    out('[ERR] Node h:1 is not empty. It already serves 3 hash slots (see CLUSTER NODES); run CLUSTER RESET on it first.\n', 'error'),
  ]);
  assert.deepEqual(renderCreateEvent({ kind: 'fresh-rejected', addr: 'h:1', problem: { kind: 'invalid-nodes' } }), [
    err('Error: invalid CLUSTER NODES reply\n'),
  ]);
  assert.deepEqual(renderCreateEvent({ kind: 'bad-meet-host', host: 'nowhere' }), [err('Invalid IP address or hostname specified: nowhere\n')]);
  assert.deepEqual(renderCreateEvent({ kind: 'create-configured' }), [
    out('>>> Nodes configuration updated\n', 'info'),
    out('>>> Assign a different config epoch to each node\n', 'info'),
  ]);
});

test('restore: the skipped and existing-keys warnings, the summary line', () => {
  assert.deepEqual(renderRestoreEvent({ kind: 'restore-other-db', db: 3 }), [out('*** Skipping keys of database 3: a cluster has only database 0.\n', 'warn')]);
  assert.deepEqual(renderRestoreEvent({ kind: 'restore-existing', keys: 3, sample: ['a', 'b'] }), [
    out('*** 3 key(s) already exist in the cluster and were left untouched (use --cluster-replace to overwrite them): a, b, … (1 more)\n', 'warn'),
  ]);
  assert.deepEqual(renderRestoreEvent({ kind: 'restore-done', restored: 10, files: 2, seconds: 1.234 }), [
    out('[OK] Restored 10 keys from 2 RDB file(s) in 1.23s.\n', 'ok'),
  ]);
  assert.deepEqual(renderRestoreEvent({ kind: 'restore-failed', message: 'No backup here.' }), [err('[ERR] No backup here.\n')]);
});

test("backup: redis-cli's stderr lines of a transfer, and its green [ERR] after a failed nodes.json", () => {
  assert.deepEqual(renderBackupEvent({ kind: 'backup-sync-started', file: '/d/f.rdb', length: 42 }), [
    err("SYNC sent to master, writing 42 bytes to '/d/f.rdb'\n"),
  ]);
  assert.deepEqual(renderBackupEvent({ kind: 'backup-sync-finished', eofBytes: null }), [err('Transfer finished with success.\n')]);
  assert.deepEqual(renderBackupEvent({ kind: 'backup-node-failed', message: 'boom', addr: 'h:1' }), [err('h:1: boom\n')]);
  assert.deepEqual(renderBackupEvent({ kind: 'backup-config-failed', path: '/d/nodes.json' }), [
    out('Could not save nodes to: /d/nodes.json\n', 'error'),
    out('[ERR] Failed to back cluster!\n', 'ok'),
  ]);
});

test('import: two chunks per migrated key, the failed MIGRATE with and without its key, the TLS reason', () => {
  assert.deepEqual(renderImportEvent({ kind: 'import-migrated', keys: ['a', 'b'], addr: 'h:1' }), [
    out('Migrating a to h:1: '),
    out('OK\n', 'ok'),
    out('Migrating b to h:1: '),
    out('OK\n', 'ok'),
  ]);
  assert.deepEqual(renderImportEvent({ kind: 'import-migrate-failed', key: 'k', addr: 'h:1', src: 's:2', error: 'ERR x' }), [
    out('Migrating k to h:1: '),
    out('Source s:2 replied with error:\nERR x\n', 'error'),
  ]);
  assert.deepEqual(renderImportEvent({ kind: 'import-migrate-failed', key: null, addr: 'h:1', src: 's:2', error: 'ERR x' }), [
    out('Source s:2 replied with error:\nERR x\n', 'error'),
  ]);
  assert.deepEqual(renderImportEvent({ kind: 'import-source-connect-failed', src: 's:2', reason: 'bad cert', tls: true }), [
    err('Could not connect to Redis at s:2: TLS error: bad cert.\n'),
  ]);
});

test('sandbox: status lines per node and the verdict; up hands create its events', () => {
  const state = {
    version: 1 as const,
    dir: '/s',
    host: '127.0.0.1',
    masters: 1,
    replicas: 0,
    redisVersion: '7.0.15',
    createdAt: '',
    nodes: [{ port: 7000, pid: 1, dir: '/s/7000' }],
  };
  const status = renderSandboxEvent({ kind: 'sandbox-status', dir: '/s', state, nodes: [{ port: 7000, pid: 1, running: false }] });
  assert.equal(
    streamText(status, 'stdout'),
    'Sandbox in /s: 1 masters, 0 replicas, redis-server 7.0.15\n127.0.0.1:7000  pid 1  stopped\n[ERR] 1 of 1 nodes are not running.\n',
  );
  assert.deepEqual(renderSandboxEvent({ kind: 'create-meet' }), [out('>>> Sending CLUSTER MEET messages to join the cluster\n', 'info')]);
});
