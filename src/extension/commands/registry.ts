/**
 * The one table of commands (id → handler) and the wrapper that registers
 * them: engine errors become localized messages (and log lines), a dismissed
 * prompt is silent. The mapped type makes the compiler refuse a missing id.
 */
import * as vscode from 'vscode';
import type { CommandId } from '../constants';
import { describeError } from '../model/errors';
import { addCluster } from './addCluster';
import { addNode, addReplica } from './addNode';
import { call, callOnNode } from './call';
import { check, info } from './checkInfo';
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
import { setNodeTimeout } from './setTimeout';

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
};

/** Registers every command into context.subscriptions with the shared error handling. */
export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  for (const [id, handler] of Object.entries(COMMANDS) as [CommandId, CommandHandler][]) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (arg?: unknown, selected?: unknown) => {
      try {
        return await handler(deps, arg, selected);
      } catch (e) {
        if (e instanceof Cancelled) return undefined;
        deps.log.error(id.replace('redisClusterManager.', ''), e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack}` : ''}` : String(e));
        const showLog = vscode.l10n.t('Show Log');
        void vscode.window.showErrorMessage(describeError(e, vscode.l10n), showLog).then((c) => { if (c === showLog) deps.log.show(); });
        return undefined;
      }
    }));
  }
}
