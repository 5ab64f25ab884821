/** Many commands to one node in bounded pipelines (a huge pipeline would stall the node). */
import type { Arg, NodeClient, PipelineResult } from './connection';

export const PIPELINE_CHUNK = 4096;

export async function pipelineInChunks(client: NodeClient, commands: readonly (readonly [string, ...Arg[]])[], options?: { buffers?: boolean }): Promise<PipelineResult[]> {
  const out: PipelineResult[] = [];
  for (let i = 0; i < commands.length; i += PIPELINE_CHUNK) {
    out.push(...await client.pipeline(commands.slice(i, i + PIPELINE_CHUNK), options));
  }
  return out;
}

/** CLUSTER COUNTKEYSINSLOT for each slot; -1 where the node answered an error. */
export async function countKeysInSlots(client: NodeClient, slots: readonly number[]): Promise<number[]> {
  const res = await pipelineInChunks(client, slots.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', s] as const));
  return res.map((r) => (r.ok ? Number(r.value) : -1));
}
