/**
 * The migration service (journal lock, events, live progress, cancel,
 * outcome) and what the extension hangs on it (end notice, status, panel
 * decisions), on a scripted engine. Real runs: test/integration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationService, planReshard, type MigrationRun, type MovePlan, type RunOutcome } from '../../src/engine';
import { type SlotRange } from '../../src/engine/model/slots';
import { journalLockPid, lockJournal } from '../../src/engine/io/journalFile';
import { englishL10n } from '../../src/extension/model/l10n';
import { endNotice, watchRunEnds, type NoticeLevel } from '../../src/extension/services/migrationNotices';
import { PanelSessions, showDecision } from '../../src/extension/webview/panelSessions';
import { LIVE_UPDATE_INTERVAL_MS, RunAggregator, Throttle, followProgress, type Timers } from '../../src/extension/webview/runModel';
import { translator } from '../../src/shared/strings';
import { phaseBadgeKey, type PanelSnapshot, type SummaryView } from '../../src/shared/protocol';
import { EN_STRINGS } from '../../src/shared/strings';
import { OK_CHECK, scriptedEngine } from '../fixtures/scriptedEngine';
import { master, topology } from '../fixtures/topologyBuilder';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const r = (start: number, end: number): SlotRange => ({ start, end });
const topo = topology([master(A, 7000, [r(0, 8191)]), master(B, 7001, [r(8192, 16383)])]);
const plan = planReshard(topo, { from: [A], to: B, slots: 4 }).plan as MovePlan;

function setup(script?: Parameters<typeof scriptedEngine>[0]) {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-service-'));
  const fake = scriptedEngine(script);
  let clock = 1000;
  const service = new MigrationService({ journalDir: dir, engine: fake.engine, now: () => clock, oneRunPerCluster: true });
  return {
    dir,
    fake,
    service,
    tick: (ms: number) => {
      clock += ms;
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('a run: lock held from start to end, every event published, progress live per slot, outcome with the engine result', async () => {
  const { dir, fake, service, tick, done } = setup();
  try {
    const started: MigrationRun[] = [];
    service.onDidStart((run) => started.push(run));
    const run = service.start({ plan, options: Promise.resolve({ timeoutMs: 5 }), label: 'Reshard (test)', clusterId: 'c1' });
    assert.deepEqual(started, [run], 'listeners see the run at once');
    assert.equal(journalLockPid(run.journalPath), process.pid, 'locked before any await (before the options even arrived)');
    assert.ok(run.journalPath.startsWith(dir));
    const seen: string[] = [];
    run.onEvent((e) => seen.push(e.type));
    await fake.firstMove;
    tick(100);
    // The engine sends its own progress event once per window; the service counts every slot as it lands.
    assert.equal(run.progress().slotsDone, 1, "progress follows each slot-done, not only the engine's window progress");
    assert.equal(run.progress().keysMoved, 10);
    assert.equal(service.runs().length, 1);
    assert.throws(() => service.start({ plan, journalPath: run.journalPath, options: {} }), /already going on/);
    assert.throws(() => service.start({ plan, options: {} }), /Another migration is going on in this cluster/, 'one run per cluster');
    fake.release();
    const o = await run.outcome;
    assert.equal(o.status, 'done');
    assert.equal(o.result?.check.ok, true);
    assert.equal(o.resumable, false);
    assert.equal(o.progress.slotsDone, 4);
    assert.equal(journalLockPid(run.journalPath), undefined, 'lock released');
    assert.equal(service.runs().length, 0);
    assert.deepEqual(seen.filter((t) => t === 'slot-done').length, 4);
    assert.equal(seen.at(-1), 'plan-finished');
    assert.equal(fake.calls[0]!.timeoutMs, 5, 'the options reach the engine');
    assert.equal(fake.calls[0]!.journalPath, run.journalPath);
  } finally {
    done();
  }
});

test("cancel reaches the engine's signal; a failed or throwing run is an outcome (never a rejection) and unlocks", async () => {
  for (const fail of [undefined, 'result', 'throw'] as const) {
    const { fake, service, done } = setup(fail ? { fail } : {});
    try {
      const run = service.start({ plan, options: {} });
      await fake.firstMove;
      if (!fail) run.cancel();
      assert.equal(run.cancelRequested, !fail);
      fake.release();
      const o = await run.outcome;
      assert.equal(o.status, fail ? 'failed' : 'cancelled', String(fail));
      if (fail === 'result') assert.equal(o.error?.code, 'migration-failed');
      if (fail === 'throw') {
        assert.equal(o.result, undefined);
        assert.match(o.error?.message ?? '', /connection reset by the test/);
      }
      assert.equal(journalLockPid(run.journalPath), undefined);
    } finally {
      done();
    }
  }
  const { service, done } = setup();
  try {
    const run = service.start({ plan, options: Promise.reject(new Error('no secret store')) });
    const o = await run.outcome;
    assert.equal(o.status, 'failed');
    assert.match(o.error!.message, /no secret store/);
    assert.equal(journalLockPid(run.journalPath), undefined, 'options that fail release the lock');
  } finally {
    done();
  }
});

test("resume: the journal's plan, the moves left and the slots done before; refused when finished or held by a live process", async () => {
  const { dir, fake, service, done } = setup();
  try {
    const path = join(dir, 'reshard-x.jsonl');
    const rec = (o: object) => `${JSON.stringify(o)}\n`;
    writeFileSync(path, rec({ t: 'plan', plan, at: 0 }) + rec({ t: 'done', slots: [plan.moves[0]!.slot], keys: 3, at: 1 }));
    lockJournal(path, 1); // pid 1 is alive: another process runs it
    assert.throws(() => service.start({ journalPath: path, options: {} }), /still going on in process 1/);
    rmSync(`${path}.lock`);
    const run = service.start({ journalPath: path, options: {} });
    assert.equal(run.resumed, true);
    assert.deepEqual(run.doneSlots, [plan.moves[0]!.slot]);
    assert.equal(run.moves.length, 3);
    assert.equal(run.plan.moves.length, 4);
    fake.release();
    assert.equal((await run.outcome).status, 'done');
    writeFileSync(path, readFileSync(path, 'utf8') + rec({ t: 'end', status: 'done', at: 2 }));
    assert.throws(() => service.start({ journalPath: path, options: {} }), /already finished/);
    assert.throws(() => service.start({ journalPath: join(dir, 'missing.jsonl'), options: {} }), /Cannot read the journal/);
  } finally {
    done();
  }
});

test('#16 (3, 10): every run that ends gets one notification, one log line and one reload; Resume continues it', async () => {
  for (const [fail, level] of [
    [undefined, 'info'],
    ['result', 'error'],
    ['throw', 'error'],
  ] as const) {
    const { fake, service, done } = setup(fail ? { fail } : {});
    try {
      const notes: { level: NoticeLevel; message: string; actions: readonly string[] }[] = [];
      const logs: string[] = [];
      const reloads: string[] = [];
      const resumed: string[] = [];
      watchRunEnds(service, {
        l10n: englishL10n,
        notify: async (lv, message, actions) => {
          notes.push({ level: lv, message, actions });
          return actions[0];
        },
        log: (lv, m) => logs.push(`${lv}:${m}`),
        showLog: () => undefined,
        reload: (id) => reloads.push(id),
        resume: async (run) => {
          resumed.push(run.journalPath);
        },
      });
      const run = service.start({ plan, options: {}, label: 'Drain (sandbox)', clusterId: 'c1' });
      fake.release();
      await run.outcome;
      await new Promise((r) => setImmediate(r));
      assert.equal(notes.length, 1, `one notification (${String(fail)})`);
      assert.equal(notes[0]!.level, level);
      assert.match(notes[0]!.message, fail ? /^Drain \(sandbox\) failed after 1 of 4 slots: / : /^Drain \(sandbox\) finished: 4 slots and 40 keys moved/);
      assert.equal(logs.length, 1, 'the end is logged once');
      assert.deepEqual(reloads, ['c1'], 'the cluster is reloaded once');
      if (fail) {
        assert.deepEqual(notes[0]!.actions, ['Resume', 'Show Log'], 'a failed run with moves left offers Resume');
        assert.deepEqual(resumed, [run.journalPath]);
      } else assert.deepEqual(notes[0]!.actions, ['Show Log']);
    } finally {
      done();
    }
  }
});

/** Timers on a hand-moved clock: `advance` runs what falls due, in order. */
function manualTimers(now: () => number, tick: (ms: number) => void) {
  let pending: { at: number; fn: () => void; id: number }[] = [];
  let seq = 0;
  const timers: Timers = {
    now,
    setTimeout: (fn, ms) => {
      pending.push({ at: now() + ms, fn, id: ++seq });
      return seq;
    },
    clearTimeout: (h) => {
      pending = pending.filter((p) => p.id !== h);
    },
  };
  const advance = (ms: number): void => {
    const until = now() + ms;
    for (;;) {
      pending.sort((a, b) => a.at - b.at);
      const next = pending[0];
      if (!next || next.at > until) break;
      pending.shift();
      tick(next.at - now());
      next.fn();
    }
    tick(until - now());
  };
  return { timers, advance };
}

