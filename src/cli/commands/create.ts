/** `rcm create host1:port1 … hostN:portN [--cluster-replicas R] [--cluster-yes]`. */
import { renderCreateEvent, runCreate } from '../../engine';
import type { CliCommand } from '../context';
import { intOption, RANGES } from '../numbers';
import { opHooks, writeReportJson } from '../opHooks';

export const createCommand: CliCommand = {
  name: 'create',
  // redis-cli 7.0.15 wants at least 2 addresses; fewer than 3 masters is refused later with its own message.
  arity: [2, Infinity],
  async run(ctx) {
    const replicas = intOption(ctx.args, '--cluster-replicas', RANGES.replicas, 0);
    const report = await runCreate({
      ...ctx.conn,
      addresses: ctx.args.args,
      ...opHooks(ctx, renderCreateEvent),
      replicas,
    });
    if (ctx.json) writeReportJson(ctx, 'create', report);
    return report.exitCode;
  },
};
