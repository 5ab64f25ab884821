/** `rcm rebalance`: redis-cli's rebalance plan and output, executed by the migration engine. */
import {
  checkCluster,
  openCluster,
  parseWeights,
  planRebalance,
  previewBigKeys,
  renderBigKeys,
  renderCheck,
  renderRebalancePlan,
  type ClusterSession,
} from '../../engine';
import { entryArgument, writeChunks, writeJson, type CliCommand, type CommandContext } from '../context';
import { decimalOption } from '../numbers';
import { migrationFlags, runPlanFromCli, writePlanOut } from '../runPlan';
import { balanceByOption, rebalanceByLoad } from './rebalanceLoad';

export async function rebalance(ctx: CommandContext): Promise<number> {
  const entry = entryArgument(ctx, 'either');
  if (!entry) return 1;
  migrationFlags(ctx);
  const threshold = decimalOption(ctx.args, '--cluster-threshold', { min: 0, max: 100 }, undefined);
  const by = balanceByOption(ctx);
  if (by !== 'slots') return rebalanceByLoad(ctx, entry, by, threshold);
  // The plan's connections stay open for the run (its guard reads the cluster again on them, without connecting anew).
  const session = await openCluster(entry.host, entry.port, ctx.conn);
  try {
    return await rebalanceOn(ctx, session, threshold);
  } finally {
    session.close();
  }
}

async function rebalanceOn(ctx: CommandContext, session: ClusterSession, threshold: number | undefined): Promise<number> {
  const { topology } = session;
  parseWeights(topology, ctx.args.weights); // unknown / malformed weights fail before the check, as redis-cli
  const check = checkCluster(topology);
  if (!ctx.json) writeChunks(ctx.io, renderCheck(topology, check, true));
  if (!check.ok) {
    ctx.io.stdout('*** Please fix your cluster problems before rebalancing\n');
    return 1;
  }
  const plan = planRebalance(topology, {
    weights: ctx.args.weights,
    useEmptyMasters: ctx.args.flags.has('--cluster-use-empty-masters'),
    ...(threshold !== undefined ? { threshold } : {}),
  });
  const simulate = ctx.args.flags.has('--cluster-simulate');
  const verbose = ctx.args.flags.has('--verbose');
  // The preview of a simulation (--verbose/--json) lists the keys whose transfer would block long.
  const bigKeys =
    plan.kind !== 'nothing-to-do' && simulate && (ctx.json || verbose)
      ? await previewBigKeys(plan, { ...ctx.conn, timeoutMs: migrationFlags(ctx).timeoutMs })
      : undefined;
  if (ctx.json && (plan.kind === 'nothing-to-do' || simulate || ctx.args.values['--plan-out'])) {
    writeJson(ctx.io, { command: 'rebalance', ok: true, plan, ...(bigKeys ? { bigKeys } : {}) });
  } else if (!ctx.json) {
    writeChunks(ctx.io, renderRebalancePlan(plan, topology, { verbose, simulate }));
    if (bigKeys)
      ctx.io.stderr(
        renderBigKeys(bigKeys, (id) => {
          const n = topology.nodes.find((x) => x.id === id);
          return n ? `${n.host}:${n.port}` : id;
        }),
      );
  }
  if (plan.kind === 'nothing-to-do' || simulate) return 0;
  if (writePlanOut(ctx, plan)) return 0;
  return runPlanFromCli(ctx, plan, topology, 'rebalance', session.clients.values());
}

export const rebalanceCommand: CliCommand = { name: 'rebalance', arity: [1, Infinity], run: rebalance };
