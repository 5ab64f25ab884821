/**
 * `rcm fix «entry» [--cluster-search-multiple-owners] [--cluster-fix-with-unreachable-masters]
 * [--cluster-replace] [--cluster-timeout MS] [--cluster-pipeline N] [--cluster-yes]`:
 * redis-cli's fix (same stages, lines and exit code) over the engine's runFix.
 *
 * Deliberate difference: --cluster-yes (or REDISCLI_CLUSTER_YES=1) answers the
 * coverage questions ("Fix these slots by …?"). redis-cli never lets it
 * (PR redis/redis#7247); scripts and the crash-recovery flow need it, and
 * without it rcm asks exactly as redis-cli does.
 */
import { renderFixEvent, runFix } from '../../engine';
import { entryArgument, type CliCommand, type CommandContext } from '../context';
import { opHooks, writeReportJson } from '../opHooks';
import { migrationFlags } from '../runPlan';

async function fix(ctx: CommandContext): Promise<number> {
  const entry = entryArgument(ctx, 'either');
  if (!entry) return 1;
  const flags = migrationFlags(ctx); // validates --cluster-timeout / --cluster-pipeline before touching the cluster
  const report = await runFix({
    ...ctx.conn,
    ...entry,
    ...opHooks(ctx, renderFixEvent, true),
    ...flags,
    searchMultipleOwners: ctx.args.flags.has('--cluster-search-multiple-owners'),
    fixWithUnreachableMasters: ctx.args.flags.has('--cluster-fix-with-unreachable-masters'),
  });
  if (ctx.json) writeReportJson(ctx, 'fix', report);
  return report.exitCode;
}

export const fixCommand: CliCommand = { name: 'fix', arity: [1, Infinity], run: fix };
