/** Delete Node…: a replica, an empty master, or a node that is down; asks first (modal). */
import * as vscode from 'vscode';
import { renderDelNodeEvent, runDelNode } from '../../engine';
import { findNode } from '../tree/model';
import { Cancelled, isTreeElement, type CommandHandler } from './context';
import { pickCluster, quickPick } from './pick';
import { shortId } from '../tree/items';
import { confirmChange, notifyResult, runOperation } from './run';

export const deleteNode: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg, vscode.l10n.t('Select the cluster'));
  let nodeId: string | undefined = isTreeElement(arg) && arg.kind === 'node' ? arg.nodeId : undefined;
  if (!nodeId) {
    const t = view.topology!;
    type N = vscode.QuickPickItem & { id: string };
    const items: N[] = [
      ...t.nodes
        .filter((n) => n.role === 'replica' || n.slotCount === 0)
        .map((n) => ({
          label: `${n.host}:${n.port}`,
          description: n.role === 'replica' ? vscode.l10n.t('replica') : vscode.l10n.t('empty master'),
          detail: n.id,
          id: n.id,
        })),
      ...t.skipped
        .filter((s) => s.slots.length === 0)
        .map((s) => ({ label: `${s.host}:${s.port}`, description: vscode.l10n.t('down'), detail: s.id, id: s.id })),
    ];
    if (items.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("No node can be deleted: only replicas, empty masters and nodes that are down can. Move a master's slots away first (Drain)."),
      );
      throw new Cancelled();
    }
    nodeId = (await quickPick(items, { placeHolder: vscode.l10n.t('Node to delete'), matchOnDetail: true })).id;
  }
  const info = findNode(view, nodeId);
  if (!info) throw new Error(vscode.l10n.t('Node {0} is no longer in the cluster.', shortId(nodeId)));
  const addr = `${info.node.host}:${info.node.port}`;
  if (info.node.slots.length > 0) {
    const drain = vscode.l10n.t('Drain…');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} still owns slots: move them to other masters first.', addr), drain);
    if (choice === drain) await vscode.commands.executeCommand('redisClusterManager.drain', { kind: 'node', clusterId: view.id, nodeId });
    throw new Cancelled();
  }
  await confirmChange(
    deps,
    vscode.l10n.t('Delete {0} from {1}?', addr, view.profile.name),
    info.down
      ? vscode.l10n.t('The node is down: every other node forgets it. If it comes back, reset it before reusing it.')
      : vscode.l10n.t('Every other node forgets it, its replicas move to another master, and the node is reset (CLUSTER RESET SOFT).'),
    vscode.l10n.t('Delete Node'),
    true,
  );
  const report = await runOperation(
    deps,
    { clusterId: view.id, title: vscode.l10n.t('Deleting {0}…', addr), component: 'del-node', refresh: true, render: renderDelNodeEvent },
    (host, port, opts) => runDelNode({ ...opts, host, port, nodeId: nodeId! }),
  );
  const ok = report.exitCode === 0;
  await notifyResult(
    deps,
    ok,
    ok ? vscode.l10n.t('{0} was removed from {1}.', addr, view.profile.name) : vscode.l10n.t('{0} could not be removed; see the output.', addr),
    vscode.l10n.t('Delete Node {0}', addr),
    report.output,
  );
  return report.exitCode;
};
