/** Many commands to one node in bounded pipelines (a huge pipeline would stall the node). */
import { countSlots, rangesFromSlots, type SlotRange } from '../model/slots';
import { connectNode, type Arg, type NodeClient, type PipelineResult } from './connection';
import type { ConnectionOptions } from './options';

export const PIPELINE_CHUNK = 4096;

export async function pipelineInChunks(
  client: NodeClient,
  commands: readonly (readonly [string, ...Arg[]])[],
  options?: { buffers?: boolean },
): Promise<PipelineResult[]> {
  const out: PipelineResult[] = [];
  for (let i = 0; i < commands.length; i += PIPELINE_CHUNK) {
    out.push(...(await client.pipeline(commands.slice(i, i + PIPELINE_CHUNK), options)));
  }
  return out;
}

/** Returns CLUSTER COUNTKEYSINSLOT of every slot of the ranges given as start, end pairs in ARGV, in order. */
const COUNTS_SCRIPT =
  "local out = {} for i = 1, #ARGV, 2 do for s = tonumber(ARGV[i]), tonumber(ARGV[i + 1]) do out[#out + 1] = redis.call('CLUSTER', 'COUNTKEYSINSLOT', s) end end return out";

/** Fewer slots than this: one COUNTKEYSINSLOT each costs no more than the script. */
const SCRIPT_MIN_SLOTS = 32;
/** Slots per script call: the node serves nobody else while it runs (about 1 µs a slot). */
const SCRIPT_CHUNK = 1024;
/** Clients whose node refused the script (an ACL without EVAL_RO, an old server): counted by pipeline from then on. */
const noCountScript = new WeakSet<NodeClient>();

/**
 * CLUSTER COUNTKEYSINSLOT for each slot; -1 where the node answered an error. Many slots are counted by one
 * read-only script per chunk (one command and one reply instead of one per slot: the most of an atomic
 * move's counts before and after, in a short run); a node that refuses it, or a slot that errors, is
 * counted slot by slot.
 */
export async function countKeysInSlots(client: NodeClient, slots: readonly number[]): Promise<number[]> {
  if (slots.length >= SCRIPT_MIN_SLOTS && !noCountScript.has(client)) {
    const out: number[] = [];
    for (let i = 0; i < slots.length; i += SCRIPT_CHUNK) {
      const chunk = slots.slice(i, i + SCRIPT_CHUNK);
      const counts = await countsByScript(client, chunk);
      if (!counts) return out.concat(await countsByPipeline(client, slots.slice(i)));
      out.push(...counts);
    }
    return out;
  }
  return countsByPipeline(client, slots);
}

async function countsByScript(client: NodeClient, slots: readonly number[]): Promise<number[] | undefined> {
  // The script counts the sorted, merged ranges; the answer is mapped back to the order asked.
  const ranges = rangesFromSlots(slots);
  let reply: unknown;
  try {
    reply = await client.call('EVAL_RO', COUNTS_SCRIPT, 0, ...ranges.flatMap((r) => [r.start, r.end]));
  } catch (e) {
    // A refused script is remembered; a slot that errors (reply of the whole script) is counted by pipeline.
    if (/NOPERM|unknown command|NOSCRIPT|not allowed|Unknown Redis command/i.test(e instanceof Error ? e.message : String(e))) noCountScript.add(client);
    return undefined;
  }
  const counted = countSlots(ranges);
  if (!Array.isArray(reply) || reply.length !== counted) return undefined;
  const bySlot = new Map<number, number>();
  let i = 0;
  for (const r of ranges) for (let s = r.start; s <= r.end; s++) bySlot.set(s, Number(reply[i++]));
  const counts = slots.map((s) => bySlot.get(s)!);
  return counts.every((n) => Number.isInteger(n) && n >= 0) ? counts : undefined;
}

async function countsByPipeline(client: NodeClient, slots: readonly number[]): Promise<number[]> {
  const res = await pipelineInChunks(
    client,
    slots.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', s] as const),
  );
  return res.map((r) => (r.ok ? Number(r.value) : -1));
}

export interface KeyCountTarget {
  readonly host: string;
  readonly port: number;
  readonly slots: readonly SlotRange[];
}

export interface KeyCountFailure {
  readonly addr: string;
  readonly message: string;
}

/** Slots per streamed chunk of countKeysPerSlot. */
const COUNT_CHUNK = 1024;

/**
 * Counts keys in every slot each master owns, all masters at once; results
 * arrive per chunk as `[slot, keys]` pairs. A master that cannot be reached is
 * reported, the others still count. Stops between chunks when `signal` aborts.
 */
export async function countKeysPerSlot(
  targets: readonly KeyCountTarget[],
  conn: ConnectionOptions,
  onChunk: (entries: [number, number][]) => void,
  signal?: AbortSignal,
): Promise<KeyCountFailure[]> {
  const failures: KeyCountFailure[] = [];
  await Promise.all(
    targets.map(async (t) => {
      const slots: number[] = [];
      for (const r of t.slots) for (let s = r.start; s <= r.end; s++) slots.push(s);
      if (slots.length === 0) return;
      let client: NodeClient | undefined;
      try {
        client = await connectNode(t.host, t.port, conn);
        for (let i = 0; i < slots.length; i += COUNT_CHUNK) {
          if (signal?.aborted) return;
          const chunk = slots.slice(i, i + COUNT_CHUNK);
          const counts = await countKeysInSlots(client, chunk);
          const entries: [number, number][] = [];
          counts.forEach((k, j) => {
            if (Number.isFinite(k) && k >= 0) entries.push([chunk[j]!, k]);
          });
          onChunk(entries);
        }
      } catch (e) {
        failures.push({ addr: `${t.host}:${t.port}`, message: e instanceof Error ? e.message : String(e) });
      } finally {
        client?.close();
      }
    }),
  );
  return failures;
}
