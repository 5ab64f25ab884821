/**
 * Runs a move plan (or resumes a journal) with a cancellable notification
 * progress, the status-bar item, a journal, the engine log, and a result
 * notification. Cancel stops at a slot boundary: no slot is left open.
 */
import * as vscode from 'vscode';
import { applyPlan, describePace, resumeJournal, type ApplyResult, type MigrationEvent, type MovePlan } from '../../engine';
import { describeError } from '../model/errors';
import { nodeAddr } from '../model/planSummary';
import type { MigrationSettings } from '../webview/panelApi';
import type { ClusterAccess } from './clusterAccess';
import { lockJournal, unlockJournal, type Journals } from './journals';
import type { Log } from './log';
import { progressText, type MigrationStatus } from './migrationStatus';
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

export type RunOutcome = 'executed' | 'failed' | 'cancelled';

export class MigrationRunner {
  constructor(
    private readonly access: ClusterAccess,
    private readonly journals: Journals,
    private readonly status: MigrationStatus,
    private readonly log: Log,
    private readonly changed: (clusterId: string) => void,
  ) {}

  async run(req: RunRequest): Promise<RunOutcome> {
    const journalPath = req.journalPath ?? this.journals.newPath(req.plan?.kind ?? 'migration');
    const handle = this.status.begin(`${req.title} (${req.clusterName})`);
    this.journals.active.add(journalPath);
    lockJournal(journalPath);
    this.log.info('migration', `${req.title} on ${req.clusterName}: journal ${journalPath}`);
    let result: ApplyResult | undefined;
    let total = req.plan?.moves.length ?? 0;
    let plan: MovePlan | undefined = req.plan;
    try {
      const opts = await this.access.options(req.clusterId);
      result = await withProgress(req.title, async (p) => {
        let lastPct = 0;
        const onEvent = (e: MigrationEvent): void => {
          this.logEvent(e, plan);
          if (e.type === 'progress' || e.type === 'plan-finished' || e.type === 'cancelled') {
            const snap = e.progress;
            total = snap.totalSlots;
            const pct = snap.totalSlots > 0 ? (snap.slotsDone / snap.totalSlots) * 100 : 100;
            p.report(progressText(snap), Math.max(0, pct - lastPct));
            lastPct = Math.max(lastPct, pct);
            handle.update(snap);
          }
        };
        const common = {
          ...opts,
          timeoutMs: req.settings.timeoutMs,
          replace: req.settings.replace,
          ...(req.settings.maxClientLatencyMs !== undefined ? { maxClientLatencyMs: req.settings.maxClientLatencyMs } : {}),
          ...(req.settings.pipeline ? { pipeline: req.settings.pipeline } : {}),
          signal: p.signal,
          onEvent,
        };
        if (req.plan) return applyPlan(req.plan, { ...common, journalPath });
        const resumed = await resumeJournal(journalPath, common);
        plan = resumed.plan;
        return resumed;
      }, { cancellable: true });
    } catch (e) {
      this.log.error('migration', e instanceof Error ? e : String(e));
      void this.offerResume(req, journalPath, describeError(e, vscode.l10n), 'error');
      return 'failed';
    } finally {
      handle.end();
      this.journals.active.delete(journalPath);
      unlockJournal(journalPath);
      this.changed(req.clusterId);
    }
    const s = result.progress;
    if (result.status === 'done') {
      const seconds = (s.elapsedMs / 1000).toFixed(1);
      const msg = vscode.l10n.t('{0} finished: {1} slots and {2} keys moved in {3}s.', req.title, s.slotsDone, s.keysMoved, seconds);
      this.log.info('migration', msg);
      if (!result.check.ok) {
        void vscode.window.showWarningMessage(vscode.l10n.t('{0} The check afterwards found problems: run Check for details.', msg));
      } else void vscode.window.showInformationMessage(msg);
      return 'executed';
    }
    if (result.status === 'cancelled') {
      const msg = vscode.l10n.t('{0} stopped after {1} of {2} slots; no slot was left open.', req.title, s.slotsDone, total);
      this.log.info('migration', msg);
      void this.offerResume(req, journalPath, msg, 'info');
      return 'cancelled';
    }
    const why = result.error ? describeError(result.error, vscode.l10n) : vscode.l10n.t('unknown error');
    const msg = vscode.l10n.t('{0} failed after {1} of {2} slots: {3}', req.title, s.slotsDone, total, why);
    this.log.error('migration', msg);
    void this.offerResume(req, journalPath, msg, 'error');
    return 'failed';
  }

  private async offerResume(req: RunRequest, journalPath: string, message: string, level: 'info' | 'error'): Promise<void> {
    const resume = vscode.l10n.t('Resume');
    const showLog = vscode.l10n.t('Show Log');
    const show = level === 'error' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
    const choice = await show(message, resume, showLog);
    if (choice === showLog) this.log.show();
    if (choice === resume) {
      await this.run({ clusterId: req.clusterId, clusterName: req.clusterName, title: vscode.l10n.t('Resume migration'), settings: req.settings, journalPath });
    }
  }

  private logEvent(e: MigrationEvent, plan: MovePlan | undefined): void {
    const addr = (id: string): string => (plan ? nodeAddr(plan, id) : id.slice(0, 8));
    switch (e.type) {
      case 'plan-started': this.log.info('migration', `moving ${e.totalSlots} slots (${e.keysTotal} keys) in ${e.lanes} lane(s)`); break;
      case 'group-started': this.log.info('migration', `Moving ${e.slots} slots from ${addr(e.sourceId)} to ${addr(e.targetId)}`); break;
      case 'slot-done': this.log.trace('migration', `slot ${e.slot}: ${e.keys} keys ${addr(e.sourceId)} → ${addr(e.targetId)}`); break;
      case 'busy-keys': this.log.warn('migration', `slot ${e.slot}: keys present on both sides (${e.action}): ${e.keys.slice(0, 5).join(', ')}`); break;
      case 'retry': this.log.warn('migration', `retry ${e.attempt} on ${addr(e.sourceId)}: ${e.reason}`); break;
      case 'pace': this.log.debug('migration', `pace: ${describePace(e.pace)} (${e.pace.reason})`); break;
      case 'verify-mismatch': this.log.warn('migration', `slot ${e.slot}: ${e.before} keys before, ${e.after} after`); break;
      case 'error': this.log.error('migration', e.error.message); break;
      case 'plan-finished': this.log.info('migration', `finished: ${e.progress.slotsDone} slots, ${e.progress.keysMoved} keys, verified=${e.verified}`); break;
      default: break;
    }
  }
}
