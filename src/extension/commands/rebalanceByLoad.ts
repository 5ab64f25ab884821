/** Rebalance by Load…: pick keys, memory or CPU and a threshold → the load planner's plan in the migration panel (before/after bars). */
import * as vscode from 'vscode';
import { DEFAULT_THRESHOLD, planLoadRebalance, type LoadMeasure } from '../../engine';
import { readSlotLoad } from '../services/slotLoad';
import type { CommandHandler } from './context';
import { showPlan } from './migrationRequest';
import { ask, pickCluster, quickPick } from './pick';

/** Keys, memory or CPU (CPU needs CLUSTER SLOT-STATS with cluster-slot-stats-enabled). */
export async function pickMeasure(title: string): Promise<LoadMeasure> {
  const items: (vscode.QuickPickItem & { m: LoadMeasure })[] = [
    { label: vscode.l10n.t('Keys'), description: vscode.l10n.t('keys per slot (exact counts)'), m: 'keys' },
    { label: vscode.l10n.t('Memory'), description: vscode.l10n.t('bytes per slot (sampled with MEMORY USAGE unless the server measures it)'), m: 'memory' },
    { label: vscode.l10n.t('CPU'), description: vscode.l10n.t('CPU time per slot (CLUSTER SLOT-STATS with cluster-slot-stats-enabled yes)'), m: 'cpu' },
  ];
  return (await quickPick(items, { title, placeHolder: vscode.l10n.t('Balance what?') })).m;
}

export const rebalanceByLoad: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg, vscode.l10n.t('Select the cluster to rebalance'));
  const title = vscode.l10n.t('Rebalance {0} by load', view.profile.name);
  const measure = await pickMeasure(title);
  const threshold = Number(
    await ask({
      title,
      prompt: vscode.l10n.t('Threshold in percent: masters closer than this to their share are left alone'),
      value: String(DEFAULT_THRESHOLD),
      validateInput: (v) => (Number(v) > 0 ? undefined : vscode.l10n.t('Enter a number greater than 0.')),
    }),
  );
  const { topology, report } = await readSlotLoad(deps.access, view.id, measure === 'memory');
  const plan = planLoadRebalance(topology, report, { measure, threshold });
  return showPlan(deps, { ...view, topology }, 'loadRebalance', plan, undefined, report);
};
