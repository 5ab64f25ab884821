/** Connect / Disconnect: whether the tree loads (and polls) a cluster. */
import * as vscode from 'vscode';
import type { CommandHandler } from './context';
import { pickClusterId } from './pick';
import { showClusterError } from './run';

export const connect: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to connect to'));
  try {
    await deps.store.connect(id);
  } catch (e) {
    void showClusterError(deps, id, e);
  }
};

export const disconnect: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to disconnect from'));
  await deps.store.disconnect(id);
};
