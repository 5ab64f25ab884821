/** Check and Info: redis-cli's exact output in a read-only document; the tree takes the fresh topology. */
import * as vscode from 'vscode';
import { runCheck, runInfo } from '../../engine';
import type { CommandHandler } from './context';
import { pickClusterId } from './pick';
import { runOperation } from './run';

export const check: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to check'));
  const name = deps.registry.get(id)?.name ?? id;
  const report = await runOperation(deps, { clusterId: id, title: vscode.l10n.t('Checking {0}…', name), component: 'check' },
    (host, port, opts) => runCheck(host, port, opts));
  deps.store.accept(id, report.topology);
  await deps.results.openOutput(vscode.l10n.t('Check {0}', name), report.output);
  return report.exitCode;
};

export const info: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster'));
  const name = deps.registry.get(id)?.name ?? id;
  const report = await runOperation(deps, { clusterId: id, title: vscode.l10n.t('Loading {0}…', name), component: 'info' },
    (host, port, opts) => runInfo(host, port, opts));
  deps.store.accept(id, report.topology);
  await deps.results.openOutput(vscode.l10n.t('Info {0}', name), report.output);
  return report.exitCode;
};
