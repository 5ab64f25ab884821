/**
 * The node a command from the editor's "Redis Cluster" menu is about: the id
 * or address under the cursor, resolved to the configured cluster holding it.
 * Not loaded clusters are loaded first; a node no cluster knows makes us offer
 * Add Cluster… (with the node's address as the seed when the text tells it).
 */
import * as vscode from 'vscode';
import { Cancelled, type CommandDeps } from '../commands/context';
import { quickPick } from '../commands/pick';
import { resolveMention, type NodeTarget, type Resolution } from '../model/nodeMentions';
import { withProgress } from '../services/progress';
import type { TreeElement } from '../tree/model';
import { knownClusters, type NodeEditorFeatures } from './nodeFeatures';

async function pickTarget(deps: CommandDeps, targets: readonly NodeTarget[]): Promise<NodeTarget> {
  const items = targets.map((t) => ({ label: deps.registry.get(t.clusterId)?.name ?? t.clusterId, description: t.nodeId, target: t }));
  return (await quickPick(items, { placeHolder: vscode.l10n.t('The node is in several clusters: which one?') })).target;
}

async function loadOthers(deps: CommandDeps): Promise<void> {
  const ids = deps.store.ids.filter((id) => deps.store.get(id)?.status !== 'connected');
  if (ids.length === 0) return;
  await withProgress(vscode.l10n.t('Looking for the node in the other clusters…'), async () => {
    await Promise.all(ids.map((id) => deps.store.ensureLoaded(id).catch(() => undefined)));
  });
}

function asElement(t: NodeTarget): TreeElement {
  return { kind: 'node', clusterId: t.clusterId, nodeId: t.nodeId };
}

export async function nodeFromEditor(deps: CommandDeps, features: NodeEditorFeatures, uri: vscode.Uri): Promise<TreeElement> {
  const editor = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors].find((e) => e?.document.uri.toString() === uri.toString());
  const found = editor ? features.mentionAt(editor.document, editor.selection.active) : undefined;
  if (!editor || !found) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Put the cursor on a node ID or a host:port address first.'));
    throw new Cancelled();
  }
  const again = (): Resolution => resolveMention(found.mention, knownClusters(deps.store), found.line);
  let r = found.resolution;
  if (r.kind === 'unknown') {
    await loadOthers(deps);
    r = again();
  }
  if (r.kind === 'node') return asElement(r.target);
  if (r.kind === 'ambiguous') return asElement(await pickTarget(deps, r.targets));
  const address = r.address ? `${r.address.host}:${r.address.port}` : undefined;
  const add = vscode.l10n.t('Add Cluster…');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('{0} is not in any configured cluster. Add its cluster first.', found.mention.text),
    add,
  );
  if (choice !== add) throw new Cancelled();
  const profileId = await vscode.commands.executeCommand<string | undefined>(
    'redisClusterManager.addCluster',
    address ? { prefillSeeds: [address] } : undefined,
  );
  if (!profileId) throw new Cancelled();
  await deps.store.ensureLoaded(profileId).catch(() => undefined);
  r = again();
  if (r.kind === 'node') return asElement(r.target);
  if (r.kind === 'ambiguous') return asElement(await pickTarget(deps, r.targets));
  void vscode.window.showWarningMessage(vscode.l10n.t('The cluster was added, but it has no node {0}.', found.mention.text));
  throw new Cancelled();
}