test('#16 (3): the status bar shows the same count as the panel at every update (same events, same throttle, same moments)', async () => {
  const { fake, service, tick, done } = setup();
  try {
    let clock = 0;
    const { timers, advance } = manualTimers(
      () => clock,
      (ms) => {
        clock += ms;
        tick(ms);
      },
    );
    const run = service.start({ plan, options: {}, label: 'Reshard (test)', clusterId: 'c1' });
    // The panel: its aggregator folds the run's events; its throttle posts a progress message.
    const aggregator = new RunAggregator(
      { ...run.plan, moves: [...run.moves] },
      () => clock,
      translator(EN_STRINGS),
      (id) => id.slice(0, 8),
    );
    const panel: string[] = [];
    const status: string[] = [];
    const shown = (p: { slotsDone: number; keysMoved: number }): string => `${clock}:${p.slotsDone}/${p.keysMoved}`;
    const throttle = new Throttle(LIVE_UPDATE_INTERVAL_MS, () => panel.push(shown(aggregator.progress())), timers);
    let folded = 0;
    run.onEvent((e) => {
      aggregator.onEvent(e);
      throttle.poke();
      folded++;
      assert.equal(aggregator.progress().slotsDone, run.progress().slotsDone, `slots after ${e.type}`);
      assert.equal(aggregator.progress().keysMoved, run.progress().keysMoved, `keys after ${e.type}`);
    });
    // At the end the panel drops its pending update (the summary carries the final figures) and the status bar item goes.
    void run.outcome.then(() => throttle.dispose());
    // The status bar (MigrationStatus.follow): the service's own progress of the run.
    let ended = false;
    followProgress(
      run,
      (p) => status.push(shown(p)),
      () => {
        ended = true;
      },
      timers,
    );
    await fake.firstMove;
    advance(LIVE_UPDATE_INTERVAL_MS + 10);
    fake.release();
    await run.outcome;
    advance(LIVE_UPDATE_INTERVAL_MS + 10);
    await new Promise((r) => setImmediate(r));
    assert.ok(folded >= 8, `events seen: ${folded}`);
    assert.deepEqual(panel, ['0:0/0', `${LIVE_UPDATE_INTERVAL_MS}:1/10`], 'the first event at once, the next after one interval');
    assert.deepEqual(status, panel, 'the status bar showed exactly what the panel showed, when it showed it');
    assert.ok(ended, 'the status bar item ends with the run');
  } finally {
    done();
  }
});

