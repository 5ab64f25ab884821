/** `rcm failover REPLICA_HOST:PORT [--force|--takeover]` (not in redis-cli). */
import { parseEntryAddress, runFailover } from '../../engine';
import { ADDRESS_ERROR, type CliCommand } from '../context';
import { opHooks, writeReportJson } from '../opHooks';

export const failoverCommand: CliCommand = {
  name: 'failover',
  arity: [1, 1],
  async run(ctx) {
    const entry = parseEntryAddress(ctx.args.args.slice(0, 1));
    if (!entry) {
      ctx.io.stderr(ADDRESS_ERROR);
      return 1;
    }
    const force = ctx.args.flags.has('--force');
    const takeover = ctx.args.flags.has('--takeover');
    if (force && takeover) {
      ctx.io.stderr('rcm: --force and --takeover are mutually exclusive.\n');
      return 1;
    }
    const report = await runFailover(entry.host, entry.port, {
      ...ctx.conn,
      ...opHooks(ctx),
      mode: force ? 'force' : takeover ? 'takeover' : 'default',
    });
    if (ctx.json) writeReportJson(ctx, 'failover', report);
    return report.exitCode;
  },
};
