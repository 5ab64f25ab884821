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
import { renderFixEvent } from '../../src/engine/render/fixText';
import type { FixEvent } from '../../src/engine/fix/events';
import { analyzeOpenSlot } from '../../src/engine/fix/analysis';
import { checkCluster } from '../../src/engine/check/check';
import { summarizeCluster } from '../../src/engine/check/summary';
import { master, topology } from '../fixtures/topologyBuilder';

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

const fixText = (events: readonly FixEvent[], stream: 'stdout' | 'stderr' = 'stdout'): string => streamText(renderEvents(events, renderFixEvent), stream);

test('fix: the summary and the check up to the coverage stage, after the load messages (printed once, by the load event)', () => {
  const A = 'a'.repeat(40);
  const t = topology([master(A, 7000, [{ start: 0, end: 16383 }], { migrating: [{ slot: 5, peerId: 'b'.repeat(40) }] })], {
    skipped: [
      { id: 'c'.repeat(40), host: '127.0.0.1', port: 7002, role: 'master', flags: ['master'], slots: [], reason: { kind: 'load-failed', error: 'ERR x' } },
    ],
  });
  const events: FixEvent[] = [
    { kind: 'load', skipped: t.skipped, orphanReplicas: [] },
    { kind: 'fix-check', topology: t, summary: summarizeCluster(t), check: checkCluster(t) },
  ];
  assert.equal(
    fixText(events),
    [
      '[ERR] Unable to load info for node 127.0.0.1:7002\n',
      '127.0.0.1:7000 (aaaaaaaa...) -> 0 keys | 16384 slots | 0 slaves.\n',
      '[OK] 0 keys in 1 masters.\n',
      '0.00 keys per slot on average.\n',
      '>>> Performing Cluster Check (using node 127.0.0.1:7000)\n',
      `M: ${A} 127.0.0.1:7000\n   slots:[0-16383] (16384 slots) master\n`,
      '[OK] All nodes agree about slots configuration.\n',
      '>>> Check for open slots...\n',
      '[WARNING] Node 127.0.0.1:7000 has slots in migrating state 5.\n',
      '[WARNING] The following slots are open: 5.\n',
    ].join(''),
  );
  assert.equal(renderFixEvent(events[1]!).filter((c) => c.text.includes('Unable to load')).length, 0);
  assert.deepEqual(renderFixEvent({ kind: 'fix-coverage-check' }), [out('>>> Check slots coverage...\n', 'info')]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-coverage-result', uncovered: 0 }), [out('[OK] All 16384 slots covered.\n', 'ok')]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-coverage-result', uncovered: 3 }), [out('[ERR] Not all 16384 slots are covered by nodes.\n\n', 'error')]);
});

