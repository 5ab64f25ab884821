/** Move These Slots To… (on a slot range): exactly these slots, or a part of them, to another master. */
import * as vscode from 'vscode';
import { planSlotMove, rangesFromSlots, formatRangesPlain } from '../../engine';
import { parseSlotList } from '../model/slotList';
import { isMaster } from '../tree/model';
import { Cancelled, isTreeElement, type CommandHandler } from './context';
import { noMastersMessage, showPlan } from './migrationRequest';
import { ask, masterWithSlots, nodeItems, pickCluster, quickPick } from './pick';

export const moveSlots: CommandHandler = async (deps, arg) => {
  const view = await pickCluster(deps, arg);
  const t = view.topology!;
  let source = isTreeElement(arg) && (arg.kind === 'slots' || arg.kind === 'node') ? t.nodes.find((n) => n.id === arg.nodeId) : undefined;
  source ??= (await quickPick(nodeItems(view, masterWithSlots), { placeHolder: vscode.l10n.t('Master that owns the slots') })).node;
  const initial =
    isTreeElement(arg) && arg.kind === 'slots' ? (arg.start === arg.end ? `${arg.start}` : `${arg.start}-${arg.end}`) : formatRangesPlain(source.slots);
  const title = vscode.l10n.t('Move slots of {0}', `${source.host}:${source.port}`);
  const owned = new Set<number>();
  for (const r of source.slots) for (let s = r.start; s <= r.end; s++) owned.add(s);
  const text = await ask({
    title,
    prompt: vscode.l10n.t('Slots to move (ranges like 0-99 200), all owned by {0}', `${source.host}:${source.port}`),
    value: initial,
    validateInput: (v) => {
      const slots = parseSlotList(v);
      if (!slots) return vscode.l10n.t('Enter slots or ranges from 0 to 16383, like 0-99 200.');
      const foreign = slots.find((s) => !owned.has(s));
      return foreign !== undefined ? vscode.l10n.t('Slot {0} is not owned by {1}.', foreign, `${source!.host}:${source!.port}`) : undefined;
    },
  });
  const slots = parseSlotList(text)!;
  const targets = nodeItems(view, (n) => isMaster(n) && n.id !== source!.id);
  if (targets.length === 0) {
    void vscode.window.showInformationMessage(noMastersMessage());
    throw new Cancelled();
  }
  const target = (await quickPick(targets, { title, placeHolder: vscode.l10n.t('Move {0} to…', formatRangesPlain(rangesFromSlots(slots))) })).node;
  return showPlan(deps, view, 'reshard', planSlotMove(t, { slots, to: target.id }));
};
