/**
 * Per-slot load collector. For each master, in parallel:
 * - `CLUSTER SLOT-STATS SLOTSRANGE` per owned range where the server has the
 *   command (detected with COMMAND INFO, never by version): keys, and with
 *   `cluster-slot-stats-enabled yes` CPU µs and network bytes, all measured;
 * - elsewhere `CLUSTER COUNTKEYSINSLOT` per owned slot (exact key counts);
 * - memory (unless SLOT-STATS reports it): `GETKEYSINSLOT` a few keys of the
 *   slots with the most keys, `MEMORY USAGE … SAMPLES`, within a time budget;
 *   the rest is estimated (see load/estimate.ts).
 * Everything runs in bounded pipelines (bulk.ts), so the nodes keep serving.
 */
import { EngineError } from '../model/errors';
import type { MasterLoad, SlotLoad, SlotLoadReport } from '../model/load';
import { rangesFromSlots } from '../model/slots';
import type { ClusterNode, Topology } from '../model/types';
import { chooseSampleSlots, estimateMasterLoad, type MemorySample } from '../load/estimate';
import { commandInfoKnown, parseSlotStats, type SlotStatsEntry } from '../parse/slotStats';
import { countKeysInSlots, pipelineInChunks } from './bulk';
import type { NodeClient } from './connection';

export interface SlotLoadProgress {
  readonly phase: 'counting' | 'sampling';
  /** Masters counted, or slots sampled so far (over all masters). */
  readonly done: number;
  readonly total: number;
}

export interface CollectOptions {
  /** Stop memory sampling after this long (default 5000 ms); counts are always complete. */
  readonly budgetMs?: number;
  /** Sample memory at all (default true). */
  readonly memory?: boolean;
  /** Slots sampled per master (default 256, the slots with the most keys). */
  readonly sampleSlots?: number;
  /** Keys read per sampled slot (default 8). */
  readonly keysPerSlot?: number;
  /** MEMORY USAGE … SAMPLES n (default 5; 0 = all nested values). */
  readonly memorySamples?: number;
  /** Use SLOT-STATS where the server has it (default true; false forces COUNTKEYSINSLOT + sampling). */
  readonly slotStats?: boolean;
  readonly onProgress?: (p: SlotLoadProgress) => void;
  readonly now?: () => number;
}

/** Sampled slots per round trip (each sends GETKEYSINSLOT, then MEMORY USAGE for its keys). */
const SAMPLE_CHUNK = 32;

function ownedSlots(node: ClusterNode): number[] {
  const out: number[] = [];
  for (const r of node.slots) for (let s = r.start; s <= r.end; s++) out.push(s);
  return out;
}

/** Whether the node has CLUSTER SLOT-STATS (COMMAND INFO of the subcommand). */
export async function hasSlotStats(client: NodeClient): Promise<boolean> {
  try {
    return commandInfoKnown(await client.call('COMMAND', 'INFO', 'CLUSTER|SLOT-STATS'));
  } catch {
    return false;
  }
}

async function readSlotStats(client: NodeClient, owned: readonly number[]): Promise<Map<number, SlotStatsEntry>> {
  const ranges = rangesFromSlots(owned);
  const replies = await pipelineInChunks(
    client,
    ranges.map((r) => ['CLUSTER', 'SLOT-STATS', 'SLOTSRANGE', r.start, r.end] as const),
  );
  const out = new Map<number, SlotStatsEntry>();
  for (const reply of replies) {
    if (!reply.ok)
      throw new EngineError({ code: 'reply-error', node: client.addr, cause: reply.error, message: `Node ${client.addr} replied with error: ${reply.error}` });
    for (const e of parseSlotStats(reply.value)) out.set(e.slot, e);
  }
  return out;
}

/** GETKEYSINSLOT + MEMORY USAGE for a chunk of slots: two round trips. */
async function sampleChunk(client: NodeClient, slots: readonly number[], keysPerSlot: number, samples: number): Promise<Map<number, MemorySample>> {
  const keyReplies = await pipelineInChunks(
    client,
    slots.map((s) => ['CLUSTER', 'GETKEYSINSLOT', s, keysPerSlot] as const),
    { buffers: true },
  );
  const usage: (readonly ['MEMORY', 'USAGE', Buffer, 'SAMPLES', number])[] = [];
  const slotOf: number[] = [];
  keyReplies.forEach((r, i) => {
    if (!r.ok || !Array.isArray(r.value)) return;
    for (const key of r.value as Buffer[]) {
      usage.push(['MEMORY', 'USAGE', key, 'SAMPLES', samples]);
      slotOf.push(slots[i]!);
    }
  });
  const out = new Map<number, MemorySample>();
  const replies = await pipelineInChunks(client, usage);
  replies.forEach((r, i) => {
    if (!r.ok || r.value === null) return; // the key went away in between
    const bytes = Number(Buffer.isBuffer(r.value) ? r.value.toString() : r.value);
    if (!Number.isFinite(bytes)) return;
    const slot = slotOf[i]!;
    const prev = out.get(slot) ?? { keys: 0, bytes: 0 };
    out.set(slot, { keys: prev.keys + 1, bytes: prev.bytes + bytes });
  });
  return out;
}

