/** Create Cluster…: fresh nodes → the allocation redis-cli would choose, shown before anything changes; then added to the tree. */
import * as vscode from 'vscode';
import { parseCreateAddress, printingTo, renderCreateEvent, renderEvents, runCreate } from '../../engine';
import { parseSeeds } from '../model/profile';
import { withProgress } from '../services/progress';
import { Cancelled, type CommandHandler } from './context';
import { ask } from './pick';

export const createCluster: CommandHandler = async (deps) => {
  const title = vscode.l10n.t('Create Cluster');
  const text = await ask({
    title,
    prompt: vscode.l10n.t('Addresses of the fresh nodes (host:port), separated by commas or spaces; at least 3 masters'),
    placeHolder: '127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002',
    validateInput: (v) => {
      const r = parseSeeds(v, vscode.l10n);
      return 'error' in r ? r.error : r.seeds.every((s) => parseCreateAddress(s)) ? undefined : vscode.l10n.t('Enter host:port, for example 127.0.0.1:7006.');
    },
  });
  const addresses = (parseSeeds(text, vscode.l10n) as { seeds: string[] }).seeds;
  const replicas = Number(
    await ask({
      title,
      prompt: vscode.l10n.t('Replicas per master'),
      value: addresses.length >= 6 ? '1' : '0',
      validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter 0 or more.')),
    }),
  );
  let declined = false;
  let printed = '';
  const report = await withProgress(vscode.l10n.t('Creating the cluster…'), () =>
    runCreate({
      addresses,
      replicas,
      connectTimeoutMs: deps.config.connectTimeoutMs(),
      onEvent: printingTo(renderCreateEvent, (c) => {
        printed += c.text;
      }),
      confirm: async () => {
        const yes = vscode.l10n.t('Create Cluster');
        const detail = printed
          .replace(/\r\n/g, '\n')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .slice(-40)
          .join('\n');
        const ok = (await vscode.window.showWarningMessage(vscode.l10n.t('Create the cluster with this configuration?'), { modal: true, detail }, yes)) === yes;
        declined = !ok;
        return ok;
      },
    }),
  );
  const output = renderEvents(report.events, renderCreateEvent);
  deps.log.output('create', output);
  if (declined) throw new Cancelled();
  if (report.exitCode !== 0 || !report.applied) {
    const showOutput = vscode.l10n.t('Show Output');
    const c = await vscode.window.showErrorMessage(vscode.l10n.t('The cluster was not created; see the output.'), showOutput);
    if (c === showOutput) await deps.results.openOutput(title, output);
    return undefined;
  }
  const profile = await deps.registry.add({ name: addresses[0]!, seeds: addresses.slice(0, 3) });
  await deps.store.connect(profile.id).catch(() => undefined);
  void vscode.window.showInformationMessage(vscode.l10n.t('Cluster created with {0} nodes and added to the list.', addresses.length));
  void deps.reveal({ kind: 'cluster', clusterId: profile.id });
  return profile.id;
};
