/**
 * The migration panel: plan preview, live progress with cancel, summary.
 *
 * One panel per cluster. The host owns the state (a PanelSnapshot) and posts
 * nothing before the webview's `ready`; then `init` carries the whole state,
 * and later messages are deltas, progress throttled to a few per second.
 * Requests from the webview carry ids and get exactly one response each.
 * Credentials stay here: deps.connection() feeds the engine only.
 *
 * The panel is a view: runs go through the engine's MigrationService, which
 * owns the journal, its lock, cancel and progress; the panel subscribes to
 * its run and renders it.
 *
 * After a window reload the serializer brings the panel back from the
 * webview's persisted state. Such a panel shows its last state. A plan
 * preview can still be executed (the plan is the one the host kept, not the
 * webview's copy; the engine validates it against the cluster as it is now),
 * and an interrupted run can be resumed from the journal the panel wrote
 * itself, once no process is running it.
 */
import * as vscode from 'vscode';
import { countKeysPerSlot, parseAddress, type KeyCountTarget, type MigrationRun, type MovePlan, type RunOutcome } from '../../engine';
import {
  PROTOCOL_VERSION,
  isPersistedState,
  parseWebviewToHost,
  reduceSnapshot,
  type HostToWebview,
  type PanelSnapshot,
  type PersistedState,
  type PlanView,
  type SummaryView,
  type WebviewRequest,
  type WebviewToHost,
} from '../../shared/protocol';
import type { StringKey } from '../../shared/strings';
import { newNonce, renderHtml } from './html';
import { PREVIEW_PLANS_KEY } from '../constants';
import type { MigrationOutcome, MigrationPanelDeps, MigrationPanelHost, MigrationRequest } from './panelApi';
import { drainedByRun, replicasAmong } from '../model/demotion';
import { isOwnJournal } from './panelJournals';
import { PanelSessions, showDecision } from './panelSessions';
import { buildPlanView, isMovePlan, recomputeRebalance, restoredPreview, type LiveInputs } from './planView';
import { LIVE_UPDATE_INTERVAL_MS, RunAggregator, Throttle, failureSummary, summaryOf, type Translate } from './runModel';
import { loadStrings, translator } from './strings';

export const MIGRATION_VIEW_TYPE = 'redisClusterManager.migration';
/** At most one progress message per this many ms reaches the webview (the status bar's pace too). */
const PROGRESS_INTERVAL_MS = LIVE_UPDATE_INTERVAL_MS;

/** How long after a run the summary waits for the masters it emptied to show as replicas. */
const DEMOTION_WAIT_MS = 30_000;

/** Most preview plans the host keeps for panels that a reload may restore. */
const KEPT_PLANS = 20;

