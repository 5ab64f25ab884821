/** Edit Cluster…: the Add Cluster steps, pre-filled; reconnects with the new settings. */
import * as vscode from 'vscode';
import type { CommandHandler } from './context';
import { pickClusterId } from './pick';
import { askProfile } from './profileSteps';
import { showClusterError } from './run';

export const editCluster: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to edit'));
  const current = deps.registry.get(id);
  if (!current) return;
  const { input, password } = await askProfile(deps, vscode.l10n.t('Edit Cluster'), current);
  await deps.registry.update({ ...current, ...input, user: input.user, tls: input.tls, addressMap: input.addressMap }, password);
  try {
    await deps.store.connect(id);
  } catch (e) {
    void showClusterError(deps, id, e);
  }
};
