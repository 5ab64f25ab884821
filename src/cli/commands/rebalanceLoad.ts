/**
 * `rcm rebalance --cluster-balance-by keys|memory|cpu`: the check as
 * redis-cli prints it, then per-slot load, the load planner, and the same
 * executor as every plan. `slots` (the default) is redis-cli's rebalance,
 * unchanged (rebalance.ts).
 */
import {
  BALANCE_BY,
  checkCluster,
  openCluster,
  parseWeights,
  planLoadRebalance,
  renderCheck,
  renderLoadPlan,
  type BalanceBy,
  type LoadMeasure,
} from '../../engine';
import { ArgError } from '../args';
import { writeChunks, writeJson, type CommandContext } from '../context';
import { readLoad } from '../loadOptions';
import { runPlanFromCli, writePlanOut } from '../runPlan';

export function balanceByOption(ctx: CommandContext): BalanceBy {
  const v = ctx.args.values['--cluster-balance-by'] ?? 'slots';
  if (!(BALANCE_BY as readonly string[]).includes(v)) throw new ArgError(`--cluster-balance-by must be one of ${BALANCE_BY.join(', ')} (got "${v}").`);
  return v as BalanceBy;
}

/** `threshold`: --cluster-threshold as rebalance read it (undefined: the default). */
export async function rebalanceByLoad(
  ctx: CommandContext,
  entry: { host: string; port: number },
  measure: LoadMeasure,
  threshold: number | undefined,
): Promise<number> {
  const session = await openCluster(entry.host, entry.port, ctx.conn);
  const { topology } = session;
  let report;
  try {
    parseWeights(topology, ctx.args.weights);
    const check = checkCluster(topology);
    if (!ctx.json) writeChunks(ctx.io, renderCheck(topology, check, true));
    if (!check.ok) {
      ctx.io.stdout('*** Please fix your cluster problems before rebalancing\n');
      return 1;
    }
    report = await readLoad(ctx, session, measure === 'memory');
  } finally {
    session.close();
  }
  const plan = planLoadRebalance(topology, report, {
    measure,
    weights: ctx.args.weights,
    useEmptyMasters: ctx.args.flags.has('--cluster-use-empty-masters'),
    ...(threshold !== undefined ? { threshold } : {}),
  });
  const simulate = ctx.args.flags.has('--cluster-simulate');
  if (ctx.json && (plan.kind === 'nothing-to-do' || simulate || ctx.args.values['--plan-out'])) {
    writeJson(ctx.io, { command: 'rebalance', ok: true, plan });
  } else if (!ctx.json) {
    writeChunks(ctx.io, renderLoadPlan(plan, topology, { verbose: ctx.args.flags.has('--verbose'), simulate }));
  }
  if (plan.kind === 'nothing-to-do' || simulate) return 0;
  if (writePlanOut(ctx, plan)) return 0;
  return runPlanFromCli(ctx, plan, topology, 'rebalance');
}
