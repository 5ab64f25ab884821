/**
 * The one migration service: every migration (a new plan or the resume of a
 * journal) runs here, whoever starts it: rcm, the extension's commands, the
 * migration panel. It owns the journal and its lock, runs the plan through
 * applyPlan (which validates, executes and checks), cancels at a slot
 * boundary, and publishes the run's events and live progress. Callers only
 * subscribe and render. No vscode; clock and liveness injected.
 */
import type { ProgressSnapshot } from '../model/progress';
import type { MigrationEvent } from '../exec/events';
import { readJournalState } from '../exec/journal';
import { lockJournal, newJournalPath, processAlive, readJournalFile, unlockJournal } from '../io/journalFile';
import { EngineError, toEngineError } from '../model/errors';
import type { MovePlan, SlotMove } from '../model/plan';
import type { Topology } from '../model/types';
import { applyPlan, resumeJournal, type ApplyOptions, type ApplyResult } from '../ops/applyPlan';
import { canResumeJournal, pendingJournals, runsInProgress, type PendingJournal } from './journals';
import { ProgressTracker } from './progress';

/** What a run needs from its caller besides the plan (the service sets journal, signal and events). */
export type RunOptions = Omit<ApplyOptions, 'journalPath' | 'signal' | 'onEvent'>;

export interface RunRequest {
  /** A new run of this plan; absent: resume the journal at `journalPath`. */
  readonly plan?: MovePlan;
  /** The journal a new run writes (default: a new file in the service's folder), or the one to resume. */
  readonly journalPath?: string;
  /** Engine options; a promise while they are still being gathered (secrets): the lock is taken first. */
  readonly options: RunOptions | Promise<RunOptions>;
  /** What and where, for whoever lists runs (status bar, notifications). */
  readonly label?: string;
  readonly clusterId?: string;
}

export interface RunOutcome {
  readonly status: 'done' | 'cancelled' | 'failed';
  /** The engine's result; absent when the run threw (unreachable node, stale plan, …). */
  readonly result?: ApplyResult;
  /** Why it failed: the result's error, or what was thrown. */
  readonly error?: EngineError;
  readonly progress: ProgressSnapshot;
  readonly journalPath: string;
  /** The journal can be resumed now: the run did not finish and moves remain. */
  readonly resumable: boolean;
}

export interface MigrationServiceOptions {
  /** Where new journals go. */
  readonly journalDir: string;
  /** More folders whose journals count (another tool's: the extension also sees rcm's). */
  readonly otherJournalDirs?: readonly string[];
  /** Refuse a run while another run (any process) moves slots of the same cluster. */
  readonly oneRunPerCluster?: boolean;
  readonly now?: () => number;
  readonly alive?: (pid: number) => boolean;
  /** The engine entry points (tests script them; default applyPlan/resumeJournal). */
  readonly engine?: { readonly applyPlan: typeof applyPlan; readonly resumeJournal: typeof resumeJournal };
}

type Listener<T> = (value: T) => void;

function subscribe<T>(set: Set<Listener<T>>, l: Listener<T>): () => void {
  set.add(l);
  return () => {
    set.delete(l);
  };
}

function emitTo<T>(set: ReadonlySet<Listener<T>>, value: T): void {
  for (const l of [...set]) {
    try {
      l(value);
    } catch {
      /* a view that fails must not stop a migration */
    }
  }
}

function nodeIdsOf(plan: MovePlan): string[] {
  return [...new Set([...plan.nodes.map((n) => n.id), ...plan.moves.flatMap((m) => [m.sourceId, m.targetId])])];
}

/** One run: its plan, events, live progress, cancel and outcome. */
export class MigrationRun {
  /** Settles when the run is over and its lock released; never rejects. */
  outcome!: Promise<RunOutcome>;
  private readonly controller = new AbortController();
  private readonly listeners = new Set<Listener<MigrationEvent>>();
  private readonly tracker: ProgressTracker;

  constructor(
    readonly id: number,
    readonly journalPath: string,
    /** The whole plan (for a resume: the journal's). */
    readonly plan: MovePlan,
    /** The moves this run makes (a resume leaves out those the journal records as done). */
    readonly moves: readonly SlotMove[],
    /** Slots moved before this run (a resume). */
    readonly doneSlots: readonly number[],
    readonly resumed: boolean,
    readonly label: string,
    readonly clusterId: string | undefined,
    now: () => number,
  ) {
    this.tracker = new ProgressTracker(moves.length, now);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelRequested(): boolean {
    return this.controller.signal.aborted;
  }

  /** Every engine event of the run. Events start after the first await: subscribe right after start(). */
  onEvent(l: Listener<MigrationEvent>): () => void {
    return subscribe(this.listeners, l);
  }

  /** Stops at the next slot boundary: no slot is left open. */
  cancel(): void {
    if (!this.controller.signal.aborted) this.controller.abort();
  }

  progress(): ProgressSnapshot {
    return this.tracker.snapshot();
  }

  /** Keys of the slot in flight between this pair (for per-pair views). */
  inflightKeys(sourceId: string, targetId: string): number {
    return this.tracker.inflightKeys(sourceId, targetId);
  }

  /** @internal the service feeds the engine's events here. */
  dispatch(e: MigrationEvent): void {
    this.tracker.onEvent(e);
    emitTo(this.listeners, e);
  }

  /** @internal */
  end(): void {
    this.tracker.end();
  }
}

export class MigrationService {
  private readonly running = new Map<string, MigrationRun>();
  private readonly startListeners = new Set<Listener<MigrationRun>>();
  private readonly now: () => number;
  private readonly alive: (pid: number) => boolean;
  private seq = 0;

