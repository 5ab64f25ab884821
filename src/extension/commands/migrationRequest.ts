/** Building a MigrationRequest and handing it to the migration panel (which previews and runs it). */
import * as vscode from 'vscode';
import type { MovePlan, NothingToDo, RebalanceOptions, SlotLoadReport } from '../../engine';
import type { ClusterView } from '../tree/model';
import type { MigrationKind, MigrationOutcome, MigrationRequest } from '../webview/panelApi';
import { emptiedByPlan } from '../model/demotion';
import type { CommandDeps } from './context';
import { confirmChange } from './run';

/** Warns when the plan empties a master: Redis then turns it into a replica. */
async function warnEmptied(deps: CommandDeps, plan: MovePlan): Promise<void> {
  for (const e of emptiedByPlan(plan)) {
    await confirmChange(
      deps,
      vscode.l10n.t('{0} will become a replica of {1}.', e.addr, e.newMasterAddr),
      vscode.l10n.t(
        'This moves every slot of {0} away. Redis then turns the emptied master into a replica of the master that takes its last slot ({1}). Use Move Replica to Another Master or Delete Node afterwards if you want something else.',
        e.addr,
        e.newMasterAddr,
      ),
      vscode.l10n.t('Continue'),
      true,
    );
  }
}

export async function showPlan(
  deps: CommandDeps,
  view: ClusterView & { id: string },
  kind: MigrationKind,
  plan: MovePlan | NothingToDo,
  rebalanceOptions?: RebalanceOptions,
  slotLoad?: SlotLoadReport,
): Promise<MigrationOutcome> {
  if (plan.kind !== 'nothing-to-do') await warnEmptied(deps, plan);
  const m = deps.config.migration();
  const request: MigrationRequest = {
    kind,
    clusterId: view.id,
    clusterName: view.profile.name,
    topology: view.topology!,
    plan,
    ...(rebalanceOptions ? { rebalanceOptions } : {}),
    ...(slotLoad ? { slotLoad } : {}),
    settings: { ...(m.pipeline ? { pipeline: m.pipeline } : {}), timeoutMs: m.timeoutMs, replace: m.replace, maxClientLatencyMs: m.maxClientLatencyMs },
  };
  deps.log.info(
    'migration',
    plan.kind === 'nothing-to-do'
      ? `${kind} on ${view.profile.name}: nothing to do (${plan.reason})`
      : `${kind} on ${view.profile.name}: plan of ${plan.totalSlots} slots in ${plan.groups.length} group(s)`,
  );
  // The status bar, the end notification and the reload of the tree follow the run in the migration service.
  const outcome = await deps.migrations.show(request);
  deps.log.info('migration', `${kind} on ${view.profile.name}: ${outcome}`);
  return outcome;
}

/** Reshard, rebalance and Move These Slots need two masters at least. */
export function noMastersMessage(): string {
  return vscode.l10n.t('The cluster needs at least two masters for this.');
}
