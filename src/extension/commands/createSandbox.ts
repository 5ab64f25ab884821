/** Create Local Sandbox Cluster: starts redis-server processes on 127.0.0.1, creates the cluster, adds it to the tree. */
import * as vscode from 'vscode';
import { printingTo, renderEvents, renderSandboxEvent, sandboxUp } from '../../engine';
import { withProgress } from '../services/progress';
import type { CommandHandler } from './context';
import { ask, quickPick } from './pick';

interface SandboxArgs {
  readonly port?: number;
  readonly masters?: number;
  readonly replicas?: number;
}

export const createSandbox: CommandHandler = async (deps, arg) => {
  const bin = await deps.redisServer();
  if (!bin) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('redis-server is not on PATH. Install Redis (Debian/Ubuntu: sudo apt-get install redis-server) and try again.'),
    );
    return undefined;
  }
  const given = (arg && typeof arg === 'object' && !('kind' in arg) ? arg : {}) as SandboxArgs;
  const title = vscode.l10n.t('Create Local Sandbox Cluster');
  let masters = given.masters;
  let replicas = given.replicas;
  if (masters === undefined || replicas === undefined) {
    type L = vscode.QuickPickItem & { m: number; r: number };
    const layout = await quickPick<L>(
      [
        { label: vscode.l10n.t('3 masters, 1 replica each'), description: vscode.l10n.t('{0} nodes', 6), m: 3, r: 1 },
        { label: vscode.l10n.t('3 masters, no replicas'), description: vscode.l10n.t('{0} nodes', 3), m: 3, r: 0 },
        { label: vscode.l10n.t('4 masters, 1 replica each'), description: vscode.l10n.t('{0} nodes', 8), m: 4, r: 1 },
        { label: vscode.l10n.t('3 masters, 2 replicas each'), description: vscode.l10n.t('{0} nodes', 9), m: 3, r: 2 },
      ],
      { title, placeHolder: vscode.l10n.t('Layout of the sandbox cluster') },
    );
    masters = layout.m;
    replicas = layout.r;
  }
  const count = masters * (replicas + 1);
  const port =
    given.port ??
    Number(
      await ask({
        title,
        prompt: vscode.l10n.t('First port: the nodes use {0} consecutive ports from here (and the same +10000 for the cluster bus)', count),
        value: '7000',
        validateInput: (v) =>
          /^\d+$/.test(v.trim()) && Number(v) >= 1024 && Number(v) + count - 1 + 10000 <= 65535
            ? undefined
            : vscode.l10n.t('Enter a port from 1024 to {0}.', 65535 - 10000 - count + 1),
      }),
    );
  const report = await withProgress(vscode.l10n.t('Starting a local sandbox cluster on 127.0.0.1:{0}…', port), (p) =>
    sandboxUp({
      masters,
      replicas,
      port,
      redisServer: bin,
      onEvent: printingTo(renderSandboxEvent, (c) => {
        const t = c.text.trim();
        if (t) p.report(t.split('\n')[0]!.slice(0, 100));
      }),
    }),
  );
  deps.log.output('sandbox', renderEvents(report.events, renderSandboxEvent));
  const profile = await deps.registry.add({
    name: vscode.l10n.t('Sandbox :{0}', port),
    seeds: [`127.0.0.1:${port}`],
    sandbox: { dir: report.state.dir, port },
  });
  await deps.store.connect(profile.id);
  await deps.reveal({ kind: 'cluster', clusterId: profile.id });
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Sandbox cluster ready on 127.0.0.1:{0}-{1} ({2} masters, {3} replicas).', port, port + count - 1, masters, masters * replicas),
  );
  return profile.id;
};
