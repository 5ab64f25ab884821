/** Rebalance… (weights, threshold, empty masters) and Drain (weight 0 for one master) → plan → migration panel. */
import * as vscode from 'vscode';
import { DEFAULT_THRESHOLD, planRebalance, type RebalanceOptions } from '../../engine';
import { isMaster } from '../tree/model';
import { Cancelled, isTreeElement, type CommandHandler } from './context';
import { noMastersMessage, showPlan } from './migrationRequest';
import { ask, masterWithSlots, nodeItems, pickCluster, quickPick, orCancel } from './pick';

export const rebalance: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg, vscode.l10n.t('Select the cluster to rebalance'));
  const t = view.topology!;
  const title = vscode.l10n.t('Rebalance {0}', view.profile.name);
  const empties = t.nodes.filter((n) => isMaster(n) && n.slotCount === 0).length;
  type O = vscode.QuickPickItem & { v: 'empty' | 'weights' | 'threshold' };
  const items: O[] = [
    {
      label: vscode.l10n.t('Use empty masters'),
      description: vscode.l10n.t('masters without slots also receive slots (now: {0})', empties),
      v: 'empty',
      picked: empties > 0,
    },
    { label: vscode.l10n.t('Set weights…'), description: vscode.l10n.t('give some masters more or fewer slots'), v: 'weights' },
    {
      label: vscode.l10n.t('Change the threshold…'),
      description: vscode.l10n.t('currently {0}%: masters closer than this to their share are left alone', DEFAULT_THRESHOLD),
      v: 'threshold',
    },
  ];
  const picked = orCancel(
    await vscode.window.showQuickPick(items, {
      title,
      canPickMany: true,
      ignoreFocusOut: true,
      placeHolder: vscode.l10n.t('Options (press Enter to rebalance with the ones ticked)'),
    }),
  );
  const has = (v: O['v']): boolean => picked.some((p) => p.v === v);
  let weights: string[] | undefined;
  if (has('weights')) {
    const text = await ask({
      title,
      prompt: vscode.l10n.t('Weights as NODE_ID_PREFIX=WEIGHT, separated by spaces (default weight 1; 0 empties a master)'),
      placeHolder: 'a1b2=2 c3d4=0',
    });
    weights = text.split(/[\s,]+/).filter((w) => w !== '');
  }
  let threshold: number | undefined;
  if (has('threshold')) {
    threshold = Number(
      await ask({
        title,
        prompt: vscode.l10n.t('Threshold in percent'),
        value: String(DEFAULT_THRESHOLD),
        validateInput: (v) => (Number(v) > 0 ? undefined : vscode.l10n.t('Enter a number greater than 0.')),
      }),
    );
  }
  const options: RebalanceOptions = {
    ...(has('empty') ? { useEmptyMasters: true } : {}),
    ...(weights ? { weights } : {}),
    ...(threshold ? { threshold } : {}),
  };
  const plan = planRebalance(t, options);
  return showPlan(deps, view, 'rebalance', plan, options);
};

export const drain: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const t = view.topology!;
  const fromItem = isTreeElement(arg) && arg.kind === 'node' ? t.nodes.find((n) => n.id === arg.nodeId) : undefined;
  const node = fromItem ?? (await quickPick(nodeItems(view, masterWithSlots), { placeHolder: vscode.l10n.t('Master to empty') })).node;
  if (node.slotCount === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} owns no slots: there is nothing to drain.', `${node.host}:${node.port}`));
    throw new Cancelled();
  }
  if (t.nodes.filter(isMaster).length < 2) {
    void vscode.window.showInformationMessage(noMastersMessage());
    throw new Cancelled();
  }
  // Weight 0 for this master; empty masters take part so a freshly added one can receive its slots.
  const options: RebalanceOptions = { weights: [`${node.id}=0`], useEmptyMasters: true };
  return showPlan(deps, view, 'drain', planRebalance(t, options), options);
};
