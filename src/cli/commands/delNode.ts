/** `rcm del-node HOST:PORT NODE_ID` (also removes a node that is down, unlike redis-cli). */
import { parseEntryAddress, runDelNode } from '../../engine';
import { ADDRESS_ERROR, type CliCommand } from '../context';
import { opHooks, writeReportJson } from '../opHooks';

export const delNodeCommand: CliCommand = {
  name: 'del-node',
  arity: [2, 2],
  async run(ctx) {
    const entry = parseEntryAddress(ctx.args.args.slice(0, 1));
    if (!entry) {
      ctx.io.stderr(ADDRESS_ERROR);
      return 1;
    }
    const report = await runDelNode(entry.host, entry.port, ctx.args.args[1]!, { ...ctx.conn, ...opHooks(ctx) });
    if (ctx.json) writeReportJson(ctx, 'del-node', report);
    return report.exitCode;
  },
};
