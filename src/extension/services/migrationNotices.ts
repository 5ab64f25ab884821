/**
 * What the extension does when a migration ends, wherever it was started (a
 * command, the migration panel): one notification saying how it ended (with
 * Resume when the journal can continue it), one log line, one reload of the
 * cluster. vscode-free: the UI is injected, so unit tests drive it.
 */
import type { MigrationRun, MigrationService, RunOutcome } from '../../engine';
import { describeError } from '../model/errors';
import type { L10n } from '../model/l10n';

export type NoticeLevel = 'info' | 'warn' | 'error';

export interface EndNotice {
  readonly level: NoticeLevel;
  readonly message: string;
  readonly resumable: boolean;
}

/** The sentence for a run that ended. Pure. */
export function endNotice(label: string, o: RunOutcome, l10n: L10n): EndNotice {
  const s = o.progress;
  if (o.status === 'done') {
    const slots = s.slotsDone === 1 ? l10n.t('1 slot') : l10n.t('{0} slots', s.slotsDone);
    const keys = s.keysMoved === 1 ? l10n.t('1 key') : l10n.t('{0} keys', s.keysMoved);
    const msg = l10n.t('{0} finished: {1} and {2} moved in {3}s.', label, slots, keys, (s.elapsedMs / 1000).toFixed(1));
    return o.result && !o.result.check.ok
      ? { level: 'warn', message: l10n.t('{0} The check afterwards found problems: run Check for details.', msg), resumable: false }
      : { level: 'info', message: msg, resumable: false };
  }
  if (o.status === 'cancelled') {
    return {
      level: 'info',
      message: l10n.t('{0} stopped after {1} of {2} slots; no slot was left open.', label, s.slotsDone, s.totalSlots),
      resumable: o.resumable,
    };
  }
  const why = o.error ? describeError(o.error, l10n) : l10n.t('unknown error');
  return { level: 'error', message: l10n.t('{0} failed after {1} of {2} slots: {3}', label, s.slotsDone, s.totalSlots, why), resumable: o.resumable };
}

export interface RunEndDeps {
  readonly l10n: L10n;
  /** Shows a notification with buttons; resolves with the one chosen. */
  notify(level: NoticeLevel, message: string, actions: readonly string[]): PromiseLike<string | undefined>;
  log(level: NoticeLevel, message: string): void;
  showLog(): void;
  /** Reloads the cluster the run changed (the tree). */
  reload(clusterId: string): void;
  /** Continues the run from its journal (the user chose Resume). */
  resume(run: MigrationRun): PromiseLike<unknown>;
}

/** Subscribes to every run the service starts; returns the unsubscribe. */
export function watchRunEnds(service: MigrationService, deps: RunEndDeps): () => void {
  return service.onDidStart((run) => {
    void run.outcome.then(async (o) => {
      if (run.clusterId) deps.reload(run.clusterId);
      const n = endNotice(run.label, o, deps.l10n);
      deps.log(n.level, n.message);
      const resume = deps.l10n.t('Resume');
      const showLog = deps.l10n.t('Show Log');
      const choice = await deps.notify(n.level, n.message, n.resumable ? [resume, showLog] : [showLog]);
      if (choice === showLog) deps.showLog();
      if (choice === resume) await deps.resume(run);
    });
  });
}