interface ActiveRun {
  readonly run: MigrationRun;
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

function outcomeOf(o: RunOutcome): MigrationOutcome {
  return o.status === 'done' ? 'executed' : o.status;
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
      this.keepPlan();
    } else {
      this.snapshot = start.restored.snapshot;
      this.live = restoredPreview(this.snapshot, this.keptPlans());
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

  private static liveInputs(r: MigrationRequest): LiveInputs {
    return {
      topology: r.topology,
      plan: isMovePlan(r.plan) ? r.plan : null,
      kind: r.kind,
      clusterName: r.clusterName,
      settings: r.settings,
      ...(r.rebalanceOptions ? { rebalanceOptions: r.rebalanceOptions } : {}),
    };
  }

  /** Plans shown in previews, by panel id, so a preview restored after a reload can still execute. */
  private keptPlans(): Record<string, MovePlan> {
    return this.context.workspaceState.get<Record<string, MovePlan>>(PREVIEW_PLANS_KEY, {});
  }

  private keepPlan(): void {
    const plan = this.live?.plan;
    if (!plan || this.snapshot.phase !== 'preview') return;
    const kept = Object.entries(this.keptPlans())
      .filter(([id]) => id !== this.snapshot.panelId)
      .slice(-(KEPT_PLANS - 1));
    void this.context.workspaceState.update(PREVIEW_PLANS_KEY, Object.fromEntries([...kept, [this.snapshot.panelId, plan]]));
  }

  private static initialSnapshot(r: MigrationRequest): PanelSnapshot {
    return {
      version: PROTOCOL_VERSION,
      panelId: `${r.clusterId}:${Date.now().toString(36)}`,
      clusterId: r.clusterId,
      phase: 'preview',
      view: buildPlanView({
        kind: r.kind,
        clusterName: r.clusterName,
        topology: r.topology,
        plan: r.plan,
        ...(r.rebalanceOptions ? { rebalanceOptions: r.rebalanceOptions } : {}),
        settings: r.settings,
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

  get phase(): PanelSnapshot['phase'] {
    return this.snapshot.phase;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** The outcome of the request shown now (one caller at a time). */
  outcome(): Promise<MigrationOutcome> {
    this.finish('closed');
    return new Promise<MigrationOutcome>((resolve) => {
      this.settle = resolve;
    });
  }

  /** Shows a new request in this (idle) panel; the previous request's caller gets 'closed'. */
  open(request: MigrationRequest): Promise<MigrationOutcome> {
    const outcome = this.outcome();
    this.live = PanelSession.liveInputs(request);
    this.snapshot = PanelSession.initialSnapshot(request);
    this.keyCounts = null;
    this.keysState = 'idle';
    this.panel.title = this.t('panel.title', request.clusterName);
    this.keepPlan();
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
    this.keyCounts?.forEach((k, s) => {
      if (k >= 0) entries.push([s, k]);
    });
    this.post({ type: 'keyCounts', entries, done });
  }

  private respond(req: WebviewRequest, error?: string): void {
    this.post(
      error === undefined ? { type: 'response', requestId: req.requestId, ok: true } : { type: 'response', requestId: req.requestId, ok: false, error },
    );
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
      case 'viewCheck':
        this.deps.viewCheck(this.clusterId);
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
        void this.recompute(m.options).then(
          (err) => this.respond(m, err),
          (e: unknown) => this.respond(m, errorText(e)),
        );
        return;
      case 'exportPlan':
        void this.exportPlan().then(
          (err) => this.respond(m, err),
          (e: unknown) => this.respond(m, errorText(e)),
        );
        return;
      case 'loadKeyCounts':
        void this.loadKeyCounts().then(
          (err) => this.respond(m, err),
          (e: unknown) => this.respond(m, errorText(e)),
        );
        return;
    }
  }

  // ------------------------------------------------------------ plan preview

  private async recompute(options: Extract<WebviewRequest, { type: 'recompute' }>['options']): Promise<string | undefined> {
    const live = this.live;
    if (!live || !live.rebalanceOptions) return this.t('host.notLive');
    if (this.run || this.snapshot.phase !== 'preview') return this.t('host.busy');
    let plan;
    try {
      live.topology ??= await this.deps.topology(this.clusterId);
      plan = recomputeRebalance(live.topology, options);
    } catch (e) {
      return errorText(e);
    }
    if (this.run || this.snapshot.phase !== 'preview') return this.t('host.busy');
    live.plan = isMovePlan(plan) ? plan : null;
    const view: PlanView = buildPlanView({
      kind: live.kind,
      clusterName: live.clusterName,
      topology: live.topology,
      plan,
      rebalanceOptions: { weights: options.weights, threshold: options.threshold, useEmptyMasters: options.useEmptyMasters },
      settings: live.settings,
    });
    const m: HostToWebview = { type: 'plan', view };
    this.snapshot = reduceSnapshot(this.snapshot, m);
    this.keepPlan();
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

  private journalOf(): string | undefined {
    return this.snapshot.summary?.journalPath ?? this.snapshot.run?.journalPath;
  }

  /** The panel resumes only journals it wrote itself, that the service says can be resumed now. */
  private resumableHere(path: string | undefined): boolean {
    return isOwnJournal(this.context.globalStorageUri.fsPath, path) && this.deps.service.canResume(path);
  }

  private refreshResumable(): void {
    this.canResumeRestored = !this.live && !this.run && this.resumableHere(this.journalOf());
  }

  private addrOf = (id: string): string => this.snapshot.view.nodes.find((n) => n.id === id)?.addr ?? id.slice(0, 8);

  private startRun(kind: 'execute' | 'resume', fast = false): string | undefined {
    if (this.run) return this.t('host.busy');
    let plan: MovePlan | undefined;
    let journalPath: string | undefined;
    if (kind === 'execute') {
      if (!this.live) return this.t('host.notLive');
      if (this.snapshot.phase !== 'preview') return this.t('host.busy');
      if (!this.live.plan) return this.t('host.noPlan');
      plan = this.live.plan;
    } else {
      journalPath = this.journalOf();
      const allowed = this.live ? this.snapshot.summary?.resumable === true : this.canResumeRestored;
      if (!journalPath || !allowed || !this.resumableHere(journalPath)) return this.t('host.resumeUnsafe');
    }
    const service = this.deps.service;
    // One migration per cluster at a time, whichever panel or window started it.
    if (
      service.otherRunOn(
        this.snapshot.view.nodes.map((n) => n.id),
        journalPath,
      )
    )
      return this.t('host.otherRun');
    const settings = this.snapshot.view.settings;
    let run: MigrationRun;
    try {
      run = service.start({
        ...(plan ? { plan } : {}),
        ...(journalPath ? { journalPath } : {}),
        options: this.deps.connection(this.clusterId).then((conn) => ({
          ...conn,
          timeoutMs: settings.timeoutMs,
          replace: settings.replace,
          ...(settings.pipeline !== undefined ? { pipeline: settings.pipeline } : {}),
          ...(settings.maxClientLatencyMs !== undefined ? { maxClientLatencyMs: settings.maxClientLatencyMs } : {}),
          ...(fast ? { fast: true } : {}),
        })),
        label: `${this.t(`kind.${this.snapshot.view.kind}`)} (${this.snapshot.view.clusterName})`,
        clusterId: this.clusterId,
      });
    } catch (e) {
      return errorText(e);
    }
    const aggregator = new RunAggregator({ ...run.plan, moves: [...run.moves] }, () => Date.now(), this.t, this.addrOf, numberFormat(vscode.env.language));
    const throttle = new Throttle(PROGRESS_INTERVAL_MS, () => this.flushProgress());
    const active: ActiveRun = { run, aggregator, throttle, journalPath: run.journalPath };
    this.run = active;
    this.canResumeRestored = false;
    run.onEvent((e) => {
      aggregator.onEvent(e);
      throttle.poke();
    });
    if (run.resumed) aggregator.log('info', this.t('log.resume', run.journalPath));
    aggregator.log('info', this.t('log.journal', run.journalPath));
    const started: HostToWebview = { type: 'runStarted', run: aggregator.runView(run.journalPath), doneSlots: run.doneSlots };
    this.snapshot = reduceSnapshot(this.snapshot, started);
    this.post(started);
    void run.outcome.then((o) => this.runEnded(active, o));
    return undefined;
  }

  private flushProgress(): void {
    const run = this.run;
    if (!run) return;
    const m: HostToWebview = { type: 'progress', delta: run.aggregator.takeDelta() };
    this.snapshot = reduceSnapshot(this.snapshot, m);
    this.post(m);
  }

  private runEnded(active: ActiveRun, o: RunOutcome): void {
    const { aggregator, throttle, journalPath } = active;
    throttle.dispose();
    let summary: SummaryView;
    if (o.result) {
      aggregator.log(o.result.check.ok ? 'info' : 'warn', this.t(o.result.check.ok ? 'log.checkOk' : 'log.checkProblems'));
      summary = summaryOf(o.result, aggregator.progress(), this.t, journalPath, o.resumable);
    } else {
      const message = o.error?.message ?? String(o.error);
      aggregator.log('error', this.t('log.error', message));
      summary = failureSummary(message, aggregator.progress(), journalPath, o.resumable);
    }
    aggregator.end();
    this.run = null;
    const done: HostToWebview = { type: 'runFinished', summary, delta: aggregator.takeDelta() };
    this.snapshot = reduceSnapshot(this.snapshot, done);
    this.post(done);
    this.finish(outcomeOf(o));
    void this.announceDemotions(summary);
  }

  /**
   * Masters the run emptied turn into replicas (Redis does that, see model/demotion.ts): the summary says so
   * once the cluster shows it. Each node reports its own role; a node that is still loading its new master's
   * data may not answer yet, so this waits, with a deadline, and says nothing if it never shows.
   */
  private async announceDemotions(summary: SummaryView): Promise<void> {
    const ids = drainedByRun(this.snapshot.view.nodes, this.snapshot.doneSlots);
    if (ids.length === 0) return;
    const deadline = Date.now() + DEMOTION_WAIT_MS;
    while (!this.disposed && this.snapshot.summary === summary) {
      const topology = await this.deps.topology(this.clusterId).catch(() => undefined);
      const demoted = topology ? replicasAmong(ids, topology) : [];
      if (demoted.length === ids.length || (Date.now() >= deadline && demoted.length > 0)) {
        if (this.snapshot.summary !== summary) return; // a new plan replaced the summary meanwhile
        const m: HostToWebview = { type: 'demoted', nodes: demoted.map((d) => ({ addr: d.addr, masterAddr: d.masterAddr ?? d.masterId?.slice(0, 8) ?? '?' })) };
        this.snapshot = reduceSnapshot(this.snapshot, m);
        this.post(m);
        return;
      }
      if (Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private cancelRun(): void {
    const run = this.run;
    if (!run || run.run.cancelRequested) return;
    run.aggregator.requestStop();
    run.run.cancel();
    run.throttle.flushNow();
  }

  // ------------------------------------------------------------ lifetime

  private onPanelDisposed(): void {
    if (this.disposed) return;
    this.disposed = true;
    const run = this.run;
    if (run && !run.run.cancelRequested) {
      run.aggregator.requestStop();
      run.run.cancel();
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

/** Opens plans in panels (one per cluster, restored ones included) and runs them. Built once in the composition root. */
export class MigrationPanel implements MigrationPanelHost, vscode.Disposable {
  private readonly sessions = new PanelSessions<PanelSession>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: MigrationPanelDeps,
  ) {}

  async show(request: MigrationRequest): Promise<MigrationOutcome> {
    const existing = this.sessions.get(request.clusterId);
    const t = translator(loadStrings(this.context.extensionUri.fsPath, vscode.env.language));
    switch (showDecision(existing)) {
      case 'busy':
        existing!.reveal();
        void vscode.window.showInformationMessage(t('host.alreadyRunning', request.clusterName));
        return 'cancelled';
      case 'confirm-replace': {
        existing!.reveal();
        const replace = t('host.replace');
        const choice = await vscode.window.showWarningMessage(t('host.replaceSummary', request.clusterName), { modal: true }, replace);
        if (choice !== replace) return 'cancelled';
        // The user may have closed the panel, or started a resume in it, meanwhile.
        return this.sessions.get(request.clusterId) === existing && !existing!.isRunning ? existing!.open(request) : this.show(request);
      }
      case 'reuse':
        return existing!.open(request);
      case 'create':
        break;
    }
    const panel = vscode.window.createWebviewPanel(
      MIGRATION_VIEW_TYPE,
      request.clusterName,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewOptions(this.context.extensionUri),
    );
    const session = new PanelSession(this.context, this.deps, panel, { request });
    this.sessions.add(session);
    return session.outcome();
  }

  /** A panel the serializer brought back after a window reload: tracked like any other. */
  restore(panel: vscode.WebviewPanel, state: PersistedState): void {
    this.sessions.add(new PanelSession(this.context, this.deps, panel, { restored: state }));
  }

  dispose(): void {
    for (const s of this.sessions.all()) s.dispose();
    this.sessions.clear();
  }
}

/** Brings migration panels back after a window reload, from the state their webview persisted. */
export function registerMigrationPanelSerializer(migrations: MigrationPanel): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(MIGRATION_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Thenable<void> {
      if (isPersistedState(state)) migrations.restore(panel, state);
      else panel.dispose();
      return Promise.resolve();
    },
  });
}
