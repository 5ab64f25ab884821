/**
 * Check, Info and Check From This Node: redis-cli's exact output in a
 * read-only document; the tree takes the fresh topology (of a check from the
 * cluster's seeds). `check` with `{ clusterId }` is what the migration
 * summary's "view check output" link calls.
 */
import * as vscode from 'vscode';
import { renderCheckEvent, runCheck, runInfo } from '../../engine';
import type { CommandHandler } from './context';
import { pickCluster, pickClusterId, pickNode } from './pick';
import { runOperation } from './run';

export const check: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to check'));
  const name = deps.registry.get(id)?.name ?? id;
  const report = await runOperation(
    deps,
    { clusterId: id, title: vscode.l10n.t('Checking {0}…', name), component: 'check', render: renderCheckEvent },
    (host, port, opts) => runCheck({ ...opts, host, port }),
  );
  deps.store.accept(id, report.topology);
  await deps.results.openOutput(vscode.l10n.t('Check {0}', name), report.output);
  return report.exitCode;
};

export const info: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster'));
  const name = deps.registry.get(id)?.name ?? id;
  const report = await runOperation(
    deps,
    { clusterId: id, title: vscode.l10n.t('Loading {0}…', name), component: 'info', render: renderCheckEvent },
    (host, port, opts) => runInfo({ ...opts, host, port }),
  );
  deps.store.accept(id, report.topology);
  await deps.results.openOutput(vscode.l10n.t('Info {0}', name), report.output);
  return report.exitCode;
};

/** The cluster as one node sees it (redis-cli --cluster check NODE): nodes can disagree. */
export const checkNode: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const node = await pickNode(view, arg, () => true, vscode.l10n.t('Select the node'), vscode.l10n.t('The cluster has no nodes.'));
  const addr = `${node.host}:${node.port}`;
  const report = await runOperation(
    deps,
    { clusterId: view.id, title: vscode.l10n.t('Checking {0}…', addr), component: 'check', render: renderCheckEvent },
    (_h, _p, opts) => runCheck({ ...opts, host: node.host, port: node.port }),
  );
  await deps.results.openOutput(vscode.l10n.t('Check {0}', addr), report.output);
  return report.exitCode;
};
