/** `rcm call HOST:PORT COMMAND [ARG…] [--cluster-only-masters|--cluster-only-replicas] [-d DELIM]`. */
import { runCall } from '../../engine';
import { entryArgument, type CliCommand } from '../context';
import { textOpHooks, writeReportJson } from '../opHooks';

export const callCommand: CliCommand = {
  name: 'call',
  arity: [2, Infinity],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const report = await runCall(entry.host, entry.port, ctx.args.args.slice(1), {
      ...ctx.conn,
      ...textOpHooks(ctx),
      onlyMasters: ctx.args.flags.has('--cluster-only-masters'),
      onlyReplicas: ctx.args.flags.has('--cluster-only-replicas'),
      delimiter: ctx.args.values['-d'],
    });
    if (ctx.json) writeReportJson(ctx, 'call', report);
    return report.exitCode;
  },
};
