/**
 * Composition root of the VS Code extension. This first version only
 * activates and proves the engine loads inside the extension host; the tree,
 * commands and webview come with their own issues.
 */
import * as vscode from 'vscode';
import { SLOT_COUNT } from '../engine';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Redis Cluster Manager', { log: true });
  context.subscriptions.push(log);
  log.info(`Redis Cluster Manager activated (engine ready, ${SLOT_COUNT} hash slots).`);
  context.subscriptions.push(
    vscode.commands.registerCommand('redisClusterManager.showVersion', () => {
      const version = String((context.extension.packageJSON as { version?: string }).version ?? '');
      void vscode.window.showInformationMessage(vscode.l10n.t('Redis Cluster Manager {0}', version));
    }),
  );
}

export function deactivate(): void {
  // Nothing to release: every disposable is in context.subscriptions.
}
