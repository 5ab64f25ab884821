/** The TreeDataProvider: maps cached elements to TreeItems. No I/O here. */
import * as vscode from 'vscode';
import type { ClusterStore } from './clusterStore';
import { buildTreeItem, type TreeItemModel } from './items';
import { childrenOf, parentOf, type TreeElement } from './model';

const COLLAPSIBLE: Record<TreeItemModel['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function toTreeItem(m: TreeItemModel, element: TreeElement): vscode.TreeItem {
  const item = new vscode.TreeItem(m.label, COLLAPSIBLE[m.collapsible]);
  item.id = m.id;
  if (m.description !== undefined) item.description = m.description;
  // The description may leave figures out to fit the sidebar; a screen reader hears them all.
  if (m.ariaLabel !== undefined) item.accessibilityInformation = { label: m.ariaLabel };
  if (m.tooltip !== undefined) item.tooltip = new vscode.MarkdownString(m.tooltip, true);
  item.iconPath = new vscode.ThemeIcon(m.icon.id, m.icon.color ? new vscode.ThemeColor(m.icon.color) : undefined);
  item.contextValue = m.contextValue;
  if (m.command) item.command = { command: m.command.command, title: m.command.title, arguments: [element] };
  return item;
}

export class ClusterTreeProvider implements vscode.TreeDataProvider<TreeElement>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeElement | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: ClusterStore) {
    this.sub = store.onDidChange(() => this.emitter.fire(undefined));
  }

  getTreeItem(element: TreeElement): vscode.TreeItem {
    return toTreeItem(buildTreeItem(element, this.store.all, vscode.l10n), element);
  }

  getChildren(element?: TreeElement): TreeElement[] {
    // A master with several slot ranges: its ranges show their keys once counted (in the background).
    if (element?.kind === 'node') this.store.countRangeKeys(element.clusterId, element.nodeId);
    return childrenOf(element, this.store.all, this.store.ids);
  }

  getParent(element: TreeElement): TreeElement | undefined {
    return parentOf(element, this.store.all);
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
