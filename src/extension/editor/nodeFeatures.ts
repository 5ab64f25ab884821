/**
 * Node ids and addresses in editors: links (open the node's info), hovers
 * (role, slots, keys, health) and the context keys that show the editor's
 * "Redis Cluster" menu. Thin adapter over model/nodeMentions.ts.
 */
import * as vscode from 'vscode';
import { CONTEXT_KEYS, RESULT_SCHEME } from '../constants';
import { knownNodeHover, unknownNodeHover } from '../model/nodeHover';
import {
  isNodeDocument,
  mentionAt,
  nodesLineIn,
  resolveMention,
  resolvedMentions,
  isActionable,
  type KnownCluster,
  type Mention,
  type Resolution,
} from '../model/nodeMentions';
import type { ClusterStore } from '../tree/clusterStore';
import { findNode, isMaster } from '../tree/model';

/** Schemes of the documents we look into (our results, files on disk, unsaved editors). */
const SELECTOR: vscode.DocumentSelector = [{ scheme: RESULT_SCHEME }, { scheme: 'file' }, { scheme: 'untitled' }];
/** Long logs: only their first lines get links. */
const MAX_LINK_LINES = 20_000;

export function knownClusters(store: ClusterStore): KnownCluster[] {
  return store.ids.map((clusterId) => ({ clusterId, topology: store.get(clusterId)?.topology }));
}

export interface MentionUnderCursor {
  readonly mention: Mention;
  readonly resolution: Resolution;
  readonly line: string;
}

export class NodeEditorFeatures implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly docKinds = new Map<string, { version: number; nodes: boolean }>();

  constructor(private readonly store: ClusterStore) {
    this.disposables.push(
      vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (d, p) => this.hover(d, p) }),
      vscode.languages.registerDocumentLinkProvider(SELECTOR, { provideDocumentLinks: (d) => this.links(d) }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.updateContext(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.updateContext(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.docKinds.delete(d.uri.toString())),
      store.onDidChange(() => this.updateContext(vscode.window.activeTextEditor)),
    );
    this.updateContext(vscode.window.activeTextEditor);
  }

  /** Whether node mentions are looked for in this document (cached per version). */
  isNodeDocument(doc: vscode.TextDocument): boolean {
    const key = doc.uri.toString();
    const cached = this.docKinds.get(key);
    if (cached?.version === doc.version) return cached.nodes;
    const nodes = isNodeDocument({ scheme: doc.uri.scheme, path: doc.uri.path, text: () => doc.getText() }, RESULT_SCHEME);
    this.docKinds.set(key, { version: doc.version, nodes });
    return nodes;
  }

  /** The actionable mention at a position of a document, if any. */
  mentionAt(doc: vscode.TextDocument, position: vscode.Position): MentionUnderCursor | undefined {
    if (!this.isNodeDocument(doc)) return undefined;
    const line = doc.lineAt(position.line).text;
    const mention = mentionAt(line, position.character);
    if (!mention) return undefined;
    const resolution = resolveMention(mention, knownClusters(this.store), line);
    return isActionable(resolution, mention, line, doc.uri.scheme === RESULT_SCHEME) ? { mention, resolution, line } : undefined;
  }

  private hover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const found = this.mentionAt(doc, position);
    if (!found) return undefined;
    const { mention, resolution, line } = found;
    const range = new vscode.Range(position.line, mention.start, position.line, mention.end);
    const parts = resolution.kind === 'node' ? [resolution.target] : resolution.kind === 'ambiguous' ? resolution.targets : [];
    const text =
      parts.length > 0
        ? parts.map((t) => knownNodeHover(this.store.get(t.clusterId)!, t.nodeId, vscode.l10n)).join('\n\n---\n\n')
        : unknownNodeHover(mention.text, nodesLineIn(line), vscode.l10n);
    const md = new vscode.MarkdownString(text, true);
    return new vscode.Hover(md, range);
  }

  private links(doc: vscode.TextDocument): vscode.DocumentLink[] {
    if (!this.isNodeDocument(doc)) return [];
    const clusters = knownClusters(this.store);
    const own = doc.uri.scheme === RESULT_SCHEME;
    const out: vscode.DocumentLink[] = [];
    for (let i = 0; i < Math.min(doc.lineCount, MAX_LINK_LINES); i++) {
      const line = doc.lineAt(i).text;
      for (const { mention, resolution } of resolvedMentions(line, clusters, own)) {
        if (resolution.kind !== 'node') continue;
        const args = [{ kind: 'node', clusterId: resolution.target.clusterId, nodeId: resolution.target.nodeId }];
        const target = vscode.Uri.parse(`command:redisClusterManager.openNodeInfo?${encodeURIComponent(JSON.stringify(args))}`);
        const link = new vscode.DocumentLink(new vscode.Range(i, mention.start, i, mention.end), target);
        link.tooltip = vscode.l10n.t('Open Node Info');
        out.push(link);
      }
    }
    return out;
  }

  /** Sets the context keys of the editor menu from the cursor of the active editor. */
  private updateContext(editor: vscode.TextEditor | undefined): void {
    const found = editor ? this.mentionAt(editor.document, editor.selection.active) : undefined;
    let role = 'unknown';
    if (found?.resolution.kind === 'node') {
      const { clusterId, nodeId } = found.resolution.target;
      const info = findNode(this.store.get(clusterId), nodeId);
      if (info && !info.down) role = !isMaster(info.node) ? 'replica' : info.node.slotCount === 0 ? 'emptyMaster' : 'master';
      else if (info) role = 'down';
    }
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.editorNode, found !== undefined);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.editorNodeRole, role);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.docKinds.clear();
  }
}
