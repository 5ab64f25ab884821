/** Remove Cluster: forgets the profile and its password (the cluster is untouched); a sandbox can be stopped too. */
import * as vscode from 'vscode';
import { renderEvents, renderSandboxEvent, sandboxDown } from '../../engine';
import { Cancelled, type CommandHandler } from './context';
import { pickClusterId } from './pick';
import { withProgress } from '../services/progress';

export const removeCluster: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to remove from the list'));
  const profile = deps.registry.get(id);
  if (!profile) return;
  const remove = vscode.l10n.t('Remove');
  const stop = vscode.l10n.t('Remove and Stop Sandbox');
  const detail = profile.sandbox
    ? vscode.l10n.t(
        'This is a local sandbox in {0}. "Remove and Stop Sandbox" also stops its redis-server processes and deletes that folder.',
        profile.sandbox.dir,
      )
    : vscode.l10n.t('Its saved password is deleted. The cluster itself is not changed.');
  const buttons = profile.sandbox ? [stop, remove] : [remove];
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Remove "{0}" from the list?', profile.name), { modal: true, detail }, ...buttons);
  if (!choice) throw new Cancelled();
  await deps.store.disconnect(id);
  await deps.registry.remove(id);
  if (choice === stop && profile.sandbox) {
    const sandbox = profile.sandbox;
    const report = await withProgress(vscode.l10n.t('Stopping the sandbox cluster…'), () => sandboxDown({ dir: sandbox.dir }));
    deps.log.output('sandbox', renderEvents(report.events, renderSandboxEvent));
    void vscode.window.showInformationMessage(vscode.l10n.t('Sandbox stopped and {0} removed.', sandbox.dir));
  }
};
