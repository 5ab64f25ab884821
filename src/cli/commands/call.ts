/** `rcm call HOST:PORT COMMAND [ARG…] [--cluster-only-masters|--cluster-only-replicas] [-d DELIM]`. */
import { renderCallEvent, runCall } from '../../engine';
import { entryArgument, type CliCommand } from '../context';
import { opHooks, writeReportJson } from '../opHooks';

export const callCommand: CliCommand = {
  name: 'call',
  arity: [2, Infinity],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const delimiter = ctx.args.values['-d'];
    const report = await runCall({
      ...ctx.conn,
      ...entry,
      argv: ctx.args.args.slice(1),
      ...opHooks(ctx, (e) => renderCallEvent(e, delimiter)),
      onlyMasters: ctx.args.flags.has('--cluster-only-masters'),
      onlyReplicas: ctx.args.flags.has('--cluster-only-replicas'),
    });
    if (ctx.json) writeReportJson(ctx, 'call', report);
    return report.exitCode;
  },
};
