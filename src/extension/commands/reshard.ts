/** Reshard…, Reshard From This Master…, Reshard To This Master…: target, sources and slot count → plan → migration panel. */
import * as vscode from 'vscode';
import { planReshard, type ClusterNode } from '../../engine';
import { isMaster, type ClusterView } from '../tree/model';
import { Cancelled, isTreeElement, type CommandDeps, type CommandHandler } from './context';
import { noMastersMessage, showPlan } from './migrationRequest';
import { ask, masterWithSlots, nodeItems, pickCluster, quickPick, quickPickMany } from './pick';

async function reshardFlow(deps: CommandDeps, view: ClusterView & { id: string }, fixed: { source?: ClusterNode; target?: ClusterNode }): Promise<unknown> {
  const t = view.topology!;
  const masters = t.nodes.filter(isMaster);
  const title = vscode.l10n.t('Reshard {0}', view.profile.name);
  if (masters.length < 2) {
    void vscode.window.showInformationMessage(noMastersMessage());
    throw new Cancelled();
  }
  const target =
    fixed.target ??
    (
      await quickPick(
        nodeItems(view, (n) => isMaster(n) && n.id !== fixed.source?.id),
        {
          title,
          placeHolder: vscode.l10n.t('Master that receives the slots'),
          matchOnDetail: true,
        },
      )
    ).node;
  let from: string[] | 'all';
  let available: number;
  if (fixed.source) {
    from = [fixed.source.id];
    available = fixed.source.slotCount;
  } else {
    type S = vscode.QuickPickItem & { id: string };
    const all: S = { label: vscode.l10n.t('All other masters'), description: vscode.l10n.t('take slots from every master in proportion'), id: 'all' };
    const items: S[] = [all, ...nodeItems(view, (n) => masterWithSlots(n) && n.id !== target.id).map((i) => ({ ...i, id: i.node.id }))];
    const picked = await quickPickMany(items, {
      title,
      placeHolder: vscode.l10n.t('Masters that give slots to {0}', `${target.host}:${target.port}`),
      matchOnDetail: true,
    });
    from = picked.some((p) => p.id === 'all') ? 'all' : picked.map((p) => p.id);
    const sources = from === 'all' ? masters.filter((m) => m.id !== target.id) : masters.filter((m) => (from as string[]).includes(m.id));
    available = sources.reduce((a, s) => a + s.slotCount, 0);
  }
  if (available === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The chosen masters own no slots.'));
    throw new Cancelled();
  }
  const suggested = Math.min(available, Math.max(1, Math.round(16384 / (masters.length + (target.slotCount === 0 ? 0 : 1)) - target.slotCount)));
  const slots = Number(
    await ask({
      title,
      prompt: vscode.l10n.t('How many slots to move to {0}? (1 to {1})', `${target.host}:${target.port}`, available),
      value: String(suggested > 0 ? suggested : Math.min(available, 100)),
      validateInput: (v) =>
        /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= available ? undefined : vscode.l10n.t('Enter a whole number from 1 to {0}.', available),
    }),
  );
  const { plan, warnings } = planReshard(t, { from, to: target.id, slots });
  for (const w of warnings) deps.log.warn('reshard', w);
  return showPlan(deps, view, 'reshard', plan);
}

function nodeOf(view: ClusterView, arg: unknown): ClusterNode | undefined {
  return isTreeElement(arg) && arg.kind === 'node' ? view.topology?.nodes.find((n) => n.id === arg.nodeId) : undefined;
}

export const reshard: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg, vscode.l10n.t('Select the cluster to reshard'));
  return reshardFlow(deps, view, {});
};

export const reshardFromHere: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const source = nodeOf(view, arg) ?? (await quickPick(nodeItems(view, masterWithSlots), { placeHolder: vscode.l10n.t('Master that gives slots') })).node;
  return reshardFlow(deps, view, { source });
};

export const reshardToHere: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const target = nodeOf(view, arg) ?? (await quickPick(nodeItems(view, isMaster), { placeHolder: vscode.l10n.t('Master that receives the slots') })).node;
  return reshardFlow(deps, view, { target });
};