  constructor(private readonly o: MigrationServiceOptions) {
    this.now = o.now ?? Date.now;
    this.alive = o.alive ?? processAlive;
  }

  get journalDirs(): string[] {
    return [this.o.journalDir, ...(this.o.otherJournalDirs ?? [])];
  }

  newJournalPath(kind: string): string {
    return newJournalPath(this.o.journalDir, kind, new Date(this.now()));
  }

  /** Runs going on in this process. */
  runs(): MigrationRun[] {
    return [...this.running.values()];
  }

  /** Called with every run this service starts (status bar, notifications). */
  onDidStart(l: Listener<MigrationRun>): () => void {
    return subscribe(this.startListeners, l);
  }

  /** A journal (any process) whose run moves slots of these nodes right now, other than `except`. */
  otherRunOn(nodeIds: readonly string[], except?: string): string | undefined {
    const ids = new Set(nodeIds);
    const here = this.runs().find((r) => r.journalPath !== except && nodeIdsOf(r.plan).some((id) => ids.has(id)));
    return here?.journalPath ?? runsInProgress(this.journalDirs, nodeIds, this.alive).find((j) => j !== except);
  }

  canResume(journalPath: string | undefined): boolean {
    return journalPath !== undefined && !this.running.has(journalPath) && canResumeJournal(journalPath, this.alive);
  }

  /** Interrupted runs on this cluster, newest first. */
  pending(topology: Topology, skip: ReadonlySet<string> = new Set()): PendingJournal[] {
    return pendingJournals(this.journalDirs, topology, new Set([...skip, ...this.running.keys()]), this.alive);
  }

  /**
   * Starts a run. Throws (nothing started, nothing locked) when the journal
   * cannot be read, its run already finished, or another run holds it or,
   * with oneRunPerCluster, moves slots of the same cluster.
   */
  start(req: RunRequest): MigrationRun {
    let plan: MovePlan;
    let moves: readonly SlotMove[];
    let doneSlots: number[] = [];
    let journalPath: string;
    if (req.plan) {
      plan = req.plan;
      moves = plan.moves;
      journalPath = req.journalPath ?? this.newJournalPath(plan.kind);
    } else {
      if (!req.journalPath) throw new EngineError({ code: 'usage', message: 'A resume needs the journal of the run.' });
      journalPath = req.journalPath;
      let state;
      try {
        state = readJournalState(readJournalFile(journalPath));
      } catch (e) {
        throw toEngineError(e, undefined, 'file-error');
      }
      if (state.ended === 'done') throw new EngineError({ code: 'usage', message: `The run in ${journalPath} already finished; there is nothing to resume.` });
      plan = state.plan;
      moves = plan.moves.filter((m) => !state.done.has(m.slot));
      doneSlots = [...state.done];
    }
    if (this.running.has(journalPath)) throw new EngineError({ code: 'usage', message: `The run of ${journalPath} is already going on.` });
    if (this.o.oneRunPerCluster) {
      const other = this.otherRunOn(nodeIdsOf(plan), journalPath);
      if (other) throw new EngineError({ code: 'usage', message: `Another migration is going on in this cluster (journal ${other}); wait for it to finish.` });
    }
    const took = lockJournal(journalPath, process.pid, this.alive);
    const run = new MigrationRun(++this.seq, journalPath, plan, moves, doneSlots, !req.plan, req.label ?? plan.kind, req.clusterId, this.now);
    this.running.set(journalPath, run);
    run.outcome = this.execute(run, req, took);
    emitTo(this.startListeners, run);
    return run;
  }

  private async execute(run: MigrationRun, req: RunRequest, took: boolean): Promise<RunOutcome> {
    const engine = this.o.engine ?? { applyPlan, resumeJournal };
    let result: ApplyResult | undefined;
    let error: EngineError | undefined;
    try {
      const options = await req.options;
      const opts = { ...options, signal: run.signal, onEvent: (e: MigrationEvent) => run.dispatch(e) };
      result = req.plan ? await engine.applyPlan(req.plan, { ...opts, journalPath: run.journalPath }) : await engine.resumeJournal(run.journalPath, opts);
      if (result.error) error = new EngineError(result.error);
    } catch (e) {
      error = toEngineError(e, undefined, 'internal');
    } finally {
      run.end();
      if (took) unlockJournal(run.journalPath);
      this.running.delete(run.journalPath);
    }
    const status = result?.status ?? 'failed';
    return {
      status,
      ...(result ? { result } : {}),
      ...(error ? { error } : {}),
      progress: run.progress(),
      journalPath: run.journalPath,
      resumable: status !== 'done' && canResumeJournal(run.journalPath, this.alive),
    };
  }
}