test('fix: an open slot names its nodes by the addresses the event carries; election, case lines, the unhandled case per CLI', () => {
  const addrs = { A: '127.0.0.1:7000', B: '127.0.0.1:7001' };
  const st = (id: string, o: { c?: boolean; m?: string; i?: string; k?: number }) => ({
    id,
    claims: o.c ?? false,
    migratingTo: o.m ?? null,
    importingFrom: o.i ?? null,
    keys: o.k ?? 0,
  });
  const case1 = analyzeOpenSlot(42, [st('A', { c: true, m: 'B', k: 1 }), st('B', { i: 'A' })]);
  assert.equal(case1.action.kind, 'case1');
  assert.deepEqual(renderFixEvent({ kind: 'fix-open-slot', analysis: case1, addrs }), [
    out('>>> Fixing open slot 42\n', 'info'),
    out('Set as migrating in: 127.0.0.1:7000\n'),
    out('Set as importing in: 127.0.0.1:7001\n'),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-case', analysis: case1, addrs }), [
    out('>>> Case 1: Moving slot 42 from 127.0.0.1:7000 to 127.0.0.1:7001\n', 'info'),
  ]);
  const case2 = analyzeOpenSlot(7, [st('A', { c: true, k: 5 }), st('B', { i: 'A', k: 1 })]);
  assert.equal(case2.action.kind, 'case2');
  assert.deepEqual(renderFixEvent({ kind: 'fix-case', analysis: case2, addrs }), [
    out('>>> Case 2: Moving all the 7 slot keys to its owner 127.0.0.1:7000\n', 'info'),
  ]);
  // An id the event has no address for is printed as it is (never a lookup in some topology).
  assert.deepEqual(renderFixEvent({ kind: 'fix-case', analysis: case1, addrs: { A: addrs.A } }), [
    out('>>> Case 1: Moving slot 42 from 127.0.0.1:7000 to B\n', 'info'),
  ]);
  const unhandled = { ...case1, action: { kind: 'unhandled' as const, owner: 'A' } };
  assert.deepEqual(renderFixEvent({ kind: 'fix-case', analysis: unhandled, addrs }), []);
  assert.deepEqual(renderFixEvent({ kind: 'fix-unhandled', analysis: unhandled, addrs, dialect: 'valkey' }), [
    out(
      "[ERR] Sorry, valkey-cli can't fix this slot yet (work in progress). Slot is set as migrating in 127.0.0.1:7000, as importing in 127.0.0.1:7001, owner is 127.0.0.1:7000\n",
      'error',
    ),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-no-owner' }), [
    out('>>> No single clear owner for the slot, selecting an owner by # of keys...\n', 'info'),
    out("[ERR] Can't select a slot owner. Impossible to fix.\n", 'error'),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-elect-owner', owner: '127.0.0.1:7001' }), [
    out('>>> No single clear owner for the slot, selecting an owner by # of keys...\n', 'info'),
    out('*** Configuring 127.0.0.1:7001 as the slot owner\n', 'warn'),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-not-confirmed', slot: 42 }), [out('*** Slot 42 left as it is (not confirmed).\n', 'warn')]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-setting-stable', slot: 7, node: '127.0.0.1:7001' }), [
    out('>>> Setting 7 as STABLE in 127.0.0.1:7001\n', 'info'),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-repoint', slot: 9, node: 'h:1', marker: 'importing', from: 'h:2', to: 'h:3' }), [
    out('*** h:1 imports slot 9 from h:2, which is no longer a master: re-pointing it to h:3, the current master of that shard\n', 'warn'),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-replica-open-slots', slots: [3, 4], replica: 'h:1', primary: 'h:2' }), [
    out('>>> Closing slot(s) 3,4 left open on replica h:1 (CLUSTER SETSLOT STABLE on its primary h:2)\n', 'info'),
  ]);
});

