/** Copy Node ID and Open Node Info (INFO of one node in a read-only document). */
import * as vscode from 'vscode';
import { readNodeInfo } from '../../engine';
import { withProgress } from '../services/progress';
import { isTreeElement, type CommandHandler } from './context';
import { pickCluster, pickNode } from './pick';

export const copyNodeId: CommandHandler = async (deps, arg) => {
  let nodeId: string | undefined;
  if (isTreeElement(arg) && 'nodeId' in arg) nodeId = arg.nodeId;
  if (!nodeId) {
    const view = await pickCluster(deps, arg);
    nodeId = (await pickNode(view, arg, () => true, vscode.l10n.t('Select the node'), vscode.l10n.t('The cluster has no nodes.'))).id;
  }
  await vscode.env.clipboard.writeText(nodeId);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied node ID {0}', nodeId), 3000);
  return nodeId;
};

export const openNodeInfo: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const node = await pickNode(view, arg, () => true, vscode.l10n.t('Select the node'), vscode.l10n.t('The cluster has no nodes.'));
  const addr = `${node.host}:${node.port}`;
  const opts = await deps.access.options(view.id);
  const text = await withProgress(vscode.l10n.t('Reading INFO of {0}…', addr), async () => {
    const { info, clusterNodes } = await readNodeInfo(node.host, node.port, opts);
    return `# ${addr} ${node.id}\n\n# CLUSTER NODES\n${clusterNodes}\n${info}`;
  });
  await deps.results.open(vscode.l10n.t('Node {0}', addr), text);
};
