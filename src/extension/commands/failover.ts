/** Failover: a replica takes over from its master (CLUSTER FAILOVER), with FORCE / TAKEOVER offered when that fails. */
import * as vscode from 'vscode';
import { renderFailoverEvent, runFailover, type FailoverMode } from '../../engine';
import type { CommandHandler } from './context';
import { pickCluster, pickNode } from './pick';
import { confirmChange, notifyResult, runOperation } from './run';

export const failover: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const replica = await pickNode(view, arg, (n) => n.role === 'replica', vscode.l10n.t('Replica to promote'), vscode.l10n.t('The cluster has no replicas.'));
  const addr = `${replica.host}:${replica.port}`;
  const master = view.topology?.nodes.find((n) => n.id === replica.masterId);
  const masterAddr = master ? `${master.host}:${master.port}` : vscode.l10n.t('its master');
  await confirmChange(
    deps,
    vscode.l10n.t('Fail over {0} to {1}?', masterAddr, addr),
    vscode.l10n.t('{0} becomes a master with the slots of {1}, which becomes its replica. Clients are redirected.', addr, masterAddr),
    vscode.l10n.t('Failover'),
    true,
  );
  let mode: FailoverMode = 'default';
  for (;;) {
    const m = mode;
    const report = await runOperation(
      deps,
      { clusterId: view.id, title: vscode.l10n.t('Failing over to {0}…', addr), component: 'failover', refresh: true, render: renderFailoverEvent },
      (_h, _p, opts) => runFailover({ ...opts, host: replica.host, port: replica.port, mode: m }),
    );
    if (report.promoted) {
      await notifyResult(
        deps,
        true,
        vscode.l10n.t('{0} is now a master (it replaced {1}).', addr, masterAddr),
        vscode.l10n.t('Failover {0}', addr),
        report.output,
      );
      return 0;
    }
    const next: FailoverMode | undefined = mode === 'default' ? 'force' : mode === 'force' ? 'takeover' : undefined;
    const retry = next ? vscode.l10n.t('Retry with {0}', next.toUpperCase()) : undefined;
    const showOutput = vscode.l10n.t('Show Output');
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0} did not become a master.', addr), ...(retry ? [retry] : []), showOutput);
    if (choice === showOutput) await deps.results.openOutput(vscode.l10n.t('Failover {0}', addr), report.output);
    if (!retry || choice !== retry || !next) return 1;
    mode = next;
  }
};
