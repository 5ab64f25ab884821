/**
 * Real-cluster test harness: entry point re-exporting the pieces.
 *
 *   processes.ts  start/stop/kill daemonized redis-server nodes
 *   cluster.ts    build a healthy cluster without redis-cli
 *   populate.ts   bulk-load keys / slot ownership
 *   broken.ts     producers of broken cluster states
 *   crc16.ts      key → slot hashing
 *   redisCli.ts   run the reference redis-cli (or that kind's own CLI)
 *   serverKinds.ts redis7 / redis8 / valkey9 binaries and the RCM_SERVER_KINDS matrix
 */

import { startNodes, type StartOptions } from './processes';
import type { NodeHandle } from './registry';

export { allocSlotRanges, type SlotRange } from './slotAlloc';
export { clusterNodesOf, cmd, createCluster, type ClusterOptions, type TestCluster } from './cluster';
export { claimsSlot, myselfLine, parseClusterNodes, parseInfo, slotSignature, type NodesLine } from './clusterNodes';
export { crc16, keyInSlot, keySlot, SLOT_COUNT } from './crc16';
export { multipleOwners, openSlotBoth, openSlotImporting, openSlotMigrating, uncoverSlot, waitNodeSeenFailing, type OpenSlot } from './broken';
export { populate, slotOwner, slotOwners, type PopulateOptions } from './populate';
export { currentPid, killNode, restartNode, startNodes, stopAllNodes, stopNodes, type StartOptions } from './processes';
export { redisCliCheck, runRedisCli, type CliOptions, type CliResult } from './redisCli';
export { ALL_KINDS, binariesOf, DEFAULT_KIND, isValkey, kindAvailable, serverKinds, type ServerKind } from './serverKinds';
export { nodeState, procState, type NodeHandle, type NodeState } from './registry';
export { waitFor } from './wait';

/** One non-cluster redis-server (for "not a cluster node" error tests); stop it with stopNodes([node]). */
export async function startStandalone(opts: Omit<StartOptions, 'cluster' | 'nodeTimeout'> = {}): Promise<NodeHandle> {
  const [node] = await startNodes(1, { ...opts, cluster: false });
  return node!;
}
