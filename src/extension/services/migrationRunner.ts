/**
 * Runs a migration from a command (today: the resume of a journal) in the
 * migration service, with a cancellable notification progress and the engine
 * log. Cancel stops at a slot boundary: no slot is left open. The status bar
 * and the end notification subscribe to the service (they show the panel's
 * runs as well).
 */
import * as vscode from 'vscode';
import { describePace, type MigrationEvent, type MigrationRun, type MigrationService, type MovePlan } from '../../engine';
import { describeError } from '../model/errors';
import { nodeAddr } from '../model/planSummary';
import { Throttle } from '../webview/runModel';
import type { MigrationSettings } from '../webview/panelApi';
import type { ClusterAccess } from './clusterAccess';
import type { Log } from './log';
import { progressText } from './migrationStatus';
import { withProgress } from './progress';

export interface RunRequest {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly title: string;
  readonly settings: MigrationSettings;
  /** A new run of this plan, or the resume of this journal. */
  readonly plan?: MovePlan;
  readonly journalPath?: string;
}

/** How often the progress notification is updated, ms. */
const REPORT_INTERVAL_MS = 250;

export class MigrationRunner {
  constructor(
    private readonly access: ClusterAccess,
    private readonly service: MigrationService,
    private readonly log: Log,
  ) {}

  /** 'executed' when every move was made and verified. */
  async run(req: RunRequest): Promise<'executed' | 'cancelled' | 'failed'> {
    let run: MigrationRun;
    try {
      run = this.service.start({
        ...(req.plan ? { plan: req.plan } : {}),
        ...(req.journalPath ? { journalPath: req.journalPath } : {}),
        options: this.access.options(req.clusterId).then((opts) => ({
          ...opts,
          timeoutMs: req.settings.timeoutMs,
          replace: req.settings.replace,
          ...(req.settings.pipeline ? { pipeline: req.settings.pipeline } : {}),
          ...(req.settings.maxClientLatencyMs !== undefined ? { maxClientLatencyMs: req.settings.maxClientLatencyMs } : {}),
        })),
        label: `${req.title} (${req.clusterName})`,
        clusterId: req.clusterId,
      });
    } catch (e) {
      this.log.error('migration', e instanceof Error ? e.message : String(e));
      void vscode.window.showErrorMessage(describeError(e, vscode.l10n));
      return 'failed';
    }
    this.log.info('migration', `${req.title} on ${req.clusterName}: journal ${run.journalPath}`);
    const stopLog = run.onEvent((e) => this.logEvent(e, run.plan));
    const outcome = await withProgress(
      req.title,
      async (p) => {
        p.signal.addEventListener('abort', () => run.cancel(), { once: true });
        let lastPct = 0;
        const report = new Throttle(REPORT_INTERVAL_MS, () => {
          const snap = run.progress();
          const pct = snap.totalSlots > 0 ? (snap.slotsDone / snap.totalSlots) * 100 : 100;
          p.report(progressText(snap), Math.max(0, pct - lastPct));
          lastPct = Math.max(lastPct, pct);
        });
        const stop = run.onEvent(() => report.poke());
        try {
          return await run.outcome;
        } finally {
          stop();
          report.dispose();
        }
      },
      { cancellable: true },
    );
    stopLog();
    return outcome.status === 'done' ? 'executed' : outcome.status;
  }

  private logEvent(e: MigrationEvent, plan: MovePlan): void {
    const addr = (id: string): string => nodeAddr(plan, id);
    switch (e.type) {
      case 'plan-started':
        this.log.info('migration', `moving ${e.totalSlots} slots (${e.keysTotal} keys) in ${e.lanes} lane(s)`);
        break;
      case 'group-started':
        this.log.info('migration', `Moving ${e.slots} slots from ${addr(e.sourceId)} to ${addr(e.targetId)}`);
        break;
      case 'slot-done':
        this.log.trace('migration', `slot ${e.slot}: ${e.keys} keys ${addr(e.sourceId)} → ${addr(e.targetId)}`);
        break;
      case 'busy-keys':
        this.log.warn('migration', `slot ${e.slot}: keys present on both sides (${e.action}): ${e.keys.slice(0, 5).join(', ')}`);
        break;
      case 'retry':
        this.log.warn('migration', `retry ${e.attempt} on ${addr(e.sourceId)}: ${e.reason}`);
        break;
      case 'atomic-job':
        this.log.debug('migration', `${e.strategy} job ${e.job.jobId} ${addr(e.job.sourceId)} → ${addr(e.job.targetId)}: ${e.job.state}`);
        break;
      case 'pace':
        this.log.debug('migration', `pace: ${describePace(e.pace)} (${e.pace.reason})`);
        break;
      case 'verify-mismatch':
        this.log.warn('migration', `slot ${e.slot}: ${e.before} keys before, ${e.after} after`);
        break;
      // The failure itself is logged once, by the end notice (services/migrationNotices.ts).
      case 'error':
        this.log.debug('migration', e.error.message);
        break;
      case 'plan-finished':
        this.log.info('migration', `finished: ${e.progress.slotsDone} slots, ${e.progress.keysMoved} keys, verified=${e.verified}`);
        break;
      case 'slot-started':
      case 'batch':
      case 'progress':
      case 'cancelled':
      case 'big-keys':
      case 'profile':
        break;
    }
  }
}
