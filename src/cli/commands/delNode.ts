/** `rcm del-node HOST:PORT NODE_ID` (also removes a node that is down, unlike redis-cli). */
import { renderDelNodeEvent, runDelNode } from '../../engine';
import { entryArgument, type CliCommand } from '../context';
import { opHooks, writeReportJson } from '../opHooks';

export const delNodeCommand: CliCommand = {
  name: 'del-node',
  arity: [2, 2],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const report = await runDelNode({ ...ctx.conn, ...entry, nodeId: ctx.args.args[1]!, ...opHooks(ctx, renderDelNodeEvent) });
    if (ctx.json) writeReportJson(ctx, 'del-node', report);
    return report.exitCode;
  },
};
