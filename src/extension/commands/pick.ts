/**
 * Quick Picks and input boxes shared by the commands: they ask only what a
 * right-click did not already tell. Dismissing any of them throws Cancelled.
 */
import * as vscode from 'vscode';
import { countSlots, type ClusterNode } from '../../engine';
import { formatHostPort, parseHostPort, type HostPort } from '../model/profile';
import { isMaster, type ClusterView } from '../tree/model';
import { shortId } from '../tree/items';
import { orderClusterIds } from '../model/clusterOrder';
import { Cancelled, isTreeElement, type CommandDeps } from './context';

export function orCancel<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

export async function ask(options: vscode.InputBoxOptions): Promise<string> {
  return orCancel(await vscode.window.showInputBox({ ignoreFocusOut: true, ...options }));
}

export async function quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T> {
  return orCancel(await vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options }));
}

export async function quickPickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[]> {
  const picked = orCancel(await vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options, canPickMany: true }));
  if (picked.length === 0) throw new Cancelled();
  return picked;
}

/** The cluster id a command is about: from the tree element, a `{ clusterId }` argument, or a Quick Pick. */
export async function pickClusterId(deps: CommandDeps, arg: unknown, placeHolder?: string): Promise<string> {
  if (isTreeElement(arg)) return arg.clusterId;
  if (arg && typeof arg === 'object' && typeof (arg as { clusterId?: unknown }).clusterId === 'string') return (arg as { clusterId: string }).clusterId;
  const profiles = deps.registry.list();
  if (profiles.length === 0) {
    const add = vscode.l10n.t('Add Cluster…');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('No Redis Cluster has been added yet.'), add);
    if (choice === add) await vscode.commands.executeCommand('redisClusterManager.addCluster');
    throw new Cancelled();
  }
  if (profiles.length === 1) return profiles[0]!.id;
  const selectedId = deps.selection()[0]?.clusterId;
  const order = orderClusterIds(
    profiles.map((p) => p.id),
    deps.store.all,
    selectedId,
  );
  const items = order
    .map((id) => deps.registry.get(id)!)
    .filter((p) => !!p)
    .map((p) => {
      const v = deps.store.get(p.id);
      const state =
        p.id === selectedId
          ? vscode.l10n.t('selected in the tree')
          : v?.status === 'error'
            ? vscode.l10n.t('could not connect')
            : v?.status === 'connected'
              ? undefined
              : vscode.l10n.t('not connected');
      return { label: p.name, description: p.seeds.join(', '), detail: state, id: p.id };
    });
  return (await quickPick(items, { placeHolder: placeHolder ?? vscode.l10n.t('Select a cluster') })).id;
}

/** The cluster, connected and loaded. */
export async function pickCluster(deps: CommandDeps, arg: unknown, placeHolder?: string): Promise<ClusterView & { id: string; selectedNodeId?: string }> {
  const id = await pickClusterId(deps, arg, placeHolder);
  const view = await deps.store.ensureLoaded(id);
  const sel = deps.selection()[0];
  return { ...view, id, ...(sel && sel.clusterId === id && 'nodeId' in sel ? { selectedNodeId: sel.nodeId } : {}) };
}

export interface NodeItem extends vscode.QuickPickItem {
  readonly node: ClusterNode;
}

/** Quick Pick items of the nodes passing `filter`; the node selected in the tree (if any) first. */
export function nodeItems(view: ClusterView & { selectedNodeId?: string }, filter: (n: ClusterNode) => boolean): NodeItem[] {
  const nodes = (view.topology?.nodes ?? []).filter(filter);
  const sel = nodes.filter((n) => n.id === view.selectedNodeId);
  return [...sel, ...nodes.filter((n) => n.id !== view.selectedNodeId)].map((n) => ({
    label: `${n.host}:${n.port}`,
    description: isMaster(n) ? vscode.l10n.t('master · {0} slots', n.slotCount) : vscode.l10n.t('replica of {0}', shortId(n.masterId ?? '')),
    detail: n.id,
    node: n,
  }));
}

/** A node of the loaded cluster: the tree element's node if given, else a Quick Pick. */
export async function pickNode(
  view: ClusterView,
  arg: unknown,
  filter: (n: ClusterNode) => boolean,
  placeHolder: string,
  emptyMessage: string,
): Promise<ClusterNode> {
  if (isTreeElement(arg) && (arg.kind === 'node' || arg.kind === 'slots')) {
    const node = view.topology?.nodes.find((n) => n.id === arg.nodeId);
    if (node) return node;
  }
  const items = nodeItems(view, filter);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(emptyMessage);
    throw new Cancelled();
  }
  return (await quickPick(items, { placeHolder, matchOnDetail: true })).node;
}

export function masterWithSlots(n: ClusterNode): boolean {
  return isMaster(n) && countSlots(n.slots) > 0;
}

/** Asks for a `host:port`. */
export async function askAddress(title: string, prompt: string, value?: string): Promise<HostPort> {
  const text = await ask({
    title,
    prompt,
    value,
    placeHolder: '127.0.0.1:7006',
    validateInput: (v) => (parseHostPort(v) ? undefined : vscode.l10n.t('Enter host:port, for example 127.0.0.1:7006.')),
  });
  return parseHostPort(text)!;
}

export { formatHostPort };
