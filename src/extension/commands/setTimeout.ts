/** Set Node Timeout… (every node) and Set Timeout on This Node… (one node): CONFIG SET cluster-node-timeout + CONFIG REWRITE. */
import * as vscode from 'vscode';
import { MIN_NODE_TIMEOUT_MS, renderSetTimeoutEvent, runSetTimeout, type ClusterNode } from '../../engine';
import type { CommandDeps, CommandHandler } from './context';
import { ask, pickCluster, pickClusterId, pickNode } from './pick';
import { confirmChange, notifyResult, runOperation } from './run';

async function askTimeout(title: string, prompt: string): Promise<number> {
  return Number(
    await ask({
      title,
      prompt,
      value: '15000',
      validateInput: (v) =>
        /^\d+$/.test(v.trim()) && Number(v) >= MIN_NODE_TIMEOUT_MS
          ? undefined
          : vscode.l10n.t('Enter a whole number of milliseconds, at least {0}.', MIN_NODE_TIMEOUT_MS),
    }),
  );
}

async function apply(deps: CommandDeps, clusterId: string, ms: number, title: string, node?: ClusterNode): Promise<number> {
  const report = await runOperation(
    deps,
    { clusterId, title: vscode.l10n.t('Setting the node timeout…'), component: 'set-timeout', refresh: true, render: renderSetTimeoutEvent },
    (host, port, opts) => runSetTimeout({ ...opts, host, port, timeoutMs: ms, ...(node ? { nodeIds: [node.id] } : {}) }),
  );
  const failed = report.results.filter((r) => !r.ok).length;
  const ok = report.exitCode === 0;
  const total = report.results.length;
  await notifyResult(
    deps,
    ok,
    ok
      ? total === 1
        ? vscode.l10n.t('cluster-node-timeout set to {0} ms on 1 node.', ms)
        : vscode.l10n.t('cluster-node-timeout set to {0} ms on {1} nodes.', ms, total)
      : vscode.l10n.t('cluster-node-timeout could not be set on {0} of {1} nodes.', failed, total),
    title,
    report.output,
  );
  return report.exitCode;
}

export const setNodeTimeout: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster'));
  const name = deps.registry.get(id)?.name ?? id;
  const ms = await askTimeout(vscode.l10n.t('Set Node Timeout on {0}', name), vscode.l10n.t('cluster-node-timeout in milliseconds, for every node'));
  await confirmChange(
    deps,
    vscode.l10n.t('Set cluster-node-timeout to {0} ms on every node of {1}?', ms, name),
    vscode.l10n.t('Each node gets CONFIG SET cluster-node-timeout {0} and CONFIG REWRITE.', ms),
    vscode.l10n.t('Set Timeout'),
    false,
  );
  return apply(deps, id, ms, vscode.l10n.t('Set Timeout {0}', name));
};

export const setTimeoutOnNode: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const node = await pickNode(view, arg, () => true, vscode.l10n.t('Select the node'), vscode.l10n.t('The cluster has no nodes.'));
  const addr = `${node.host}:${node.port}`;
  const ms = await askTimeout(vscode.l10n.t('Set Node Timeout on {0}', addr), vscode.l10n.t('cluster-node-timeout in milliseconds, for {0} only', addr));
  await confirmChange(
    deps,
    vscode.l10n.t('Set cluster-node-timeout to {0} ms on {1}?', ms, addr),
    vscode.l10n.t('The node gets CONFIG SET cluster-node-timeout {0} and CONFIG REWRITE; the other nodes keep theirs.', ms),
    vscode.l10n.t('Set Timeout'),
    false,
  );
  return apply(deps, view.id, ms, vscode.l10n.t('Set Timeout {0}', addr), node);
};
