/**
 * The migration panel: plan preview, live progress with cancel, summary.
 *
 * One panel per cluster. The host owns the state (a PanelSnapshot) and posts
 * nothing before the webview's `ready`; then `init` carries the whole state,
 * and later messages are deltas, progress throttled to a few per second.
 * Requests from the webview carry ids and get exactly one response each.
 * Credentials stay here: deps.connection() feeds the engine only.
 *
 * After a window reload the serializer brings the panel back from the
 * webview's persisted state. Such a panel shows its last state; it cannot
 * execute, but it offers to resume an interrupted run from the journal the
 * panel wrote itself (engine resumeJournal), once no process is running it.
 */
import * as vscode from 'vscode';
import { applyPlan, parseAddress, readJournalFile, readJournalState, resumeJournal, type ApplyResult, type MovePlan, type Topology } from '../../engine';
import {
  PROTOCOL_VERSION, isPersistedState, parseWebviewToHost, reduceSnapshot,
  type HostToWebview, type PanelSnapshot, type PersistedState, type PlanView, type SummaryView, type WebviewRequest, type WebviewToHost,
} from '../../shared/protocol';
import type { StringKey } from '../../shared/strings';
import { newNonce, renderHtml } from './html';
import { canResumeJournal, countKeysPerSlot, lockJournal, newJournalPath, runsInProgress, unlockJournal, type KeyCountTarget } from './hostIo';
import type { MigrationOutcome, MigrationPanelDeps, MigrationPanelHost, MigrationRequest } from './panelApi';
import { buildPlanView, isMovePlan, recomputeRebalance } from './planView';
import { RunAggregator, Throttle, failureSummary, summaryOf, type Translate } from './runModel';
import { loadStrings, translator } from './strings';

export const MIGRATION_VIEW_TYPE = 'redisClusterManager.migration';
/** At most this many progress messages per second reach the webview. */
const PROGRESS_INTERVAL_MS = 250;

/** The live inputs of a panel opened by a command (absent for a restored panel). */
interface LiveInputs {
  readonly topology: Topology;
  plan: MovePlan | null;
  readonly request: MigrationRequest;
}

interface ActiveRun {
  readonly controller: AbortController;
  readonly aggregator: RunAggregator;
  readonly throttle: Throttle;
  readonly journalPath: string;
}

function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri), retainContextWhenHidden: false, enableFindWidget: true };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function numberFormat(locale: string): (n: number) => string {
  try {
    const f = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    return (n) => f.format(n);
  } catch {
    return String;
  }
}

function parseAddr(addr: string): { host: string; port: number } | undefined {
  const a = parseAddress(addr);
  return a.ok ? { host: a.host, port: a.port } : undefined;
}