interface Counted {
  readonly node: ClusterNode;
  readonly client: NodeClient;
  readonly owned: number[];
  readonly stats?: Map<number, SlotStatsEntry>;
  readonly counts?: Map<number, number>;
  readonly toSample: number[];
  readonly samples: Map<number, MemorySample>;
}

/**
 * Collects per-slot load from every master of `topology` (masters without a
 * connection in `clients` are an error: the figures would be wrong).
 */
export async function collectSlotLoad(topology: Topology, clients: ReadonlyMap<string, NodeClient>, options: CollectOptions = {}): Promise<SlotLoadReport> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.budgetMs ?? 5000);
  const keysPerSlot = Math.max(1, options.keysPerSlot ?? 8);
  const memorySamples = Math.max(0, options.memorySamples ?? 5);
  const masters = topology.nodes.filter((n) => n.role === 'master');
  let counted = 0;
  const results: Counted[] = await Promise.all(
    masters.map(async (node) => {
      const client = clients.get(node.id);
      if (!client)
        throw new EngineError({
          code: 'unreachable',
          node: `${node.host}:${node.port}`,
          message: `No connection to ${node.host}:${node.port}: its slots' load cannot be read.`,
        });
      const owned = ownedSlots(node);
      let stats: Map<number, SlotStatsEntry> | undefined;
      let counts: Map<number, number> | undefined;
      if (options.slotStats !== false && owned.length > 0 && (await hasSlotStats(client))) stats = await readSlotStats(client, owned);
      else {
        const c = await countKeysInSlots(client, owned);
        counts = new Map(owned.map((s, i) => [s, c[i]!]));
      }
      options.onProgress?.({ phase: 'counting', done: ++counted, total: masters.length });
      const hasMemory = stats !== undefined && [...stats.values()].some((e) => e.memory !== undefined);
      const keysBySlot = stats ? new Map([...stats.values()].map((e) => [e.slot, e.keys])) : counts!;
      const toSample = options.memory === false || hasMemory ? [] : chooseSampleSlots(keysBySlot, options.sampleSlots ?? 256);
      return { node, client, owned, ...(stats ? { stats } : {}), ...(counts ? { counts } : {}), toSample, samples: new Map() };
    }),
  );

  const totalSample = results.reduce((n, r) => n + r.toSample.length, 0);
  let sampled = 0;
  let complete = true;
  await Promise.all(
    results.map(async (r) => {
      for (let i = 0; i < r.toSample.length; i += SAMPLE_CHUNK) {
        if (now() > deadline) {
          complete = false;
          return;
        }
        const chunk = r.toSample.slice(i, i + SAMPLE_CHUNK);
        for (const [slot, s] of await sampleChunk(r.client, chunk, keysPerSlot, memorySamples)) r.samples.set(slot, s);
        sampled += chunk.length;
        options.onProgress?.({ phase: 'sampling', done: sampled, total: totalSample });
      }
    }),
  );

  const slots: SlotLoad[] = [];
  const masterLoads: MasterLoad[] = [];
  for (const r of results) {
    const dbsize = typeof r.node.dbsize === 'number' ? r.node.dbsize : undefined;
    const { slots: s, master } = estimateMasterLoad({
      id: r.node.id,
      host: r.node.host,
      port: r.node.port,
      owned: r.owned,
      ...(r.stats ? { stats: r.stats } : {}),
      ...(r.counts ? { counts: r.counts } : {}),
      samples: r.samples,
      ...(r.node.stats.usedMemory !== undefined ? { usedMemory: r.node.stats.usedMemory } : {}),
      ...(dbsize !== undefined ? { dbsize } : {}),
    });
    slots.push(...s);
    masterLoads.push(master);
  }
  slots.sort((a, b) => a.slot - b.slot);
  const hasCpu = slots.length > 0 && slots.every((s) => s.cpuUs !== undefined);
  return { slots, masters: masterLoads, complete, hasCpu };
}
