/**
 * Host-side aggregation of a migration's events into what the panel shows,
 * and the throttle that bounds how often it is posted: a fast migration
 * emits thousands of events per second, the webview gets at most a few
 * messages per second. vscode-free (clock and timers injected) so both are
 * unit-tested under Node.
 */
import { ProgressTracker, UNLIMITED_LANES, type ApplyResult, type MigrationEvent, type MigrationRun, type MovePlan, type ProgressSnapshot } from '../../engine';
import type { GroupProgressView, LogEntry, LogLevel, ProgressDelta, ProgressView, RunView, SummaryView } from '../../shared/protocol';
import { LOG_LIMIT } from '../../shared/protocol';
import type { StringKey } from '../../shared/strings';
import { checkView } from '../../shared/checkView';
import { formatRanges, toRanges } from '../../shared/slotMap';

export type Translate = (key: StringKey, ...args: (string | number)[]) => string;

interface GroupState {
  sourceId: string;
  targetId: string;
  slots: number;
  slotsDone: number;
  keysMoved: number;
  state: GroupProgressView['state'];
  strategy?: GroupProgressView['strategy'];
  jobState?: string;
}

const pairKey = (s: string, t: string): string => `${s}>${t}`;

/** Folds MigrationEvents into progress, per-pair progress, newly moved slots and log lines. */
export class RunAggregator {
  private readonly groups: GroupState[] = [];
  private readonly byPair = new Map<string, GroupState>();
  private readonly tracker: ProgressTracker;
  private startedAt: number;
  private pendingDone: number[] = [];
  private pendingLog: LogEntry[] = [];
  private droppedLog = 0;
  private stopping = false;

  constructor(
    plan: MovePlan,
    private readonly now: () => number,
    private readonly t: Translate,
    private readonly addrOf: (id: string) => string,
    private readonly num: (n: number) => string = String,
  ) {
    this.startedAt = now();
    this.tracker = new ProgressTracker(plan.moves.length, now);
    for (const m of plan.moves) {
      const key = pairKey(m.sourceId, m.targetId);
      let g = this.byPair.get(key);
      if (!g) {
        g = { sourceId: m.sourceId, targetId: m.targetId, slots: 0, slotsDone: 0, keysMoved: 0, state: 'waiting' };
        this.byPair.set(key, g);
        this.groups.push(g);
      }
      g.slots++;
    }
  }

  /** Adds a log line (host notes as well as engine events). */
  log(level: LogLevel, text: string): void {
    this.pendingLog.push({ atMs: Math.max(0, this.now() - this.startedAt), level, text });
    if (this.pendingLog.length > LOG_LIMIT) {
      this.droppedLog += this.pendingLog.length - LOG_LIMIT;
      this.pendingLog.splice(0, this.pendingLog.length - LOG_LIMIT);
    }
  }