test('end notices: cancelled, check problems, thrown errors localised through describeError', () => {
  const progress = { slotsDone: 2, totalSlots: 5, keysMoved: 20, keysTotal: 50, elapsedMs: 1500, keysPerSec: 1, etaSec: null };
  const base = { progress, journalPath: '/j.jsonl', resumable: true } as const;
  const result = { status: 'done', progress, doneSlots: [], keysBySlot: {}, mismatches: 0, alreadyMoved: 0, check: { ...OK_CHECK, ok: false } } as const;
  assert.deepEqual(endNotice('Rebalance (x)', { ...base, status: 'cancelled' }, englishL10n), {
    level: 'info',
    message: 'Rebalance (x) stopped after 2 of 5 slots; no slot was left open.',
    resumable: true,
  });
  assert.equal(endNotice('R', { ...base, status: 'done', result, resumable: false }, englishL10n).level, 'warn');
  const thrown: RunOutcome = {
    ...base,
    status: 'failed',
    error: Object.assign(new Error('x'), { code: 'unreachable', node: '10.0.0.1:7000', detail: 'ECONNREFUSED' }) as never,
  };
  assert.equal(endNotice('R', thrown, englishL10n).message, 'R failed after 2 of 5 slots: Could not connect to 10.0.0.1:7000: ECONNREFUSED.');
  const one = { ...progress, slotsDone: 1, keysMoved: 1 };
  const okCheck = { ...result, check: OK_CHECK };
  assert.equal(
    endNotice('R', { ...base, progress: one, status: 'done', result: okCheck, resumable: false }, englishL10n).message,
    'R finished: 1 slot and 1 key moved in 1.5s.',
  );
  assert.equal(
    endNotice('R', { ...base, status: 'done', result: okCheck, resumable: false }, englishL10n).message,
    'R finished: 2 slots and 20 keys moved in 1.5s.',
  );
});

