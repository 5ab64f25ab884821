/** Move Replica to Another Master…: CLUSTER REPLICATE on a replica (or an empty master), via the engine's runReplicate. */
import * as vscode from 'vscode';
import { renderReplicateEvent, runReplicate } from '../../engine';
import { isMaster } from '../tree/model';
import { Cancelled, type CommandHandler } from './context';
import { nodeItems, pickCluster, pickNode, quickPick } from './pick';
import { confirmChange, notifyResult, runOperation } from './run';

export const replicate: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const node = await pickNode(
    view,
    arg,
    (n) => !isMaster(n) || n.slotCount === 0,
    vscode.l10n.t('Replica to move'),
    vscode.l10n.t('The cluster has no replicas.'),
  );
  const addr = `${node.host}:${node.port}`;
  if (isMaster(node) && node.slotCount > 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is a master that owns slots: drain it first.', addr));
    throw new Cancelled();
  }
  const masters = nodeItems(view, (n) => isMaster(n) && n.id !== node.id && n.id !== node.masterId);
  if (masters.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There is no other master to move {0} to.', addr));
    throw new Cancelled();
  }
  const master = (await quickPick(masters, { placeHolder: vscode.l10n.t('New master of {0}', addr), matchOnDetail: true })).node;
  const masterAddr = `${master.host}:${master.port}`;
  await confirmChange(
    deps,
    vscode.l10n.t('Make {0} a replica of {1}?', addr, masterAddr),
    vscode.l10n.t('{0} gets CLUSTER REPLICATE {1}: it drops its data and copies the data of {2}.', addr, master.id, masterAddr),
    vscode.l10n.t('Move Replica'),
    true,
  );
  const report = await runOperation(
    deps,
    { clusterId: view.id, title: vscode.l10n.t('Moving {0} to {1}…', addr, masterAddr), component: 'replicate', refresh: true, render: renderReplicateEvent },
    (_h, _p, opts) => runReplicate({ ...opts, host: node.host, port: node.port, masterId: master.id }),
  );
  await notifyResult(
    deps,
    report.moved,
    report.moved ? vscode.l10n.t('{0} is now a replica of {1}.', addr, masterAddr) : vscode.l10n.t('{0} could not be moved; see the output.', addr),
    vscode.l10n.t('Move Replica {0}', addr),
    report.output,
  );
  if (report.moved) void deps.reveal({ kind: 'node', clusterId: view.id, nodeId: node.id });
  return report.exitCode;
};
