/**
 * Producers of broken cluster states for check/fix tests. Each one verifies,
 * by reading CLUSTER NODES (or COUNTKEYSINSLOT) afterwards, that the state
 * really exists before returning.
 */

import { clusterNodesOf, cmd, type TestCluster } from './cluster';
import { claimsSlot, myselfLine, slotSignature } from './clusterNodes';
import { keyInSlot } from './crc16';
import { slotOwner } from './populate';
import type { NodeHandle } from './registry';
import { waitFor } from './wait';

export interface OpenSlot {
  /** The master owning the slot. */
  owner: NodeHandle;
  /** The other side: migration target / importing node. */
  target: NodeHandle;
}

/** Throws unless `handle`'s myself line carries the open-slot token. */
async function expectOpenToken(cluster: TestCluster, handle: NodeHandle, token: string): Promise<void> {
  const me = myselfLine(await clusterNodesOf(cluster, handle));
  if (!me.openSlots.includes(token)) {
    throw new Error(`${handle.addr} should show ${token}, has [${me.openSlots.join(' ')}]`);
  }
}

async function sides(cluster: TestCluster, slot: number, other: NodeHandle): Promise<OpenSlot & { ownerId: string; targetId: string }> {
  const owner = await slotOwner(cluster, slot);
  if (owner === other) throw new Error(`${other.addr} already owns slot ${slot}`);
  return { owner, target: other, ownerId: await cluster.nodeId(owner), targetId: await cluster.nodeId(other) };
}

/** On the owner only: CLUSTER SETSLOT slot MIGRATING <toMaster>. */
export async function openSlotMigrating(cluster: TestCluster, slot: number, toMaster: NodeHandle): Promise<OpenSlot> {
  const s = await sides(cluster, slot, toMaster);
  await cmd(cluster.client(s.owner), 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', s.targetId);
  await expectOpenToken(cluster, s.owner, `[${slot}->-${s.targetId}]`);
  return { owner: s.owner, target: s.target };
}

/** On a non-owner master only: CLUSTER SETSLOT slot IMPORTING <owner>. */
export async function openSlotImporting(cluster: TestCluster, slot: number, onMaster: NodeHandle): Promise<OpenSlot> {
  const s = await sides(cluster, slot, onMaster);
  await cmd(cluster.client(s.target), 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', s.ownerId);
  await expectOpenToken(cluster, s.target, `[${slot}-<-${s.ownerId}]`);
  return { owner: s.owner, target: s.target };
}

/** Both sides, like a migration interrupted before any key moved. */
export async function openSlotBoth(cluster: TestCluster, slot: number, toMaster: NodeHandle): Promise<OpenSlot> {
  const s = await sides(cluster, slot, toMaster);
  await cmd(cluster.client(s.target), 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', s.ownerId);
  await cmd(cluster.client(s.owner), 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', s.targetId);
  await expectOpenToken(cluster, s.target, `[${slot}-<-${s.ownerId}]`);
  await expectOpenToken(cluster, s.owner, `[${slot}->-${s.targetId}]`);
  return { owner: s.owner, target: s.target };
}

/**
 * Leaves `slot` claimed by nobody: DELSLOTS on every live node whose view
 * still assigns it (owner first), until all nodes agree nobody has it.
 * Returns the former owner.
 */
export async function uncoverSlot(cluster: TestCluster, slot: number, timeoutMs = 10_000): Promise<NodeHandle> {
  const owner = await slotOwner(cluster, slot);
  const others = cluster.liveNodes().filter((n) => n !== owner);
  await waitFor(
    `slot ${slot} to be uncovered on every node`,
    async () => {
      const signatures = new Set<string>();
      let pending = '';
      for (const node of [owner, ...others]) {
        const lines = await clusterNodesOf(cluster, node);
        signatures.add(slotSignature(lines));
        if (lines.some((l) => claimsSlot(l, slot))) {
          pending = `${node.addr} still assigns slot ${slot}`;
          await cmd(cluster.client(node), 'CLUSTER', 'DELSLOTS', slot).catch(() => undefined);
        }
      }
      if (pending) return pending;
      return signatures.size === 1 ? true : 'nodes disagree on slots';
    },
    timeoutMs,
  );
  for (const master of cluster.masters.filter((m) => cluster.liveNodes().includes(m))) {
    if (claimsSlot(myselfLine(await clusterNodesOf(cluster, master)), slot)) {
      throw new Error(`${master.addr} still claims slot ${slot}`);
    }
  }
  return owner;
}

/**
 * Puts a key of `slot` on `extraMaster`, which does not own the slot
 * (IMPORTING + ASKING + SET on one connection, then STABLE), so that
 * COUNTKEYSINSLOT > 0 on a non-owner. Returns the stray key.
 */
export async function multipleOwners(
  cluster: TestCluster,
  slot: number,
  extraMaster: NodeHandle,
): Promise<{ owner: NodeHandle; extra: NodeHandle; key: string }> {
  const s = await sides(cluster, slot, extraMaster);
  const client = cluster.client(extraMaster);
  const key = keyInSlot(slot, 'stray');
  await cmd(client, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', s.ownerId);
  const results = (await client.pipeline().call('ASKING').call('SET', key, 'stray-value').exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed) throw new Error(`ASKING+SET on ${extraMaster.addr} failed: ${failed[0]!.message}`);
  await cmd(client, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
  const me = myselfLine(await clusterNodesOf(cluster, extraMaster));
  if (claimsSlot(me, slot) || me.openSlots.length > 0) throw new Error(`${extraMaster.addr} unexpectedly claims or opens slot ${slot}`);
  const count = Number(await cmd(client, 'CLUSTER', 'COUNTKEYSINSLOT', slot));
  if (count < 1) throw new Error(`${extraMaster.addr} has no key in slot ${slot}`);
  return { owner: s.owner, extra: extraMaster, key };
}

/**
 * Waits until live nodes flag `handle` (usually just killed): 'fail?' is met
 * once any other live node flags it fail? or fail; 'fail' once every other
 * live node flags it fail.
 */
export async function waitNodeSeenFailing(cluster: TestCluster, handle: NodeHandle, flag: 'fail?' | 'fail', timeoutMs = 15_000): Promise<void> {
  const id = await cluster.nodeId(handle);
  const observers = cluster.liveNodes().filter((n) => n !== handle);
  await waitFor(
    `${handle.addr} to be seen as ${flag}`,
    async () => {
      const flagsSeen = await Promise.all(
        observers.map(async (node) => {
          const line = (await clusterNodesOf(cluster, node)).find((l) => l.id === id);
          return line?.flags ?? [];
        }),
      );
      const ok = flag === 'fail' ? flagsSeen.every((f) => f.includes('fail')) : flagsSeen.some((f) => f.includes('fail') || f.includes('fail?'));
      return ok ? true : `flags seen: ${flagsSeen.map((f) => f.join(',')).join(' / ')}`;
    },
    timeoutMs,
  );
}