/** One panel and everything it shows. */
class PanelSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly t: Translate;
  private readonly strings: Record<StringKey, string>;
  private ready = false;
  private disposed = false;
  private snapshot: PanelSnapshot;
  private keyCounts: Int32Array | null = null;
  private keysState: 'idle' | 'loading' | 'done' = 'idle';
  private run: ActiveRun | null = null;
  private settle: ((o: MigrationOutcome) => void) | null = null;
  private canResumeRestored = false;
  private live: LiveInputs | null;
  readonly onDidDispose: vscode.Event<void>;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: MigrationPanelDeps,
    private readonly panel: vscode.WebviewPanel,
    start: { readonly request: MigrationRequest } | { readonly restored: PersistedState },
  ) {
    this.strings = loadStrings(context.extensionUri.fsPath, vscode.env.language);
    this.t = translator(this.strings);
    this.onDidDispose = this.disposeEmitter.event;
    if ('request' in start) {
      this.live = PanelSession.liveInputs(start.request);
      this.snapshot = PanelSession.initialSnapshot(start.request);
    } else {
      this.live = null;
      this.snapshot = start.restored.snapshot;
      if (start.restored.keyCounts && start.restored.keyCounts.length === 16384) {
        this.keyCounts = Int32Array.from(start.restored.keyCounts);
        this.keysState = 'done';
      }
      this.refreshResumable();
    }
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.svg');
    panel.title = this.t('panel.title', this.snapshot.view.clusterName);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.onPanelDisposed()),
      this.disposeEmitter,
    );
    this.render();
  }

  private static liveInputs(request: MigrationRequest): LiveInputs {
    return { topology: request.topology, plan: isMovePlan(request.plan) ? request.plan : null, request };
  }

  private static initialSnapshot(r: MigrationRequest): PanelSnapshot {
    return {
      version: PROTOCOL_VERSION,
      panelId: `${r.clusterId}:${Date.now().toString(36)}`,
      clusterId: r.clusterId,
      phase: 'preview',
      view: buildPlanView({
        kind: r.kind, clusterName: r.clusterName, topology: r.topology, plan: r.plan,
        ...(r.rebalanceOptions ? { rebalanceOptions: r.rebalanceOptions } : {}), settings: r.settings,
        ...(r.slotLoad ? { slotLoad: r.slotLoad } : {}),
      }),
      doneSlots: [],
      run: null,
      log: [],
      summary: null,
    };
  }

  get clusterId(): string {
    return this.snapshot.clusterId;
  }

  get isRunning(): boolean {
    return this.run !== null;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** The outcome of the request shown now (one caller at a time). */
  outcome(): Promise<MigrationOutcome> {
    this.finish('closed');
    return new Promise<MigrationOutcome>((resolve) => { this.settle = resolve; });
  }

  /** Shows a new request in this (idle) panel; the previous request's caller gets 'closed'. */
  open(request: MigrationRequest): Promise<MigrationOutcome> {
    const outcome = this.outcome();
    this.live = PanelSession.liveInputs(request);
    this.snapshot = PanelSession.initialSnapshot(request);
    this.keyCounts = null;
    this.keysState = 'idle';
    this.panel.title = this.t('panel.title', request.clusterName);
    if (this.ready) this.sendInit();
    this.reveal();
    return outcome;
  }

  private finish(o: MigrationOutcome): void {
    const s = this.settle;
    this.settle = null;
    s?.(o);
  }

  private render(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    this.ready = false;
    webview.html = renderHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.css')).toString(),
      nonce: newNonce(),
      lang: vscode.env.language,
      title: this.panel.title,
    });
  }

  private post(m: HostToWebview): void {
    if (!this.ready || this.disposed) return;
    void this.panel.webview.postMessage(m);
  }

  private sendInit(): void {
    this.post({
      type: 'init',
      locale: vscode.env.language,
      strings: this.strings,
      mode: this.live ? 'live' : 'restored',
      snapshot: this.snapshot,
      running: this.run !== null,
      canResume: this.canResumeRestored,
    });
    if (this.keyCounts) this.sendKeyCounts(true);
  }

  private sendKeyCounts(done: boolean): void {
    const entries: [number, number][] = [];
    this.keyCounts?.forEach((k, s) => { if (k >= 0) entries.push([s, k]); });
    this.post({ type: 'keyCounts', entries, done });
  }

  private respond(req: WebviewRequest, error?: string): void {
    this.post(error === undefined
      ? { type: 'response', requestId: req.requestId, ok: true }
      : { type: 'response', requestId: req.requestId, ok: false, error });
  }

  private onMessage(raw: unknown): void {
    const m: WebviewToHost | undefined = parseWebviewToHost(raw);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        this.ready = m.protocol === PROTOCOL_VERSION;
        if (this.ready) this.sendInit();
        return;
      case 'revealNode':
        if (this.snapshot.view.nodes.some((n) => n.id === m.nodeId)) this.deps.revealNode(this.clusterId, m.nodeId);
        return;
      case 'cancelRun':
        this.cancelRun();
        return;
      case 'dismiss':
        if (this.run) return;
        this.finish(this.snapshot.phase === 'preview' ? 'cancelled' : 'closed');
        this.panel.dispose();
        return;
      case 'execute':
        this.respond(m, this.startRun('execute', m.fast === true));
        return;
      case 'resume':
        this.respond(m, this.startRun('resume', m.fast === true));
        return;
      case 'recompute':
        this.respond(m, this.recompute(m.options));
        return;
      case 'exportPlan':
        void this.exportPlan().then((err) => this.respond(m, err), (e: unknown) => this.respond(m, errorText(e)));
        return;
      case 'loadKeyCounts':
        void this.loadKeyCounts().then((err) => this.respond(m, err), (e: unknown) => this.respond(m, errorText(e)));
        return;
    }
  }

  // ------------------------------------------------------------ plan preview

  private recompute(options: Extract<WebviewRequest, { type: 'recompute' }>['options']): string | undefined {
    const live = this.live;
    if (!live || !live.request.rebalanceOptions) return this.t('host.notLive');
    if (this.run || this.snapshot.phase !== 'preview') return this.t('host.busy');
    let plan;
    try {
      plan = recomputeRebalance(live.topology, options);
    } catch (e) {
      return errorText(e);
    }
    live.plan = isMovePlan(plan) ? plan : null;
    const view: PlanView = buildPlanView({
      kind: live.request.kind, clusterName: live.request.clusterName, topology: live.topology, plan,
      rebalanceOptions: { weights: options.weights, threshold: options.threshold, useEmptyMasters: options.useEmptyMasters },
      settings: live.request.settings,
    });
    const m: HostToWebview = { type: 'plan', view };
    this.snapshot = reduceSnapshot(this.snapshot, m);
    this.post(m);
    return undefined;
  }

  private async exportPlan(): Promise<string | undefined> {
    const plan = this.snapshot.view.plan;
    if (!plan) return this.t('host.noPlan');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${plan.kind}-plan-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`;
    const target = await vscode.window.showSaveDialog({
      title: this.t('host.exportTitle'),
      saveLabel: this.t('action.export'),
      filters: { [this.t('host.exportFilter')]: ['json'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(plan, null, 2)}\n`));
    void vscode.window.showInformationMessage(this.t('host.exported', target.fsPath));
    return undefined;
  }

  private keyCountTargets(): KeyCountTarget[] {
    const out: KeyCountTarget[] = [];
    for (const n of this.snapshot.view.nodes) {
      if (n.flags.includes('unreachable') || n.slotCount === 0) continue;
      const a = parseAddr(n.addr);
      if (a) out.push({ ...a, slots: n.slots });
    }
    return out;
  }

  private async loadKeyCounts(): Promise<string | undefined> {
    if (this.keysState === 'done') {
      this.sendKeyCounts(true);
      return undefined;
    }
    if (this.keysState === 'loading') return undefined;
    this.keysState = 'loading';
    const counts = new Int32Array(16384).fill(-1);
    this.keyCounts = counts;
    const throttle = new Throttle(PROGRESS_INTERVAL_MS, () => this.sendKeyCounts(false));
    try {
      const conn = await this.deps.connection(this.clusterId);
      const failures = await countKeysPerSlot(this.keyCountTargets(), conn, (entries) => {
        for (const [s, k] of entries) counts[s] = k;
        throttle.poke();
      });
      throttle.dispose();
      this.keysState = 'done';
      this.sendKeyCounts(true);
      return failures.length > 0 ? failures.map((f) => `${f.addr}: ${f.message}`).join('; ') : undefined;
    } catch (e) {
      throttle.dispose();
      this.keysState = 'idle';
      this.keyCounts = null;
      return errorText(e);
    }
  }

  // ------------------------------------------------------------ runs

  private refreshResumable(): void {
    const path = this.snapshot.summary?.journalPath ?? this.snapshot.run?.journalPath;
    this.canResumeRestored = !this.live && !this.run && canResumeJournal(this.context.globalStorageUri.fsPath, path);
  }

  private addrOf = (id: string): string => this.snapshot.view.nodes.find((n) => n.id === id)?.addr ?? id.slice(0, 8);

  private startRun(kind: 'execute' | 'resume', fast = false): string | undefined {
    if (this.run) return this.t('host.busy');
    const storage = this.context.globalStorageUri.fsPath;
    let plan: MovePlan;
    let journalPath: string;
    let doneSlots: readonly number[];
    if (kind === 'execute') {
      if (!this.live) return this.t('host.notLive');
      if (this.snapshot.phase !== 'preview') return this.t('host.busy');
      if (!this.live.plan) return this.t('host.noPlan');
      plan = this.live.plan;
      journalPath = newJournalPath(storage, plan.kind, new Date());
      doneSlots = [];
    } else {
      const path = this.snapshot.summary?.journalPath ?? this.snapshot.run?.journalPath;
      const allowed = this.live ? this.snapshot.summary?.resumable === true : this.canResumeRestored;
      if (!path || !allowed || !canResumeJournal(storage, path)) return this.t('host.resumeUnsafe');
      let state;
      try {
        state = readJournalState(readJournalFile(path));
      } catch (e) {
        return errorText(e);
      }
      if (state.ended === 'done') return this.t('host.journalDone');
      plan = { ...state.plan, moves: state.plan.moves.filter((m) => !state.done.has(m.slot)) };
      journalPath = path;
      doneSlots = [...state.done];
    }

    // One migration per cluster at a time, whichever panel or window started it.
    if (runsInProgress(storage, this.snapshot.view.nodes.map((n) => n.id)).some((j) => j !== journalPath)) return this.t('host.otherRun');
    const aggregator = new RunAggregator(plan, () => Date.now(), this.t, this.addrOf, numberFormat(vscode.env.language));
    const throttle = new Throttle(PROGRESS_INTERVAL_MS, () => this.flushProgress());
    const active: ActiveRun = { controller: new AbortController(), aggregator, throttle, journalPath };
    this.run = active;
    this.canResumeRestored = false;
    if (kind === 'resume') aggregator.log('info', this.t('log.resume', journalPath));
    aggregator.log('info', this.t('log.journal', journalPath));
    const started: HostToWebview = { type: 'runStarted', run: aggregator.runView(journalPath), doneSlots };
    this.snapshot = reduceSnapshot(this.snapshot, started);
    this.post(started);
    void this.execute(active, kind, plan, fast);
    return undefined;
  }

  private flushProgress(): void {
    const run = this.run;
    if (!run) return;
    const m: HostToWebview = { type: 'progress', delta: run.aggregator.takeDelta() };
    this.snapshot = reduceSnapshot(this.snapshot, m);
    this.post(m);
  }

  private async execute(active: ActiveRun, kind: 'execute' | 'resume', plan: MovePlan, fast: boolean): Promise<void> {
    const { aggregator, throttle, controller, journalPath } = active;
    const settings = this.snapshot.view.settings;
    const storage = this.context.globalStorageUri.fsPath;
    let summary: SummaryView;
    lockJournal(journalPath);
    try {
      const conn = await this.deps.connection(this.clusterId);
      const opts = {
        ...conn,
        signal: controller.signal,
        onEvent: (e: Parameters<RunAggregator['onEvent']>[0]) => {
          aggregator.onEvent(e);
          throttle.poke();
        },
        ...(settings.pipeline !== undefined ? { pipeline: settings.pipeline } : {}),
        timeoutMs: settings.timeoutMs,
        replace: settings.replace,
        ...(settings.maxClientLatencyMs !== undefined ? { maxClientLatencyMs: settings.maxClientLatencyMs } : {}),
        ...(fast ? { fast: true } : {}),
      };
      const result: ApplyResult = kind === 'execute'
        ? await applyPlan(plan, { ...opts, journalPath })
        : await resumeJournal(journalPath, opts);
      aggregator.log(result.check.ok ? 'info' : 'warn', this.t(result.check.ok ? 'log.checkOk' : 'log.checkProblems'));
      unlockJournal(journalPath);
      summary = summaryOf(result, aggregator.progress(), this.t, journalPath, canResumeJournal(storage, journalPath));
    } catch (e) {
      aggregator.log('error', this.t('log.error', errorText(e)));
      unlockJournal(journalPath);
      summary = failureSummary(errorText(e), aggregator.progress(), journalPath, canResumeJournal(storage, journalPath));
    } finally {
      throttle.dispose();
    }
    aggregator.end();
    this.run = null;
    const done: HostToWebview = { type: 'runFinished', summary, delta: aggregator.takeDelta() };
    this.snapshot = reduceSnapshot(this.snapshot, done);
    this.post(done);
    this.deps.clusterChanged(this.clusterId);
    this.finish(summary.status === 'done' ? 'executed' : summary.status === 'cancelled' ? 'cancelled' : 'failed');
  }

  private cancelRun(): void {
    const run = this.run;
    if (!run || run.controller.signal.aborted) return;
    run.aggregator.requestStop();
    run.controller.abort();
    run.throttle.flushNow();
  }

  // ------------------------------------------------------------ lifetime

  private onPanelDisposed(): void {
    if (this.disposed) return;
    this.disposed = true;
    const run = this.run;
    if (run && !run.controller.signal.aborted) {
      run.aggregator.requestStop();
      run.controller.abort();
      void vscode.window.showWarningMessage(this.t('host.closedDuringRun', run.journalPath));
    }
    this.finish('closed');
    this.disposeEmitter.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  dispose(): void {
    this.panel.dispose();
  }
}

