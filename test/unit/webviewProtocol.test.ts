/** The migration panel's host ⇄ webview protocol: messages round-trip, bad input is refused, state transitions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LOG_LIMIT,
  PROTOCOL_VERSION,
  applyDelta,
  isHostToWebview,
  isPanelSnapshot,
  isPersistedState,
  parseWebviewToHost,
  reduceSnapshot,
  type HostToWebview,
  type LogEntry,
  type PanelSnapshot,
  type PlanView,
  type ProgressDelta,
  type WebviewToHost,
} from '../../src/shared/protocol';

const viaJson = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

const view: PlanView = {
  kind: 'rebalance',
  clusterName: 'local',
  entry: '127.0.0.1:7000',
  nodes: [
    { id: 'a'.repeat(40), addr: '127.0.0.1:7000', slots: [{ start: 0, end: 8191 }], slotCount: 8192, slotsAfter: 5462, weight: 1, flags: [] },
    { id: 'b'.repeat(40), addr: '127.0.0.1:7001', slots: [{ start: 8192, end: 16383 }], slotCount: 8192, slotsAfter: 5461, weight: 1, flags: [] },
    { id: 'c'.repeat(40), addr: '127.0.0.1:7002', slots: [], slotCount: 0, slotsAfter: 5461, weight: 1, flags: [] },
  ],
  openSlots: [{ slot: 5, nodeId: 'a'.repeat(40), state: 'migrating', peerId: 'b'.repeat(40) }],
  plan: null,
  groups: [{ sourceId: 'a'.repeat(40), targetId: 'c'.repeat(40), slots: [{ start: 0, end: 2729 }], slotCount: 2730 }],
  totalSlots: 2730,
  rebalance: { weights: [], threshold: 2, useEmptyMasters: true },
  settings: { timeoutMs: 60000, replace: false },
};

const snapshot: PanelSnapshot = {
  version: PROTOCOL_VERSION,
  panelId: 'p1',
  clusterId: 'c1',
  phase: 'preview',
  view,
  doneSlots: [],
  run: null,
  log: [],
  summary: null,
};

const progress = { slotsDone: 10, totalSlots: 2730, keysMoved: 100, keysTotal: 5000, elapsedMs: 1000, keysPerSec: 100, etaSec: 49 };

const delta = (newlyDone: number[], log: LogEntry[] = []): ProgressDelta => ({
  progress,
  groups: [{ sourceId: 'a'.repeat(40), targetId: 'c'.repeat(40), slotsDone: newlyDone.length, slots: 2730, keysMoved: 100, state: 'running' }],
  newlyDone,
  log,
  stopping: false,
});

const everyWebviewMessage: WebviewToHost[] = [
  { type: 'ready', protocol: PROTOCOL_VERSION },
  { type: 'cancelRun' },
  { type: 'dismiss' },
  { type: 'revealNode', nodeId: 'a'.repeat(40) },
  { type: 'viewCheck' },
  { type: 'execute', requestId: 1 },
  { type: 'resume', requestId: 2 },
  { type: 'exportPlan', requestId: 3 },
  { type: 'loadKeyCounts', requestId: 4 },
  { type: 'recompute', requestId: 5, options: { weights: ['abc=2', 'def=0'], threshold: 1.5, useEmptyMasters: true } },
];

const everyHostMessage: HostToWebview[] = [
  { type: 'init', locale: 'zh-cn', strings: { 'action.execute': '执行' }, mode: 'live', snapshot, running: false, canResume: false },
  { type: 'init', locale: 'en', strings: {}, mode: 'restored', running: false, canResume: true },
  { type: 'plan', view },
  {
    type: 'keyCounts',
    entries: [
      [0, 12],
      [16383, 0],
    ],
    done: true,
  },
  { type: 'runStarted', run: { progress, groups: [], stopping: false, journalPath: '/tmp/j.jsonl' }, doneSlots: [] },
  { type: 'progress', delta: delta([0, 1, 2]) },
  {
    type: 'runFinished',
    delta: delta([]),
    summary: {
      status: 'done',
      slotsMoved: 2730,
      totalSlots: 2730,
      keysMoved: 5000,
      durationMs: 5000,
      keysPerSec: 1000,
      verified: true,
      mismatches: 0,
      alreadyMoved: 0,
      check: { ok: true, findings: [] },
      journalPath: '/tmp/j.jsonl',
      resumable: false,
    },
  },
  { type: 'demoted', nodes: [{ addr: '127.0.0.1:7002', masterAddr: '127.0.0.1:7000' }] },
  { type: 'response', requestId: 7, ok: true },
  { type: 'response', requestId: 8, ok: false, error: '*** No such master node zz' },
];

test('every webview → host message survives postMessage (JSON) and validation unchanged', () => {
  for (const m of everyWebviewMessage) assert.deepEqual(parseWebviewToHost(viaJson(m)), m, m.type);
});

test('every host → webview message survives JSON and is recognised', () => {
  for (const m of everyHostMessage) {
    const back = viaJson(m);
    assert.deepEqual(back, m, m.type);
    assert.ok(isHostToWebview(back), m.type);
  }
});

test('the host refuses malformed or unknown webview messages', () => {
  const bad: unknown[] = [
    null,
    42,
    'ready',
    [],
    {},
    { type: 'nope' },
    { type: 'ready' },
    { type: 'ready', protocol: '1' },
    { type: 'execute' },
    { type: 'execute', requestId: 1.5 },
    { type: 'execute', requestId: '1' },
    { type: 'revealNode' },
    { type: 'revealNode', nodeId: 5 },
    { type: 'revealNode', nodeId: 'x'.repeat(65) },
    { type: 'recompute', requestId: 1 },
    { type: 'recompute', requestId: 1, options: { weights: 'a=1', threshold: 2, useEmptyMasters: false } },
    { type: 'recompute', requestId: 1, options: { weights: [1], threshold: 2, useEmptyMasters: false } },
    { type: 'recompute', requestId: 1, options: { weights: [], threshold: null, useEmptyMasters: false } },
    { type: 'recompute', requestId: 1, options: { weights: [], threshold: 2, useEmptyMasters: 'yes' } },
  ];
  for (const b of bad) assert.equal(parseWebviewToHost(b), undefined, JSON.stringify(b));
});

test('validation keeps only declared fields (nothing extra reaches the host)', () => {
  const parsed = parseWebviewToHost({ type: 'execute', requestId: 3, plan: { evil: true } });
  assert.deepEqual(parsed, { type: 'execute', requestId: 3 });
  const r = parseWebviewToHost({ type: 'recompute', requestId: 1, options: { weights: ['a=1'], threshold: 2, useEmptyMasters: false, x: 1 } });
  assert.deepEqual(r, { type: 'recompute', requestId: 1, options: { weights: ['a=1'], threshold: 2, useEmptyMasters: false } });
});

test('foreign messages are not taken for host messages', () => {
  for (const m of [null, {}, { type: 'ready' }, { type: 'execute', requestId: 1 }, 'init']) assert.equal(isHostToWebview(m), false);
});

test('a run folds into the snapshot: started, progress, finished; a new plan resets it', () => {
  let s = reduceSnapshot(snapshot, everyHostMessage[4]!);
  assert.equal(s.phase, 'running');
  assert.equal(s.run?.journalPath, '/tmp/j.jsonl');
  s = reduceSnapshot(s, { type: 'progress', delta: delta([0, 1], [{ atMs: 1, level: 'info', text: 'a' }]) });
  s = reduceSnapshot(s, { type: 'progress', delta: delta([2], [{ atMs: 2, level: 'warn', text: 'b' }]) });
  assert.deepEqual(s.doneSlots, [0, 1, 2]);
  assert.deepEqual(
    s.log.map((l) => l.text),
    ['a', 'b'],
  );
  assert.equal(s.run?.journalPath, '/tmp/j.jsonl', 'deltas keep the journal path');
  s = reduceSnapshot(s, everyHostMessage[6]!);
  assert.equal(s.phase, 'finished');
  assert.equal(s.summary?.status, 'done');
  const again = reduceSnapshot(s, { type: 'plan', view });
  assert.equal(again.phase, 'preview');
  assert.deepEqual([again.doneSlots, again.log, again.run, again.summary], [[], [], null, null]);
});

test('#16 (7): the masters a run emptied that became replicas are added to its summary, not to a panel without one', () => {
  const finished = reduceSnapshot(reduceSnapshot(snapshot, everyHostMessage[4]!), everyHostMessage[6]!);
  const nodes = [{ addr: '127.0.0.1:7002', masterAddr: '127.0.0.1:7000' }];
  const s = reduceSnapshot(finished, { type: 'demoted', nodes });
  assert.deepEqual(s.summary?.demoted, nodes);
  assert.equal(s.summary?.status, 'done', 'the rest of the summary is kept');
  assert.equal(reduceSnapshot(finished, { type: 'demoted', nodes: [] }), finished, 'nothing to add');
  assert.equal(reduceSnapshot(snapshot, { type: 'demoted', nodes }), snapshot, 'no summary (a new plan replaced it): unchanged');
});

test('a resumed run starts from the slots its journal recorded as done', () => {
  const s = reduceSnapshot(
    { ...snapshot, phase: 'finished', doneSlots: [1] },
    { type: 'runStarted', run: { progress, groups: [], stopping: false }, doneSlots: [1, 2, 3] },
  );
  assert.deepEqual(s.doneSlots, [1, 2, 3]);
  assert.equal(s.summary, null);
});

test('the log is capped so a long run cannot grow the state without bound', () => {
  let s = snapshot;
  for (let i = 0; i < 3; i++) {
    const log = Array.from({ length: 300 }, (_, j) => ({ atMs: i * 300 + j, level: 'info' as const, text: `${i * 300 + j}` }));
    s = applyDelta(s, delta([], log));
  }
  assert.equal(s.log.length, LOG_LIMIT);
  assert.equal(s.log[s.log.length - 1]!.text, '899');
  assert.equal(s.log[0]!.text, String(900 - LOG_LIMIT));
});

test('persisted state is recognised only when it is a current snapshot', () => {
  assert.ok(isPanelSnapshot(viaJson(snapshot)));
  assert.ok(isPersistedState(viaJson({ snapshot, keyCounts: null, shadeByKeys: false })));
  assert.ok(isPersistedState(viaJson({ snapshot, keyCounts: [1, 2], shadeByKeys: true, strings: {} })));
  assert.equal(isPersistedState({ snapshot: { ...snapshot, version: 0 }, keyCounts: null, shadeByKeys: false }), false);
  assert.equal(isPersistedState({ snapshot: { ...snapshot, phase: 'weird' }, keyCounts: null, shadeByKeys: false }), false);
  assert.equal(isPersistedState({ snapshot, keyCounts: 'x', shadeByKeys: false }), false);
  assert.equal(isPersistedState(undefined), false);
});
