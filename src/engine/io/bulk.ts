/** Many commands to one node in bounded pipelines (a huge pipeline would stall the node). */
import type { SlotRange } from '../model/slots';
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

/** CLUSTER COUNTKEYSINSLOT for each slot; -1 where the node answered an error. */
export async function countKeysInSlots(client: NodeClient, slots: readonly number[]): Promise<number[]> {
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