/** Opens plans in panels (one per cluster) and runs them. Built once in the composition root. */
export class MigrationPanel implements MigrationPanelHost, vscode.Disposable {
  private readonly sessions = new Map<string, PanelSession>();

  constructor(private readonly context: vscode.ExtensionContext, private readonly deps: MigrationPanelDeps) {}

  show(request: MigrationRequest): Promise<MigrationOutcome> {
    const existing = this.sessions.get(request.clusterId);
    if (existing?.isRunning) {
      existing.reveal();
      const t = translator(loadStrings(this.context.extensionUri.fsPath, vscode.env.language));
      void vscode.window.showInformationMessage(t('host.alreadyRunning', request.clusterName));
      return Promise.resolve('cancelled');
    }
    if (existing) return existing.open(request);
    const panel = vscode.window.createWebviewPanel(
      MIGRATION_VIEW_TYPE,
      request.clusterName,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewOptions(this.context.extensionUri),
    );
    const session = new PanelSession(this.context, this.deps, panel, { request });
    this.sessions.set(request.clusterId, session);
    session.onDidDispose(() => {
      if (this.sessions.get(request.clusterId) === session) this.sessions.delete(request.clusterId);
    });
    return session.outcome();
  }

  dispose(): void {
    for (const s of [...this.sessions.values()]) s.dispose();
    this.sessions.clear();
  }
}

/** Brings migration panels back after a window reload, from the state their webview persisted. */
export function registerMigrationPanelSerializer(context: vscode.ExtensionContext, deps: MigrationPanelDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(MIGRATION_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Thenable<void> {
      if (!isPersistedState(state)) {
        panel.dispose();
        return Promise.resolve();
      }
      new PanelSession(context, deps, panel, { restored: state });
      return Promise.resolve();
    },
  });
}
