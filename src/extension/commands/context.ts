/** What every command handler receives, built once in the composition root. */
import type * as vscode from 'vscode';
import type { ClusterStore } from '../tree/clusterStore';
import type { TreeElement } from '../tree/model';
import type { ClusterAccess } from '../services/clusterAccess';
import type { Config } from '../services/config';
import type { Journals } from '../services/journals';
import type { Log } from '../services/log';
import type { MigrationRunner } from '../services/migrationRunner';
import type { ProfileRegistry } from '../services/profiles';
import type { ResultDocuments } from '../services/results';
import type { MigrationPanelHost } from '../webview/panelApi';

export interface CommandDeps {
  readonly extension: vscode.ExtensionContext;
  readonly registry: ProfileRegistry;
  readonly access: ClusterAccess;
  readonly store: ClusterStore;
  readonly log: Log;
  readonly config: Config;
  readonly results: ResultDocuments;
  readonly migrations: MigrationPanelHost;
  readonly runner: MigrationRunner;
  readonly journals: Journals;
  /** Whether redis-server is on PATH (re-checked on demand). */
  readonly redisServer: () => Promise<string | undefined>;
  readonly reveal: (element: TreeElement) => Promise<void>;
  /** What is selected in the tree (palette commands start from it). */
  readonly selection: () => readonly TreeElement[];
  /** The node under the cursor of the editor showing `uri` (the editor's "Redis Cluster" menu). */
  readonly editorNode: (uri: vscode.Uri) => Promise<TreeElement>;
}

/**
 * A command: `arg` is the tree element when run from a menu (or a plain
 * object from another extension or a test), undefined from the palette.
 */
export type CommandHandler = (deps: CommandDeps, arg?: unknown, selected?: unknown) => Promise<unknown>;

/** Thrown when the user dismisses a Quick Pick or input box: the registry ignores it. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export function isTreeElement(x: unknown): x is TreeElement {
  return !!x && typeof x === 'object' && typeof (x as { kind?: unknown }).kind === 'string' && typeof (x as { clusterId?: unknown }).clusterId === 'string';
}