const summary = (status: SummaryView['status']): SummaryView => ({
  status,
  slotsMoved: 1,
  totalSlots: 2,
  keysMoved: 1,
  durationMs: 1,
  keysPerSec: 1,
  verified: true,
  mismatches: 0,
  alreadyMoved: 0,
  check: null,
  resumable: false,
});
const snap = (phase: PanelSnapshot['phase'], s: SummaryView | null = null) => ({ phase, summary: s }) as PanelSnapshot;

test('#16 (2): the badge of a cancelled or failed run says so, not "Finished"', () => {
  assert.equal(EN_STRINGS[phaseBadgeKey(snap('finished', summary('cancelled')), false)], 'Cancelled');
  assert.equal(EN_STRINGS[phaseBadgeKey(snap('finished', summary('failed')), false)], 'Failed');
  assert.equal(EN_STRINGS[phaseBadgeKey(snap('finished', summary('done')), false)], 'Finished');
  assert.equal(phaseBadgeKey(snap('running'), false), 'phase.running');
  assert.equal(phaseBadgeKey(snap('preview'), false), 'phase.preview');
  assert.equal(phaseBadgeKey(snap('finished', summary('cancelled')), true), 'phase.restored');
  const zh = JSON.parse(readFileSync(join(__dirname, '../../l10n/bundle.l10n.webview-zh-cn.json'), 'utf8')) as Record<string, string>;
  assert.ok(zh['phase.cancelled'] && zh['phase.failed'] && zh['phase.cancelled'] !== zh['phase.finished']);
});

test('#16 (10): a new plan asks before replacing a summary; a running panel is only shown', () => {
  assert.equal(showDecision(undefined), 'create');
  assert.equal(showDecision({ isRunning: true, phase: 'running' }), 'busy');
  assert.equal(showDecision({ isRunning: false, phase: 'finished' }), 'confirm-replace');
  assert.equal(showDecision({ isRunning: false, phase: 'preview' }), 'reuse');
});

test('panels restored after a reload are tracked like the others, until disposed', () => {
  const sessions = new PanelSessions<{ clusterId: string; isRunning: boolean; phase: 'preview'; onDidDispose(l: () => void): void; fire?: () => void }>();
  const make = (clusterId: string) => {
    const s = {
      clusterId,
      isRunning: false,
      phase: 'preview' as const,
      fire: undefined as undefined | (() => void),
      onDidDispose(l: () => void) {
        s.fire = l;
      },
    };
    return s;
  };
  const restored = make('c1');
  sessions.add(restored);
  assert.equal(sessions.get('c1'), restored);
  const newer = make('c1');
  sessions.add(newer);
  restored.fire!();
  assert.equal(sessions.get('c1'), newer, 'an older panel closing does not untrack the newer one');
  newer.fire!();
  assert.equal(sessions.get('c1'), undefined);
});