test('fix: a move prints its dots on one line per CLI; coverage groups, covering lines and the last lines', () => {
  const move = (dialect: 'redis' | 'valkey'): FixEvent[] => [
    { kind: 'fix-moving-slot', slot: 5, from: 'h:1', to: 'h:2', dialect },
    { kind: 'fix-dots', count: 3 },
    { kind: 'fix-dots', count: 2 },
    { kind: 'fix-move-end' },
  ];
  assert.equal(fixText(move('redis')), 'Moving slot 5 from h:1 to h:2: .....\n');
  assert.equal(fixText(move('valkey')), 'Moving slot 5 from h:1 to h:2.....\n');
  assert.equal(
    fixText([
      { kind: 'fix-coverage-start' },
      { kind: 'fix-uncovered-group', group: 'none', slots: [1, 2, 3, 9] },
      { kind: 'fix-covering-slot', slot: 1, node: 'h:1', moving: false },
      { kind: 'fix-uncovered-group', group: 'multi', slots: [20] },
      { kind: 'fix-covering-slot', slot: 20, node: 'h:2', moving: true },
    ]),
    [
      '>>> Fixing slots coverage...\n',
      'The following uncovered slots have no keys across the cluster:\n[1-3],[9]\n',
      '>>> Covering slot 1 with h:1\n',
      'The following uncovered slots have keys in multiple nodes:\n[20]\n',
      '>>> Covering slot 20 moving keys to h:2\n',
    ].join(''),
  );
  assert.deepEqual(renderFixEvent({ kind: 'fix-unreachable-guard', stage: 'open-slots', count: 1, dialect: 'valkey' }), [
    out(
      '*** Fixing open slots with 1 unreachable primaries is dangerous: valkey-cli will assume that slots about primaries that are not reachable are not covered, and will try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want to do. If you really want to proceed use the --cluster-fix-with-unreachable-primaries option.\n',
      'warn',
    ),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-conflicts-left', count: 2 }), [
    out("[ERR] 2 key(s) left with different copies on two nodes (listed above): the owner's copies were kept; resolve the others by hand.\n", 'error'),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-failed', message: 'Connection lost' }), [err('Connection lost\n')]);
  assert.deepEqual(renderFixEvent({ kind: 'reply-error', addr: 'h:1', error: 'ERR x' }), [out('Node h:1 replied with error:\nERR x\n', 'error')]);
});

test('fix: multiple owners, orphan keys, BUSYKEY, kept copies and the waits', () => {
  assert.equal(
    fixText([
      { kind: 'fix-multiple-owners-check' },
      { kind: 'fix-multiple-owners', slot: 8, owners: ['h:1', 'h:2'] },
      { kind: 'fix-multiple-owners-fixing', slot: 8, owner: 'h:2' },
      { kind: 'fix-multiple-owners-failed', slot: 8 },
      { kind: 'fix-no-multiple-owners' },
    ]),
    [
      '>>> Check for multiple slot owners...\n',
      '[WARNING] Slot 8 has 2 owners:\n    h:1\n    h:2\n',
      '>>> Fixing multiple owners for slot 8...\n>>> Setting slot 8 owner: h:2\n',
      'Failed to fix multiple owners for slot 8\n',
      '[OK] No multiple owners found.\n',
    ].join(''),
  );
  assert.equal(
    fixText([{ kind: 'fix-orphans', findings: [{ node: { id: 'A', addr: 'h:1' }, keys: 3, slots: [4, 5, 6] }] }, { kind: 'fix-orphans-not-confirmed' }]),
    '>>> Fixing orphan keys (keys a master holds in slots it neither owns nor imports)...\n' +
      '[ERR] Node h:1 holds 3 key(s) in 3 slot(s) it does not own (slots 4-6): no client can reach them.\n' +
      '*** Orphan keys left as they are (not confirmed).\n',
  );
  assert.deepEqual(renderFixEvent({ kind: 'fix-busy-keys', action: 'replaced' }), [
    out('\n*** Target key exists\n', 'warn'),
    out('*** Replacing target keys...\n', 'warn'),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-busy-keys', action: 'refused' }), [
    out('\n*** Target key exists\n', 'warn'),
    out('*** Checking key values on both nodes...\n', 'warn'),
  ]);
  assert.equal(
    fixText([{ kind: 'fix-differing-keys', keys: ['k1'], source: 'h:1', target: 'h:2' }]),
    '*** Found 1 key(s) in both source node and target node having different values.\n    Source node: h:1\n    Target node: h:2\n    Keys(s):\n    - k1\n' +
      'Please fix the above key(s) manually and try again or relaunch the command \nwith --cluster-replace option to force key overriding.\n',
  );
  const copy = (bytes: number | null, ttlMs: number) => ({ type: 'string', bytes, ttlMs });
  const kept = renderFixEvent({
    kind: 'fix-kept-copies',
    conflicts: [{ slot: 1, key: 'k', served: 'h:2', other: 'h:1', servedCopy: copy(5, -1), otherCopy: copy(null, 100) }],
  });
  assert.equal(kept[1]!.text, '    - k (target: string, 5 bytes, no TTL; source: string, ? bytes, TTL 100 ms)\n');
  assert.equal(kept.length, 3);
  assert.deepEqual(renderFixEvent({ kind: 'fix-cluster-down-wait', node: 'h:1' }), [
    err('rcm: h:1 still sees the cluster down (it has not heard yet that the slots were covered); waiting for its cluster state to turn ok.\n'),
  ]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-slot-not-served', target: 'h:2' }), [out('*** Slot was not served, setting owner to node h:2.\n', 'warn')]);
  assert.deepEqual(renderFixEvent({ kind: 'fix-owner-unknown', node: 'h:1', slot: 7, owner: 'h:2' }), [
    err('rcm: h:1 has not learned that h:2 serves slot 7; its keys of the slot stay there (run "rcm fix" again once the nodes agree).\n'),
  ]);
});
