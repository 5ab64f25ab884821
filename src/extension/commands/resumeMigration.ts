/** Resume Interrupted Migration…: continues a run from its journal (also offered when a cluster is opened). */
import * as vscode from 'vscode';
import type { Config } from '../services/config';
import type { PendingJournal } from '../services/journals';
import type { MigrationSettings } from '../webview/panelApi';
import type { CommandDeps, CommandHandler } from './context';
import { pickCluster, quickPick } from './pick';
import { confirmChange } from './run';

export function journalLabel(j: PendingJournal): string {
  const kind = j.state.plan.kind === 'rebalance' ? vscode.l10n.t('Rebalance') : vscode.l10n.t('Reshard');
  return vscode.l10n.t('{0}: {1} of {2} slots still to move', kind, j.remaining, j.state.plan.moves.length);
}

/** The migration settings a resume runs with (the current ones). */
export function resumeSettings(config: Config): MigrationSettings {
  const m = config.migration();
  return { ...(m.pipeline ? { pipeline: m.pipeline } : {}), timeoutMs: m.timeoutMs, replace: m.replace, maxClientLatencyMs: m.maxClientLatencyMs };
}

export async function resumeJournalRun(deps: CommandDeps, clusterId: string, clusterName: string, j: PendingJournal): Promise<unknown> {
  return deps.runner.run({ clusterId, clusterName, title: vscode.l10n.t('Resume migration'), journalPath: j.path, settings: resumeSettings(deps.config) });
}

export const resumeMigration: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const pending = deps.journals.pending(view.topology!, true);
  if (pending.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0}: no interrupted migration found.', view.profile.name));
    return undefined;
  }
  const j =
    pending.length === 1
      ? pending[0]!
      : (
          await quickPick(
            pending.map((p) => ({
              label: journalLabel(p),
              description: new Date(p.modified).toLocaleString(),
              detail: p.path,
              j: p,
            })),
            { placeHolder: vscode.l10n.t('Migration to resume') },
          )
        ).j;
  // Moving slots again changes the cluster: asked like any other change (the confirmations setting applies).
  await confirmChange(
    deps,
    vscode.l10n.t('Resume the interrupted migration on {0}?', view.profile.name),
    `${journalLabel(j)}\n${j.path}`,
    vscode.l10n.t('Resume'),
    false,
  );
  return resumeJournalRun(deps, view.id, view.profile.name, j);
};

/** Called when a cluster is first loaded: offers the newest interrupted run on it. */
export async function offerResume(deps: CommandDeps, clusterId: string): Promise<void> {
  const view = deps.store.get(clusterId);
  if (!view?.topology) return;
  const pending = deps.journals.pending(view.topology);
  const j = pending[0];
  if (!j) return;
  const resume = vscode.l10n.t('Resume');
  const dismiss = vscode.l10n.t("Don't Ask Again");
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0}: an interrupted migration was found ({1}).', view.profile.name, journalLabel(j)),
    resume,
    dismiss,
  );
  if (choice === dismiss) await deps.journals.dismiss(j.path);
  if (choice === resume) await resumeJournalRun(deps, clusterId, view.profile.name, j);
}
