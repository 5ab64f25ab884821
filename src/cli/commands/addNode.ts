/** `rcm add-node NEW_HOST:PORT EXISTING_HOST:PORT [--cluster-slave [--cluster-master-id ID]]`. */
import { renderAddNodeEvent, runAddNode } from '../../engine';
import { addressArgument, type CliCommand } from '../context';
import { opHooks, writeReportJson } from '../opHooks';

export const addNodeCommand: CliCommand = {
  name: 'add-node',
  arity: [2, 2],
  async run(ctx) {
    const fresh = addressArgument(ctx, ctx.args.args.slice(0, 1));
    const existing = fresh && addressArgument(ctx, ctx.args.args.slice(1, 2));
    if (!fresh || !existing) return 1;
    const report = await runAddNode({
      ...ctx.conn,
      newHost: fresh.host,
      newPort: fresh.port,
      ...existing,
      ...opHooks(ctx, renderAddNodeEvent),
      asReplica: ctx.args.flags.has('--cluster-slave'),
      masterId: ctx.args.values['--cluster-master-id'],
    });
    if (ctx.json) writeReportJson(ctx, 'add-node', report);
    return report.exitCode;
  },
};
