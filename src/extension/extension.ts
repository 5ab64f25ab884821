/**
 * Composition root of the VS Code extension: builds every service once,
 * passes collaborators through constructors, pushes every disposable into
 * context.subscriptions. No globals.
 */
import * as vscode from 'vscode';
import { MigrationService, journalDir, legacyJournalDir, loadTopology } from '../engine';
import { registerCommands } from './commands/registry';
import { nodeFromEditor } from './editor/editorTarget';
import { NodeEditorFeatures } from './editor/nodeFeatures';
import type { CommandDeps } from './commands/context';
import { offerResume, resumeSettings } from './commands/resumeMigration';
import { CONTEXT_KEYS, VIEW_ID } from './constants';
import { ClusterAccess } from './services/clusterAccess';
import { Config } from './services/config';
import { Journals } from './services/journals';
import { Log } from './services/log';
import { MigrationRunner } from './services/migrationRunner';
import { watchRunEnds } from './services/migrationNotices';
import { MigrationStatus } from './services/migrationStatus';
import { ProfileRegistry } from './services/profiles';
import { findOnPath } from './services/redisServer';
import { ResultDocuments } from './services/results';
import { ClusterStore } from './tree/clusterStore';
import { ClusterTreeProvider } from './tree/clusterTreeProvider';
import type { TreeElement } from './tree/model';
import { MigrationPanel, registerMigrationPanelSerializer } from './webview/migrationPanel';
import type { MigrationPanelDeps } from './webview/panelApi';

/** What activate() returns: for other extensions and the e2e tests (read-only views of the model). */
export interface ExtensionApi {
  readonly store: ClusterStore;
  readonly registry: ProfileRegistry;
  readonly tree: vscode.TreeView<TreeElement>;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const push = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const log = push(new Log('Redis Cluster Manager'));
  const config = new Config();
  const registry = push(new ProfileRegistry(context.globalState, context.secrets, config, log));
  const access = new ClusterAccess(registry, log);
  const store = push(new ClusterStore(registry, access, config, context.globalState, log));
  const provider = push(new ClusterTreeProvider(store));
  const tree = push(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true, canSelectMany: false }));
  const results = push(new ResultDocuments());
  const status = push(new MigrationStatus());
  const storageDir = context.globalStorageUri.fsPath;
  // Every migration runs in this one service: commands, the panel, the status bar and the notifications subscribe to it.
  const service = new MigrationService({
    journalDir: journalDir(storageDir),
    otherJournalDirs: [journalDir(), legacyJournalDir()],
    oneRunPerCluster: true,
  });
  const journals = new Journals(service, context.globalState);
  const runner = new MigrationRunner(access, service, log);
  push(status.follow(service));

  const reveal = async (element: TreeElement): Promise<void> => {
    try {
      await tree.reveal(element, { select: true, focus: false, expand: element.kind === 'cluster' });
    } catch {
      /* the view is not shown or the element is gone: nothing to reveal */
    }
  };
  const panelDeps: MigrationPanelDeps = {
    service,
    connection: (clusterId) => access.options(clusterId),
    topology: (clusterId) => access.withEntry(clusterId, (host, port, opts) => loadTopology(host, port, opts)),
    revealNode: (clusterId, nodeId) => void reveal({ kind: 'node', clusterId, nodeId }),
    viewCheck: (clusterId) => void vscode.commands.executeCommand('redisClusterManager.check', { clusterId }),
  };
  const migrations = push(new MigrationPanel(context, panelDeps));
  push(registerMigrationPanelSerializer(migrations));
  push(
    new vscode.Disposable(
      watchRunEnds(service, {
        l10n: vscode.l10n,
        notify: (level, message, actions) =>
          (level === 'error' ? vscode.window.showErrorMessage : level === 'warn' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(
            message,
            ...actions,
          ),
        log: (level, message) => log[level]('migration', message),
        showLog: () => log.show(),
        // One reload per run, whoever started it (a second one would log a failed load twice).
        reload: (clusterId) => void store.load(clusterId).catch(() => undefined),
        resume: (run) =>
          runner.run({
            clusterId: run.clusterId ?? '',
            clusterName: registry.get(run.clusterId ?? '')?.name ?? '',
            title: vscode.l10n.t('Resume migration'),
            settings: resumeSettings(config),
            journalPath: run.journalPath,
          }),
      }),
    ),
  );

  let redisServerPath: string | undefined;
  const redisServer = async (): Promise<string | undefined> => {
    redisServerPath = await findOnPath('redis-server');
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.redisServerAvailable, redisServerPath !== undefined);
    return redisServerPath;
  };
  void redisServer();

  const editorFeatures = push(new NodeEditorFeatures(store));
  const deps: CommandDeps = {
    extension: context,
    registry,
    access,
    store,
    log,
    config,
    results,
    migrations,
    runner,
    journals,
    redisServer,
    reveal,
    selection: () => tree.selection,
    editorNode: (uri) => nodeFromEditor(deps, editorFeatures, uri),
  };
  registerCommands(context, deps);

  // Poll only while someone looks at the tree; load the clusters the first time it is shown.
  push(tree.onDidChangeVisibility((e) => store.setVisible(e.visible)));
  if (tree.visible) store.setVisible(true);
  // An interrupted migration on a cluster just opened is offered for resume.
  push(
    store.onDidLoad(({ clusterId, first }) => {
      if (first) void offerResume(deps, clusterId).catch((e: unknown) => log.warn('journal', String(e)));
    }),
  );

  // A drained master turns into a replica (Redis does that): say so and show where it went.
  push(
    store.onDidDemote(({ clusterId, demoted }) => {
      for (const d of demoted) {
        const message = vscode.l10n.t(
          '{0} has no slots left and is now a replica of {1} (Redis turns an emptied master into a replica).',
          d.addr,
          d.masterAddr ?? d.masterId ?? '?',
        );
        log.info('tree', message);
        const show = vscode.l10n.t('Show in Tree');
        void vscode.window.showInformationMessage(message, show).then((c) => {
          if (c === show) void reveal({ kind: 'node', clusterId, nodeId: d.nodeId });
        });
      }
    }),
  );

  log.info('activate', `Redis Cluster Manager ${String((context.extension.packageJSON as { version?: string }).version ?? '')} activated`);
  return { store, registry, tree };
}

export function deactivate(): void {
  // Every disposable is in context.subscriptions.
}
