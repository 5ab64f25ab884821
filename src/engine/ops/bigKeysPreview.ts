/** The big keys of a plan, for a preview (rcm --cluster-simulate/--verbose/--json, the migration panel). */
import { openCluster, type LoadOptions } from '../io/loader';
import { scanBigKeys, type BigKeyScanOptions } from '../io/bigKeys';
import type { BigKeyReport } from '../model/bigKeys';
import type { MovePlan } from '../model/plan';

export async function previewBigKeys(plan: MovePlan, opts: LoadOptions & BigKeyScanOptions = {}): Promise<BigKeyReport> {
  const session = await openCluster(plan.entry.host, plan.entry.port, opts);
  try {
    const addr = (id: string): string => {
      const n = session.topology.nodes.find((x) => x.id === id);
      return n ? `${n.host}:${n.port}` : id;
    };
    return await scanBigKeys(session.clients, plan, addr, opts);
  } finally {
    session.close();
  }
}
