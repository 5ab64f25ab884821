/** `rcm failover REPLICA_HOST:PORT [--force|--takeover]` (not in redis-cli). */
import { renderFailoverEvent, runFailover } from '../../engine';
import { entryArgument, type CliCommand } from '../context';
import { opHooks, writeReportJson } from '../opHooks';

export const failoverCommand: CliCommand = {
  name: 'failover',
  arity: [1, 1],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const force = ctx.args.flags.has('--force');
    const takeover = ctx.args.flags.has('--takeover');
    if (force && takeover) {
      ctx.io.stderr('rcm: --force and --takeover are mutually exclusive.\n');
      return 1;
    }
    const report = await runFailover({
      ...ctx.conn,
      ...entry,
      ...opHooks(ctx, renderFailoverEvent),
      mode: force ? 'force' : takeover ? 'takeover' : 'default',
    });
    if (ctx.json) writeReportJson(ctx, 'failover', report);
    return report.exitCode;
  },
};
