/** `rcm set-timeout HOST:PORT MILLISECONDS` (exit 1 when a node failed, unlike redis-cli). */
import { atoi, parseEntryAddress, runSetTimeout } from '../../engine';
import { ADDRESS_ERROR, type CliCommand } from '../context';
import { opHooks, writeReportJson } from '../opHooks';

export const setTimeoutCommand: CliCommand = {
  name: 'set-timeout',
  arity: [2, 2],
  async run(ctx) {
    const entry = parseEntryAddress(ctx.args.args.slice(0, 1));
    if (!entry) {
      ctx.io.stderr(ADDRESS_ERROR);
      return 1;
    }
    const report = await runSetTimeout(entry.host, entry.port, atoi(ctx.args.args[1]!), { ...ctx.conn, ...opHooks(ctx) });
    if (ctx.json) writeReportJson(ctx, 'set-timeout', report);
    return report.exitCode;
  },
};
