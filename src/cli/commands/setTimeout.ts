/** `rcm set-timeout HOST:PORT MILLISECONDS` (exit 1 when a node failed, unlike redis-cli). */
import { atoi, runSetTimeout } from '../../engine';
import { entryArgument, type CliCommand } from '../context';
import { opHooks, writeReportJson } from '../opHooks';

export const setTimeoutCommand: CliCommand = {
  name: 'set-timeout',
  arity: [2, 2],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const report = await runSetTimeout(entry.host, entry.port, atoi(ctx.args.args[1]!), { ...ctx.conn, ...opHooks(ctx) });
    if (ctx.json) writeReportJson(ctx, 'set-timeout', report);
    return report.exitCode;
  },
};
