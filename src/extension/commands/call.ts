/** Call Command…: on every node (or masters / replicas only), or on one node from its item; redis-cli's raw output. */
import * as vscode from 'vscode';
import { callNode, destructiveReason, formatRawReply, renderCallEvent, runCall } from '../../engine';
import { splitCommandLine } from '../model/commandLine';
import { describeError } from '../model/errors';
import { withProgress } from '../services/progress';
import type { CommandDeps, CommandHandler } from './context';
import { ask, pickCluster, pickClusterId, pickNode, quickPick } from './pick';
import { confirmChange, runOperation } from './run';

async function askCommand(title: string): Promise<string[]> {
  const text = await ask({
    title,
    prompt: vscode.l10n.t('Command and arguments, as in redis-cli'),
    placeHolder: 'INFO memory',
    validateInput: (v) => {
      const args = splitCommandLine(v);
      return args === null ? vscode.l10n.t('A quote is not closed.') : args.length === 0 ? vscode.l10n.t('Enter a command.') : undefined;
    },
  });
  return splitCommandLine(text)!;
}

async function confirmIfDestructive(deps: CommandDeps, argv: readonly string[], where: string): Promise<void> {
  const danger = destructiveReason(argv);
  if (!danger) return;
  await confirmChange(
    deps,
    vscode.l10n.t('Send {0} to {1}?', argv.join(' '), where),
    vscode.l10n.t('{0} {1}.', argv[0]!.toUpperCase(), danger),
    vscode.l10n.t('Send'),
    true,
  );
}

export const call: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster'));
  const name = deps.registry.get(id)?.name ?? id;
  const argv = await askCommand(vscode.l10n.t('Call Command on {0}', name));
  type T = vscode.QuickPickItem & { v: 'all' | 'masters' | 'replicas' };
  const target = await quickPick<T>(
    [
      { label: vscode.l10n.t('All nodes'), v: 'all' },
      { label: vscode.l10n.t('Masters only'), v: 'masters' },
      { label: vscode.l10n.t('Replicas only'), v: 'replicas' },
    ],
    { placeHolder: vscode.l10n.t('Send {0} to…', argv[0]!) },
  );
  await confirmIfDestructive(deps, argv, target.label);
  const report = await runOperation(
    deps,
    {
      clusterId: id,
      title: vscode.l10n.t('Calling {0}…', argv[0]!),
      component: 'call',
      refresh: destructiveReason(argv) !== null,
      render: renderCallEvent,
    },
    (host, port, opts) => runCall({ ...opts, host, port, argv, onlyMasters: target.v === 'masters', onlyReplicas: target.v === 'replicas' }),
  );
  await deps.results.openOutput(vscode.l10n.t('Call {0} on {1}', argv[0]!, name), report.output);
  return report.replies.length;
};

export const callOnNode: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const node = await pickNode(view, arg, () => true, vscode.l10n.t('Select the node'), vscode.l10n.t('The cluster has no nodes.'));
  const addr = `${node.host}:${node.port}`;
  const argv = await askCommand(vscode.l10n.t('Call Command on {0}', addr));
  await confirmIfDestructive(deps, argv, addr);
  const opts = await deps.access.options(view.id);
  deps.log.info('call', `${argv[0]} on ${addr}`);
  const text = await withProgress(vscode.l10n.t('Calling {0} on {1}…', argv[0]!, addr), async () => {
    const r = await callNode(node.host, node.port, argv, opts);
    return `${addr}: ${r.ok ? formatRawReply(r.reply) : describeError(r.error, vscode.l10n)}\n`;
  });
  if (destructiveReason(argv)) void deps.store.load(view.id).catch(() => undefined);
  await deps.results.open(vscode.l10n.t('Call {0} on {1}', argv[0]!, addr), text);
};
