/** Options shared by the load-reading subcommands (rebalance --cluster-balance-by, hot-slots). */
import { collectSlotLoad, type ClusterSession, type SlotLoadReport } from '../engine';
import type { CommandContext } from './context';
import { decimalOption } from './numbers';

/** --load-budget-ms: how long memory sampling may take (default 5000). */
export function loadBudget(ctx: CommandContext): number {
  return decimalOption(ctx.args, '--load-budget-ms', { min: 0, max: 3_600_000 }, 5000);
}

/** Reads per-slot load; with --verbose says on stderr how and how long. */
export async function readLoad(ctx: CommandContext, session: ClusterSession, memory: boolean): Promise<SlotLoadReport> {
  const started = Date.now();
  const report = await collectSlotLoad(session.topology, session.clients, { budgetMs: loadBudget(ctx), memory });
  if (ctx.args.flags.has('--verbose')) {
    const stats = report.masters.filter((m) => m.method === 'slot-stats').length;
    const how =
      stats === report.masters.length
        ? `CLUSTER SLOT-STATS on ${stats} masters${report.hasCpu ? ' (CPU and network measured)' : ''}`
        : stats === 0
          ? 'CLUSTER COUNTKEYSINSLOT'
          : `CLUSTER SLOT-STATS on ${stats} masters, COUNTKEYSINSLOT on ${report.masters.length - stats}`;
    const sampled = memory ? `, memory ${report.complete ? 'sampled' : 'partly sampled (time budget)'} with MEMORY USAGE` : '';
    ctx.io.stderr(`rcm: load of ${report.slots.length} slots read in ${Date.now() - started} ms (${how}${sampled})\n`);
  }
  return report;
}
