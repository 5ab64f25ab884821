/**
 * The migration panel's host side without VS Code: plan view data (totals equal
 * the engine's plan, no secrets), run aggregation, the progress throttle,
 * strings (zh-cn complete), the CSP, and which journals may be resumed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationService, planRebalance, planReshard, type MigrationEvent, type MovePlan, type Topology } from '../../src/engine';
import { type SlotRange } from '../../src/engine/model/slots';
import { buildPlanView, groupViews, recomputeRebalance, restoredPreview } from '../../src/extension/webview/planView';
import { PROTOCOL_VERSION, type PanelSnapshot } from '../../src/shared/protocol';
import { RunAggregator, Throttle, summaryOf, type Timers } from '../../src/extension/webview/runModel';
import { checkView } from '../../src/shared/checkView';
import { contentSecurityPolicy, newNonce, renderHtml } from '../../src/extension/webview/html';
import { journalInUse, lockJournal, unlockJournal } from '../../src/engine/io/journalFile';
import { isOwnJournal, journalDir } from '../../src/extension/webview/panelJournals';
import { languageCandidates, loadStrings } from '../../src/extension/webview/strings';
import { EN_STRINGS, formatString, mergeStrings, translator } from '../../src/shared/strings';
import { master, replica, topology } from '../fixtures/topologyBuilder';

const A = 'e91a4871eacef001dd371ef3db5455a4b067d077';
const B = 'b9fec5fafec475c53e824d8ada0d38f8c7d9c4b0';
const C = 'a1cf67bee74e291bd72d9785b3e0b1ce79a4a2ba';
const D = 'd4c0ffee00000000000000000000000000000004';
const r = (start: number, end: number): SlotRange => ({ start, end });
const t = translator(EN_STRINGS);

function unbalanced(): Topology {
  return topology([
    master(A, 7000, [r(0, 8191)], { migrating: [{ slot: 100, peerId: B }] }),
    master(B, 7001, [r(8192, 12287)]),
    master(C, 7002, [r(12288, 16383)]),
    master(D, 7003, []),
    replica('f'.repeat(40), 7004, A),
  ]);
}

const settings = { timeoutMs: 60000, replace: false };

test('the plan view shows exactly the engine plan: totals, groups, ranges', () => {
  const topo = unbalanced();
  const plan = planRebalance(topo, { useEmptyMasters: true }) as MovePlan;
  const view = buildPlanView({ kind: 'rebalance', clusterName: 'x', topology: topo, plan, rebalanceOptions: { useEmptyMasters: true }, settings });
  assert.equal(view.totalSlots, plan.totalSlots);
  assert.equal(view.totalSlots, plan.moves.length);
  assert.equal(
    view.groups.reduce((a, g) => a + g.slotCount, 0),
    plan.moves.length,
  );
  const fromGroups = view.groups.flatMap((g) =>
    g.slots.flatMap((x) => Array.from({ length: x.end - x.start + 1 }, (_, i) => `${x.start + i}:${g.sourceId}>${g.targetId}`)),
  );
  assert.deepEqual(new Set(fromGroups), new Set(plan.moves.map((m) => `${m.slot}:${m.sourceId}>${m.targetId}`)));
  assert.deepEqual(
    view.nodes.map((n) => n.addr),
    ['127.0.0.1:7000', '127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7003'],
    'masters only',
  );
  for (const n of view.nodes) {
    const p = plan.nodes.find((x) => x.id === n.id);
    assert.equal(n.slotsAfter, p ? p.slotsAfter : n.slotCount);
    assert.equal(n.weight, 1);
  }
  assert.deepEqual(view.openSlots, [{ slot: 100, nodeId: A, state: 'migrating', peerId: B }]);
  assert.deepEqual(view.rebalance, { weights: [], threshold: 2, useEmptyMasters: true });
  assert.equal(view.plan, plan);
});

test('a reshard plan view: groups per source, no rebalance options', () => {
  const topo = unbalanced();
  const { plan } = planReshard(topo, { from: 'all', to: D, slots: 1000 });
  const view = buildPlanView({ kind: 'reshard', clusterName: 'x', topology: topo, plan, settings: { ...settings, pipeline: 10 } });
  assert.equal(view.totalSlots, 1000);
  assert.deepEqual(
    view.groups.map((g) => g.targetId),
    [A, B, C].map(() => D),
  );
  assert.deepEqual(
    groupViews(plan).map((g) => g.slotCount),
    plan.groups.map((g) => g.slots),
  );
  assert.equal(view.rebalance, undefined);
  assert.equal(view.nodes[0]!.weight, undefined);
  assert.equal(view.settings.pipeline, 10);
});

test('nothing to do, recompute with other options, refused options', () => {
  const topo = topology([master(A, 7000, [r(0, 8191)]), master(B, 7001, [r(8192, 16383)]), master(D, 7003, [])]);
  const balanced = planRebalance(topo, {});
  const view = buildPlanView({ kind: 'rebalance', clusterName: 'x', topology: topo, plan: balanced, rebalanceOptions: {}, settings });
  assert.equal(view.plan, null);
  assert.deepEqual(view.nothingToDo, { reason: 'balanced', threshold: 2 });
  const again = recomputeRebalance(topo, { weights: [' ', `${A.slice(0, 6)}=3`], threshold: 2, useEmptyMasters: true });
  assert.deepEqual(again, planRebalance(topo, { weights: [`${A.slice(0, 6)}=3`], threshold: 2, useEmptyMasters: true }));
  const weighted = buildPlanView({
    kind: 'rebalance',
    clusterName: 'x',
    topology: topo,
    plan: again,
    rebalanceOptions: { weights: [`${A.slice(0, 6)}=3`], useEmptyMasters: true },
    settings,
  });
  assert.equal(weighted.nodes.find((n) => n.id === A)!.weight, 3);
  assert.throws(() => recomputeRebalance(topo, { weights: ['zzzz=1'], threshold: 2, useEmptyMasters: false }), /No such master node/);
  assert.throws(() => recomputeRebalance(topo, { weights: [], threshold: 0, useEmptyMasters: false }), /threshold/);
});

test('no credentials ever reach the view data', () => {
  // Every input object carries the secrets, the way a careless spread of connection options would put them there.
  const secret = 'S3cr3t-pw-0f-the-user';
  const conn = { username: 'admin', password: secret, tls: { ca: `-----BEGIN CERTIFICATE-----${secret}` } };
  const base = unbalanced();
  const topo = { ...base, ...conn, entry: { ...base.entry, ...conn }, nodes: base.nodes.map((n) => ({ ...n, ...conn })) } as Topology;
  const plan = planRebalance(topo, { useEmptyMasters: true });
  assert.ok(plan.kind !== 'nothing-to-do');
  const view = buildPlanView({
    kind: 'rebalance',
    clusterName: 'x',
    topology: topo,
    plan,
    rebalanceOptions: { useEmptyMasters: true, ...conn } as never,
    settings: { ...settings, ...conn } as typeof settings,
  });
  assert.match(JSON.stringify(topo), new RegExp(secret), 'the inputs do hold the secret');
  assert.ok(view.plan && view.nodes.length > 0, 'the view shows the plan and the nodes');
  assert.doesNotMatch(JSON.stringify(view), /password|S3cr3t|BEGIN CERTIFICATE|"username"/i);
});

function events(plan: MovePlan): MigrationEvent[] {
  const out: MigrationEvent[] = [{ type: 'plan-started', totalSlots: plan.moves.length, keysTotal: plan.moves.length * 10, lanes: 1 }];
  out.push({ type: 'group-started', sourceId: plan.moves[0]!.sourceId, targetId: plan.moves[0]!.targetId, slots: plan.moves.length });
  for (const m of plan.moves) {
    out.push({ type: 'batch', sourceId: m.sourceId, targetId: m.targetId, keys: 10, ms: 1 });
    out.push({ type: 'slot-done', slot: m.slot, sourceId: m.sourceId, targetId: m.targetId, keys: 10 });
  }
  return out;
}

test('the aggregator turns engine events into progress, per-move progress, moved slots and log lines', () => {
  const topo = unbalanced();
  const { plan } = planReshard(topo, { from: [A], to: D, slots: 300 });
  let now = 1000;
  const agg = new RunAggregator(
    plan,
    () => now,
    t,
    (id) => id.slice(0, 4),
  );
  const evs = events(plan);
  evs.slice(0, 2 + 2 * 100).forEach((e) => {
    now += 1;
    agg.onEvent(e);
  });
  const d1 = agg.takeDelta();
  assert.equal(d1.newlyDone.length, 100);
  assert.equal(d1.progress.slotsDone, 100);
  assert.equal(d1.progress.totalSlots, 300);
  assert.equal(d1.progress.keysMoved, 1000);
  assert.ok(d1.progress.etaSec !== null && d1.progress.etaSec > 0);
  assert.deepEqual(
    d1.groups.map((g) => [g.slotsDone, g.slots, g.state]),
    [[100, 300, 'running']],
  );
  assert.deepEqual(
    d1.log.map((l) => l.text),
    ['Started: 300 slots, about 3000 keys, source → target pairs: 1.', `Moving 300 slots from ${A.slice(0, 4)} to ${D.slice(0, 4)}.`],
  );
  // A batch in flight counts before its slot is done.
  agg.onEvent({ type: 'batch', sourceId: A, targetId: D, keys: 7, ms: 1 });
  assert.equal(agg.progress().keysMoved, 1007);
  assert.equal(agg.takeDelta().newlyDone.length, 0, 'nothing pending twice');
  agg.requestStop();
  agg.requestStop();
  evs.slice(2 + 2 * 100).forEach((e) => agg.onEvent(e));
  agg.onEvent({ type: 'error', error: { code: 'migration-failed', message: 'boom' }, slots: [1, 2, 3] });
  const d2 = agg.takeDelta();
  assert.equal(d2.newlyDone.length, 200);
  assert.equal(d2.stopping, true);
  assert.equal(d2.groups[0]!.state, 'done');
  assert.equal(d2.progress.etaSec, 0);
  assert.deepEqual(
    d2.log.map((l) => l.level),
    ['warn', 'info', 'error'],
  );
  assert.match(d2.log[2]!.text, /boom \[1-3\]/);
});

test('a run that ends early: unfinished pairs are stopped and no time left is estimated', () => {
  const topo = unbalanced();
  const { plan } = planReshard(topo, { from: 'all', to: D, slots: 600 });
  let now = 0;
  const agg = new RunAggregator(
    plan,
    () => now,
    t,
    (id) => id.slice(0, 4),
    (n) => n.toLocaleString('en'),
  );
  agg.onEvent({ type: 'plan-started', totalSlots: 600, keysTotal: 6000, lanes: 3 });
  agg.onEvent({ type: 'group-started', sourceId: plan.moves[0]!.sourceId, targetId: D, slots: 200 });
  for (const m of plan.moves.slice(0, 10)) {
    now += 10;
    agg.onEvent({ type: 'slot-done', slot: m.slot, sourceId: m.sourceId, targetId: m.targetId, keys: 10 });
  }
  assert.ok(agg.progress().etaSec! > 0);
  agg.onEvent({ type: 'cancelled', progress: agg.progress() });
  agg.end();
  assert.equal(agg.progress().etaSec, null);
  assert.deepEqual(
    agg.groupViews().map((g) => g.state),
    ['stopped', 'stopped', 'stopped'],
  );
  assert.deepEqual(
    agg
      .takeDelta()
      .log.map((l) => l.text)
      .slice(-1),
    ['Stopped after 10 of 600 slots; no slot was left open.'],
  );
});

class FakeTimers implements Timers {
  t = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private id = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.id;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== h);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

test('the throttle bounds messages: 10 000 events in 2 s give at most 9 flushes, the last state always flushed', () => {
  const timers = new FakeTimers();
  let flushes = 0;
  const th = new Throttle(
    250,
    () => {
      flushes++;
    },
    timers,
  );
  for (let i = 0; i < 10_000; i++) {
    th.poke();
    timers.advance(0.2);
  }
  timers.advance(500);
  assert.ok(flushes >= 8 && flushes <= 9, `${flushes} flushes`);
  const before = flushes;
  th.poke(); // quiet period over: immediate
  assert.equal(flushes, before + 1);
  th.poke();
  th.flushNow();
  assert.equal(flushes, before + 2);
  timers.advance(1000);
  assert.equal(flushes, before + 2, 'flushNow cancelled the pending flush');
  th.dispose();
  th.poke();
  th.flushNow();
  assert.equal(flushes, before + 2);
});

test('summary and check findings', () => {
  const progress = { slotsDone: 5, totalSlots: 10, keysMoved: 50, keysTotal: 100, elapsedMs: 2000, keysPerSec: 25, etaSec: 2 };
  const check = {
    ok: false,
    configConsistent: false,
    openSlots: [7],
    uncovered: [],
    findings: [
      { code: 'config-disagree' as const, signatures: [] },
      { code: 'slots-migrating' as const, node: { id: A, addr: '127.0.0.1:7000' }, slots: [7, 8, 9] },
      { code: 'open-slots' as const, slots: [7] },
      { code: 'slots-uncovered' as const, uncovered: [r(0, 9)], count: 10 },
    ],
  };
  assert.deepEqual(checkView(check, t).findings, [
    'Nodes do not agree about the configuration.',
    '127.0.0.1:7000 has slots in migrating state: 7-9',
    'Open slots: 7',
    '10 slots are not covered by any node.',
  ]);
  const s = summaryOf({ status: 'cancelled', progress, doneSlots: [], keysBySlot: {}, mismatches: 0, alreadyMoved: 1, check }, progress, t, '/j.jsonl', true);
  assert.equal(s.status, 'cancelled');
  assert.equal(s.resumable, true);
  assert.equal(s.verified, true);
  assert.equal(s.check?.ok, false);
  const done = summaryOf(
    { status: 'done', progress, doneSlots: [], keysBySlot: {}, mismatches: 2, alreadyMoved: 0, check: { ...check, ok: true, findings: [] } },
    progress,
    t,
    '/j.jsonl',
    true,
  );
  assert.equal(done.resumable, false, 'a finished run is never offered for resume');
  assert.equal(done.verified, false);
});

test('strings: zh-cn has every key with the same placeholders; fallbacks never show raw keys', () => {
  const zh = JSON.parse(readFileSync(join(__dirname, '../../l10n/bundle.l10n.webview-zh-cn.json'), 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(EN_STRINGS).sort());
  const ph = (s: string) =>
    [...s.matchAll(/\{(\d+)\}/g)]
      .map((m) => m[1])
      .sort()
      .join(',');
  for (const [k, en] of Object.entries(EN_STRINGS)) assert.equal(ph(zh[k]!), ph(en), k);
  const root = join(__dirname, '../..');
  assert.equal(loadStrings(root, 'zh-cn')['action.execute'], '执行');
  assert.equal(loadStrings(root, 'zh-CN')['action.execute'], '执行');
  assert.equal(loadStrings(root, 'fr')['action.execute'], 'Execute');
  assert.equal(loadStrings(root, '../../etc/passwd')['action.execute'], 'Execute');
  assert.deepEqual(languageCandidates('zh-TW'), ['zh-tw', 'zh']);
  assert.equal(mergeStrings({ 'action.execute': 5, bogus: 'x', 'action.close': 'Zu' })['action.execute'], 'Execute');
  assert.equal(mergeStrings({ 'action.close': 'Zu' })['action.close'], 'Zu');
  assert.equal(formatString('{0} of {1} {2}', [1, 'b']), '1 of b {2}');
});

test('the page: strict CSP with a fresh nonce per render, no inline code or data', () => {
  const n1 = newNonce();
  const n2 = newNonce();
  assert.notEqual(n1, n2);
  assert.match(n1, /^[A-Za-z0-9_-]{24}$/);
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', n1);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${n1}'`));
  assert.match(csp, /connect-src 'none'/);
  assert.doesNotMatch(csp, /unsafe/);
  const html = renderHtml({
    cspSource: 'https://x',
    scriptUri: 'https://x/main.js',
    styleUri: 'https://x/main.css',
    nonce: n1,
    lang: 'en',
    title: 'Migration: <b>',
  });
  assert.equal(html.match(/<script/g)!.length, 1);
  assert.match(html, new RegExp(`<script nonce="${n1}" src="https://x/main.js"></script>`));
  assert.match(html, /Migration: &lt;b&gt;/);
});

test("only the panel's own unfinished, unlocked journals can be resumed from the panel", () => {
  const storage = mkdtempSync(join(tmpdir(), 'rcm-panel-'));
  let alive = (_pid: number): boolean => false;
  const service = new MigrationService({ journalDir: journalDir(storage), now: () => 0, alive: (pid) => alive(pid) });
  const path = service.newJournalPath('rebalance');
  assert.ok(isOwnJournal(storage, path));
  assert.equal(isOwnJournal(storage, join(storage, 'other.jsonl')), false);
  assert.equal(isOwnJournal(storage, join(journalDir(storage), '..', 'x.jsonl')), false);
  assert.equal(isOwnJournal(storage, '/etc/passwd'), false);
  assert.equal(isOwnJournal(storage, undefined), false);
  const topo = unbalanced();
  const { plan } = planReshard(topo, { from: [A], to: D, slots: 3 });
  const rec = (o: object) => `${JSON.stringify(o)}\n`;
  writeFileSync(
    path,
    rec({ t: 'plan', plan, at: 0 }) + rec({ t: 'window', sourceId: A, targetId: D, slots: [0, 1, 2], at: 1 }) + rec({ t: 'done', slots: [0], keys: 1, at: 2 }),
  );
  assert.equal(service.canResume(path), true, 'interrupted run (no end record)');
  lockJournal(path, 4242);
  alive = (pid) => pid === 4242;
  assert.equal(journalInUse(path, alive), true);
  assert.equal(service.canResume(path), false, 'a live process still runs it');
  assert.equal(service.otherRunOn([B, D]), path, 'a run on this cluster is going on');
  assert.equal(service.otherRunOn([B, D], path), undefined, 'except the one being resumed');
  assert.equal(service.otherRunOn(['9'.repeat(40)]), undefined, 'another cluster is not blocked');
  alive = () => false;
  assert.equal(service.canResume(path), true, 'its process is gone (window reloaded)');
  assert.equal(service.otherRunOn([B, D]), undefined, 'a dead process blocks nothing');
  unlockJournal(path);
  assert.equal(journalInUse(path), false);
  writeFileSync(path, readFileSync(path, 'utf8') + rec({ t: 'end', status: 'cancelled', at: 3 }));
  assert.equal(service.canResume(path), true, 'cancelled run');
  writeFileSync(path, readFileSync(path, 'utf8') + rec({ t: 'done', slots: [1, 2], keys: 1, at: 4 }) + rec({ t: 'end', status: 'done', at: 5 }));
  assert.equal(service.canResume(path), false, 'finished run');
  assert.equal(service.canResume(join(journalDir(storage), 'missing.jsonl')), false);
  assert.equal(service.canResume(undefined), false);
});

test('#16 (10): a plan preview restored after a reload executes the plan the host kept, and only that one', () => {
  const topo = unbalanced();
  const plan = planRebalance(topo, { useEmptyMasters: true });
  assert.ok(plan.kind !== 'nothing-to-do');
  const view = buildPlanView({ kind: 'rebalance', clusterName: 'x', topology: topo, plan, rebalanceOptions: { useEmptyMasters: true }, settings });
  const snapshot: PanelSnapshot = {
    version: PROTOCOL_VERSION,
    panelId: 'c1:1',
    clusterId: 'c1',
    phase: 'preview',
    view,
    doneSlots: [],
    run: null,
    log: [],
    summary: null,
  };
  const live = restoredPreview(snapshot, { 'c1:1': plan });
  assert.ok(live, 'the restored preview can execute');
  assert.equal(live.plan, plan, "the host's plan, not the webview's copy");
  assert.equal(live.topology, null, 'the topology is loaded again when a recompute needs it');
  assert.deepEqual(live.rebalanceOptions, { weights: [], threshold: 2, useEmptyMasters: true });
  assert.equal(restoredPreview(snapshot, {}), null, 'no plan kept for this panel');
  const tampered = { ...snapshot, view: { ...view, plan: { ...plan, moves: plan.moves.slice(1) } } };
  assert.equal(restoredPreview(tampered, { 'c1:1': plan }), null, 'the view shows another plan');
  assert.equal(restoredPreview({ ...snapshot, phase: 'finished' }, { 'c1:1': plan }), null, 'a summary does not execute again');
});
