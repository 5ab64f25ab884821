/**
 * Ids shared by package.json and the code: commands, the view, context keys,
 * settings and storage keys. Pure (no `vscode`): unit tests compare these
 * lists with package.json.
 */

export const VIEW_CONTAINER_ID = 'redisClusterManager';
export const VIEW_ID = 'redisClusterManager.clusters';
export const CONFIG_SECTION = 'redisClusterManager';
export const RESULT_SCHEME = 'redis-cluster';

/** Every command the extension contributes; the registry must handle each (checked by the compiler and a unit test). */
export const COMMAND_IDS = [
  'redisClusterManager.addCluster',
  'redisClusterManager.editCluster',
  'redisClusterManager.removeCluster',
  'redisClusterManager.connect',
  'redisClusterManager.disconnect',
  'redisClusterManager.createSandbox',
  'redisClusterManager.refresh',
  'redisClusterManager.check',
  'redisClusterManager.info',
  'redisClusterManager.fix',
  'redisClusterManager.reshard',
  'redisClusterManager.reshardFromHere',
  'redisClusterManager.reshardToHere',
  'redisClusterManager.rebalance',
  'redisClusterManager.drain',
  'redisClusterManager.rebalanceByLoad',
  'redisClusterManager.moveHotSlots',
  'redisClusterManager.moveSlots',
  'redisClusterManager.addNode',
  'redisClusterManager.addReplica',
  'redisClusterManager.deleteNode',
  'redisClusterManager.call',
  'redisClusterManager.callOnNode',
  'redisClusterManager.setTimeout',
  'redisClusterManager.import',
  'redisClusterManager.backup',
  'redisClusterManager.restore',
  'redisClusterManager.failover',
  'redisClusterManager.createCluster',
  'redisClusterManager.copyNodeId',
  'redisClusterManager.openNodeInfo',
  'redisClusterManager.resumeMigration',
  'redisClusterManager.showLog',
  'redisClusterManager.replicate',
  'redisClusterManager.checkNode',
  'redisClusterManager.setTimeoutOnNode',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** Context keys set with `setContext` and used in `when` clauses. */
export const CONTEXT_KEYS = {
  /** true when at least one cluster profile exists (viewsWelcome shows otherwise). */
  hasClusters: 'redisClusterManager.hasClusters',
  /** true when `redis-server` is on PATH (the sandbox command needs it). */
  redisServerAvailable: 'redisClusterManager.redisServerAvailable',
  /** true while a migration runs. */
  migrationRunning: 'redisClusterManager.migrationRunning',
  /** true when the editor's cursor is on a node id or address the editor menu can act on. */
  editorNode: 'redisClusterManager.editorNode',
  /** What that node is: 'master', 'emptyMaster', 'replica' or 'unknown' (not in a loaded cluster). */
  editorNodeRole: 'redisClusterManager.editorNodeRole',
} as const;

/** The editor context submenu ("Redis Cluster") holding the node operations. */
export const EDITOR_SUBMENU_ID = 'redisClusterManager.editorNode';

/** Setting keys under `redisClusterManager.`. */
export const SETTING_KEYS = [
  'clusters',
  'refreshIntervalSeconds',
  'connectTimeoutMs',
  'migration.pipeline',
  'migration.timeoutMs',
  'migration.maxClientLatencyMs',
  'migration.replace',
  'confirmations',
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

/** globalState key of the profiles added from the UI (no secrets in there). */
export const PROFILES_STATE_KEY = 'redisClusterManager.profiles';
/** globalState key of journals the user chose not to resume. */
export const DISMISSED_JOURNALS_KEY = 'redisClusterManager.dismissedJournals';
/** workspaceState key of the plans shown in migration previews (a preview restored after a reload executes the kept plan). */
export const PREVIEW_PLANS_KEY = 'redisClusterManager.previewPlans';

/** The only secret keys the extension writes. */
export type SecretKey = `redisClusterManager.password.${string}`;
export function passwordKey(profileId: string): SecretKey {
  return `redisClusterManager.password.${profileId}`;
}
