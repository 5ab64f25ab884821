/** Add Node… (empty master or replica) and Add Replica… (from a master's item). */
import * as vscode from 'vscode';
import { renderAddNodeEvent, runAddNode, type ClusterNode } from '../../engine';
import { parseHostPort } from '../model/profile';
import { isMaster } from '../tree/model';
import type { CommandDeps, CommandHandler } from './context';
import { askAddress, nodeItems, pickCluster, pickNode, quickPick } from './pick';
import { confirmChange, notifyResult, runOperation } from './run';

async function add(deps: CommandDeps, clusterId: string, name: string, host: string, port: number, master: ClusterNode | 'auto' | undefined): Promise<number> {
  const addr = `${host}:${port}`;
  const role =
    master === undefined
      ? vscode.l10n.t('as an empty master')
      : master === 'auto'
        ? vscode.l10n.t('as a replica of the master with the fewest replicas')
        : vscode.l10n.t('as a replica of {0}', `${master.host}:${master.port}`);
  await confirmChange(
    deps,
    vscode.l10n.t('Add {0} to {1} {2}?', addr, name, role),
    vscode.l10n.t('The node must be an empty cluster-enabled redis-server that is not part of a cluster yet.'),
    vscode.l10n.t('Add Node'),
    false,
  );
  const report = await runOperation(
    deps,
    { clusterId, title: vscode.l10n.t('Adding {0}…', addr), component: 'add-node', refresh: true, render: renderAddNodeEvent },
    (h, p, opts) =>
      runAddNode({
        ...opts,
        newHost: host,
        newPort: port,
        host: h,
        port: p,
        ...(master !== undefined ? { asReplica: true } : {}),
        ...(master !== undefined && master !== 'auto' ? { masterId: master.id } : {}),
      }),
  );
  const ok = report.exitCode === 0;
  await notifyResult(
    deps,
    ok,
    ok ? vscode.l10n.t('{0} joined {1} {2}.', addr, name, role) : vscode.l10n.t('{0} could not be added; see the output.', addr),
    vscode.l10n.t('Add Node {0}', addr),
    report.output,
  );
  if (ok && report.node)
    await deps.store
      .load(clusterId)
      .then(() => deps.reveal({ kind: 'node', clusterId, nodeId: report.node!.id }))
      .catch(() => undefined);
  return report.exitCode;
}

interface AddNodeArgs {
  readonly clusterId: string;
  readonly address: string;
  readonly role?: 'master' | 'replica';
  readonly masterId?: string;
}

export const addNode: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg, vscode.l10n.t('Select the cluster to add a node to'));
  const given = arg && typeof arg === 'object' && typeof (arg as AddNodeArgs).address === 'string' ? (arg as AddNodeArgs) : undefined;
  const title = vscode.l10n.t('Add Node to {0}', view.profile.name);
  const target = given ? parseHostPort(given.address) : await askAddress(title, vscode.l10n.t('Address of the new node (host:port)'));
  if (!target) throw new Error(vscode.l10n.t('Enter host:port, for example 127.0.0.1:7006.'));
  let master: ClusterNode | 'auto' | undefined;
  if (given) {
    master = given.role === 'replica' ? (view.topology?.nodes.find((n) => n.id === given.masterId) ?? 'auto') : undefined;
  } else {
    type R = vscode.QuickPickItem & { v: 'master' | 'auto' | 'pick' };
    const r = await quickPick<R>(
      [
        { label: vscode.l10n.t('Empty master'), description: vscode.l10n.t('give it slots afterwards with Reshard or Rebalance'), v: 'master' },
        { label: vscode.l10n.t('Replica'), description: vscode.l10n.t('of the master with the fewest replicas'), v: 'auto' },
        { label: vscode.l10n.t('Replica of…'), description: vscode.l10n.t('choose the master'), v: 'pick' },
      ],
      { title, placeHolder: vscode.l10n.t('Role of {0}', `${target.host}:${target.port}`) },
    );
    if (r.v === 'auto') master = 'auto';
    if (r.v === 'pick') {
      master = (await quickPick(nodeItems(view, isMaster), { title, placeHolder: vscode.l10n.t('Master to replicate') })).node;
    }
  }
  return add(deps, view.id, view.profile.name, target.host, target.port, master);
};

export const addReplica: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const master = await pickNode(view, arg, isMaster, vscode.l10n.t('Master to add a replica to'), vscode.l10n.t('The cluster has no masters.'));
  const target = await askAddress(
    vscode.l10n.t('Add Replica to {0}', `${master.host}:${master.port}`),
    vscode.l10n.t('Address of the new replica (host:port)'),
  );
  return add(deps, view.id, view.profile.name, target.host, target.port, master);
};