  requestStop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log('warn', this.t('log.cancelRequested'));
  }

  /** The run is over (any outcome): pairs not finished are stopped, there is no time left to estimate. */
  end(): void {
    this.tracker.end();
    for (const g of this.groups) if (g.state !== 'done') g.state = 'stopped';
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  onEvent(e: MigrationEvent): void {
    this.tracker.onEvent(e);
    switch (e.type) {
      case 'plan-started':
        this.startedAt = this.now();
        this.log('info', this.t('log.started', this.num(e.totalSlots), this.num(e.keysTotal), e.lanes));
        break;
      case 'group-started': {
        const g = this.byPair.get(pairKey(e.sourceId, e.targetId));
        if (g) {
          g.state = 'running';
          g.strategy = e.strategy;
        }
        this.log('info', this.t('log.group', this.num(e.slots), this.addrOf(e.sourceId), this.addrOf(e.targetId)));
        if (e.strategy) this.log('info', this.t('log.strategy', this.addrOf(e.sourceId), this.addrOf(e.targetId), e.strategy));
        break;
      }
      case 'atomic-job': {
        const g = this.byPair.get(pairKey(e.job.sourceId, e.job.targetId));
        if (g) {
          g.jobState = e.job.state;
        }
        break;
      }
      case 'slot-done': {
        const g = this.byPair.get(pairKey(e.sourceId, e.targetId));
        this.pendingDone.push(e.slot);
        if (g) {
          g.slotsDone++;
          g.keysMoved += e.keys;
          if (g.slotsDone >= g.slots) {
            g.state = 'done';
            this.log('info', this.t('log.groupDone', this.num(g.slots), this.addrOf(g.sourceId), this.addrOf(g.targetId)));
          }
        }
        break;
      }
      case 'busy-keys': {
        const keys = e.keys.slice(0, 5).join(', ') + (e.keys.length > 5 ? ', …' : '');
        if (e.action === 'replaced') this.log('warn', this.t('log.busy.replaced', e.slot, e.keys.length));
        else if (e.action === 'identical-replaced') this.log('info', this.t('log.busy.identical', e.slot, e.keys.length));
        else this.log('error', this.t('log.busy.refused', e.slot, e.keys.length, keys));
        break;
      }
      case 'pace': {
        const p = e.pace;
        const lanes = p.lanes >= UNLIMITED_LANES ? '∞' : String(p.lanes);
        const key = (
          { start: 'log.pace.start', fast: 'log.pace.fast', 'over-budget': 'log.pace.over', 'under-budget': 'log.pace.under', idle: 'log.pace.idle' } as const
        )[p.why];
        this.log(
          p.why === 'over-budget' ? 'warn' : 'info',
          this.t(key, this.num(p.batchKeys), p.inFlight, lanes, p.budgetMs ?? '', p.probeMs?.toFixed(2) ?? '', p.node ? this.addrOf(p.node) : ''),
        );
        break;
      }
      case 'retry':
        this.log('warn', this.t('log.retry', e.attempt, this.addrOf(e.sourceId), e.reason));
        break;
      case 'verify-mismatch':
        this.log('warn', this.t('log.mismatch', e.slot, e.before, e.after));
        break;
      case 'error': {
        const slots = e.slots && e.slots.length > 0 ? ` [${formatRanges(toRanges(e.slots), 3).text}]` : '';
        this.log('error', this.t('log.error', e.error.message + slots));
        break;
      }
      case 'cancelled': {
        const p = this.tracker.snapshot();
        this.log('warn', this.t('log.cancelled', this.num(p.slotsDone), this.num(p.totalSlots)));
        break;
      }
      case 'plan-finished': {
        const p = this.tracker.snapshot();
        this.log('info', this.t('log.finished', this.num(p.slotsDone), this.num(p.keysMoved)));
        break;
      }
      case 'batch':
      case 'progress':
      case 'slot-started':
      case 'big-keys':
      case 'profile':
        break;
    }
  }

  progress(): ProgressView {
    return this.tracker.snapshot();
  }

  groupViews(): GroupProgressView[] {
    return this.groups.map((g) => ({
      sourceId: g.sourceId,
      targetId: g.targetId,
      slots: g.slots,
      slotsDone: g.slotsDone,
      keysMoved: g.keysMoved + this.tracker.inflightKeys(g.sourceId, g.targetId),
      state: g.state,
      ...(g.strategy ? { strategy: g.strategy } : {}),
      ...(g.jobState ? { jobState: g.jobState } : {}),
    }));
  }

  runView(journalPath?: string): RunView {
    return { progress: this.progress(), groups: this.groupViews(), stopping: this.stopping, ...(journalPath ? { journalPath } : {}) };
  }

  hasPending(): boolean {
    return this.pendingDone.length > 0 || this.pendingLog.length > 0;
  }

  /** Everything since the last delta; resets the pending lists. */
  takeDelta(): ProgressDelta {
    const log = this.pendingLog;
    if (this.droppedLog > 0) {
      log.unshift({ atMs: log[0]?.atMs ?? 0, level: 'warn', text: `… ${this.droppedLog} …` });
      this.droppedLog = 0;
    }
    const delta: ProgressDelta = { progress: this.progress(), groups: this.groupViews(), newlyDone: this.pendingDone, log, stopping: this.stopping };
    this.pendingDone = [];
    this.pendingLog = [];
    return delta;
  }
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Calls `flush` at most once per `intervalMs`: the first poke after a quiet
 * period flushes at once, later pokes within the interval are coalesced into
 * one flush at its end.
 */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: unknown = undefined;
  private disposed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: () => void,
    private readonly timers: Timers = realTimers,
  ) {}

  poke(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - this.timers.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
  }

  /** Flushes now (e.g. at the end of a run) and cancels a pending flush. */
  flushNow(): void {
    if (this.disposed) return;
    this.cancelTimer();
    this.run();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private run(): void {
    this.last = this.timers.now();
    this.flush();
  }
}

/**
 * How often live progress is shown, at most: the panel's progress messages and the status bar use the same
 * interval and the same throttle on the same run's events, so the status bar cannot lag the panel (#16 problem 3).
 */
export const LIVE_UPDATE_INTERVAL_MS = 250;

/**
 * Calls `show` with the run's live progress at most once per LIVE_UPDATE_INTERVAL_MS while it runs, and
 * `end` once it is over (what the status bar does with every run). Returns the unsubscribe.
 */
export function followProgress(
  run: Pick<MigrationRun, 'onEvent' | 'progress' | 'outcome'>,
  show: (p: ProgressSnapshot) => void,
  end: () => void,
  timers: Timers = realTimers,
): () => void {
  const throttle = new Throttle(LIVE_UPDATE_INTERVAL_MS, () => show(run.progress()), timers);
  const stop = run.onEvent(() => throttle.poke());
  let ended = false;
  const finish = (): void => {
    if (ended) return;
    ended = true;
    stop();
    throttle.dispose();
    end();
  };
  void run.outcome.finally(finish);
  return finish;
}

/** The summary of a run that returned a result. */
export function summaryOf(result: ApplyResult, progress: ProgressView, t: Translate, journalPath: string | undefined, resumable: boolean): SummaryView {
  return {
    status: result.status,
    slotsMoved: progress.slotsDone,
    totalSlots: progress.totalSlots,
    keysMoved: progress.keysMoved,
    durationMs: progress.elapsedMs,
    keysPerSec: progress.keysPerSec,
    verified: result.mismatches === 0,
    mismatches: result.mismatches,
    alreadyMoved: result.alreadyMoved,
    check: checkView(result.check, t),
    ...(result.error ? { error: result.error.message } : {}),
    ...(journalPath ? { journalPath } : {}),
    resumable: resumable && result.status !== 'done',
  };
}

/** The summary of a run that threw before or after moving (unreachable node, stale plan, …). */
export function failureSummary(message: string, progress: ProgressView, journalPath: string | undefined, resumable: boolean): SummaryView {
  return {
    status: 'failed',
    slotsMoved: progress.slotsDone,
    totalSlots: progress.totalSlots,
    keysMoved: progress.keysMoved,
    durationMs: progress.elapsedMs,
    keysPerSec: progress.keysPerSec,
    verified: false,
    mismatches: 0,
    alreadyMoved: 0,
    check: null,
    error: message,
    ...(journalPath ? { journalPath } : {}),
    resumable,
  };
}
