/**
 * The one table of commands (id → handler) and the wrapper that registers
 * them: engine errors become localized messages (and log lines), a dismissed
 * prompt is silent. The mapped type makes the compiler refuse a missing id.
 */
import * as vscode from 'vscode';
import type { CommandId } from '../constants';
import { describeError, errorLogLine } from '../model/errors';
import { addCluster } from './addCluster';
import { addNode, addReplica } from './addNode';
import { call, callOnNode } from './call';
import { check, checkNode, info } from './checkInfo';
import { connect, disconnect } from './connect';
import { Cancelled, type CommandDeps, type CommandHandler } from './context';
import { createCluster } from './createCluster';
import { createSandbox } from './createSandbox';
import { backup, importData, restore } from './dataOps';
import { deleteNode } from './deleteNode';
import { editCluster } from './editCluster';
import { failover } from './failover';
import { fix } from './fix';
import { moveHotSlots } from './moveHotSlots';
import { moveSlots } from './moveSlots';
import { copyNodeId, openNodeInfo } from './nodeInfo';
import { rebalance, drain } from './rebalance';
import { rebalanceByLoad } from './rebalanceByLoad';
import { refresh } from './refresh';
import { removeCluster } from './removeCluster';
import { reshard, reshardFromHere, reshardToHere } from './reshard';
import { resumeMigration } from './resumeMigration';
import { replicate } from './replicate';
import { setNodeTimeout, setTimeoutOnNode } from './setTimeout';

const showLog: CommandHandler = async (deps) => deps.log.show();

export const COMMANDS: { readonly [K in CommandId]: CommandHandler } = {
  'redisClusterManager.addCluster': addCluster,
  'redisClusterManager.editCluster': editCluster,
  'redisClusterManager.removeCluster': removeCluster,
  'redisClusterManager.connect': connect,
  'redisClusterManager.disconnect': disconnect,
  'redisClusterManager.createSandbox': createSandbox,
  'redisClusterManager.refresh': refresh,
  'redisClusterManager.check': check,
  'redisClusterManager.info': info,
  'redisClusterManager.fix': fix,
  'redisClusterManager.reshard': reshard,
  'redisClusterManager.reshardFromHere': reshardFromHere,
  'redisClusterManager.reshardToHere': reshardToHere,
  'redisClusterManager.rebalance': rebalance,
  'redisClusterManager.drain': drain,
  'redisClusterManager.rebalanceByLoad': rebalanceByLoad,
  'redisClusterManager.moveHotSlots': moveHotSlots,
  'redisClusterManager.moveSlots': moveSlots,
  'redisClusterManager.addNode': addNode,
  'redisClusterManager.addReplica': addReplica,
  'redisClusterManager.deleteNode': deleteNode,
  'redisClusterManager.call': call,
  'redisClusterManager.callOnNode': callOnNode,
  'redisClusterManager.setTimeout': setNodeTimeout,
  'redisClusterManager.import': importData,
  'redisClusterManager.backup': backup,
  'redisClusterManager.restore': restore,
  'redisClusterManager.failover': failover,
  'redisClusterManager.createCluster': createCluster,
  'redisClusterManager.copyNodeId': copyNodeId,
  'redisClusterManager.openNodeInfo': openNodeInfo,
  'redisClusterManager.resumeMigration': resumeMigration,
  'redisClusterManager.showLog': showLog,
  'redisClusterManager.replicate': replicate,
  'redisClusterManager.checkNode': checkNode,
  'redisClusterManager.setTimeoutOnNode': setTimeoutOnNode,
};

/** Registers every command into context.subscriptions with the shared error handling. */
export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  for (const [id, handler] of Object.entries(COMMANDS) as [CommandId, CommandHandler][]) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (arg?: unknown, selected?: unknown) => {
        try {
          // From the editor's context menu the argument is the document: the node is the one under the cursor.
          const target = arg instanceof vscode.Uri ? await deps.editorNode(arg) : arg;
          return await handler(deps, target, selected);
        } catch (e) {
          if (e instanceof Cancelled) return undefined;
          // One readable line in the log, never a stack trace.
          deps.log.error(id.replace('redisClusterManager.', ''), errorLogLine(e));
          const showLog = vscode.l10n.t('Show Output');
          void vscode.window.showErrorMessage(describeError(e, vscode.l10n), showLog).then((c) => {
            if (c === showLog) deps.log.show();
          });
          return undefined;
        }
      }),
    );
  }
}
