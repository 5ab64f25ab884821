/** Set Node Timeout…: cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE). */
import * as vscode from 'vscode';
import { MIN_NODE_TIMEOUT_MS, runSetTimeout } from '../../engine';
import type { CommandHandler } from './context';
import { ask, pickClusterId } from './pick';
import { confirmChange, notifyResult, runOperation } from './run';

export const setNodeTimeout: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster'));
  const name = deps.registry.get(id)?.name ?? id;
  const ms = Number(await ask({
    title: vscode.l10n.t('Set Node Timeout on {0}', name),
    prompt: vscode.l10n.t('cluster-node-timeout in milliseconds, for every node'),
    value: '15000',
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= MIN_NODE_TIMEOUT_MS ? undefined
      : vscode.l10n.t('Enter a whole number of milliseconds, at least {0}.', MIN_NODE_TIMEOUT_MS)),
  }));
  await confirmChange(deps, vscode.l10n.t('Set cluster-node-timeout to {0} ms on every node of {1}?', ms, name),
    vscode.l10n.t('Each node gets CONFIG SET cluster-node-timeout {0} and CONFIG REWRITE.', ms), vscode.l10n.t('Set Timeout'), false);
  const report = await runOperation(deps, { clusterId: id, title: vscode.l10n.t('Setting the node timeout…'), component: 'set-timeout', refresh: true },
    (host, port, opts) => runSetTimeout(host, port, ms, opts));
  const failed = report.results.filter((r) => !r.ok).length;
  await notifyResult(deps, report.exitCode === 0, report.exitCode === 0
    ? vscode.l10n.t('cluster-node-timeout set to {0} ms on {1} node(s).', ms, report.results.length)
    : vscode.l10n.t('cluster-node-timeout could not be set on {0} of {1} node(s).', failed, report.results.length), vscode.l10n.t('Set Timeout {0}', name), report.output);
  return report.exitCode;
};
