/** Move Hot Slots Away (a master's right-click): its hottest slots by keys, memory or CPU → the least-loaded masters, in the migration panel. */
import * as vscode from 'vscode';
import { planHotSlotMoves } from '../../engine';
import { isMaster } from '../tree/model';
import { readSlotLoad } from '../services/slotLoad';
import { Cancelled, isTreeElement, type CommandHandler } from './context';
import { noMastersMessage, showPlan } from './migrationRequest';
import { ask, masterWithSlots, nodeItems, pickCluster, quickPick } from './pick';
import { pickMeasure } from './rebalanceByLoad';

export const moveHotSlots: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const t = view.topology!;
  if (t.nodes.filter(isMaster).length < 2) {
    void vscode.window.showInformationMessage(noMastersMessage());
    throw new Cancelled();
  }
  const fromItem = isTreeElement(arg) && arg.kind === 'node' ? t.nodes.find((n) => n.id === arg.nodeId && isMaster(n)) : undefined;
  const node = fromItem ?? (await quickPick(nodeItems(view, masterWithSlots), { placeHolder: vscode.l10n.t('Master whose hot slots should move') })).node;
  const title = vscode.l10n.t('Move hot slots away from {0}', `${node.host}:${node.port}`);
  const measure = await pickMeasure(title);
  const count = Number(
    await ask({
      title,
      prompt: vscode.l10n.t('At most how many slots?'),
      value: '16',
      validateInput: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? undefined : vscode.l10n.t('Enter a whole number of at least 1.')),
    }),
  );
  const { topology, report } = await readSlotLoad(deps.access, view.id, measure === 'memory');
  const plan = planHotSlotMoves(topology, report, { measure, from: node.id, count });
  return showPlan(deps, { ...view, topology }, 'hotSlots', plan, undefined, report);
};
