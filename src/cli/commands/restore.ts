/**
 * `rcm restore HOST:PORT DIR [--cluster-replace [--cluster-yes]] [--cluster-pipeline N]`:
 * load a backup (rcm's or redis-cli's) into a cluster, whatever its slot layout.
 * Existing keys are left alone unless --cluster-replace is given; then, if the
 * cluster has keys, redis-cli's yes/no question is asked first (--cluster-yes
 * or REDISCLI_CLUSTER_YES=1 answer it).
 */
import { printingTo, renderRestoreEvent, runRestore } from '../../engine';
import { intOption, RANGES } from '../numbers';
import { verbose } from '../runPlan';
import { entryArgument, type CliCommand } from '../context';
import { createDataView, rate, withSigint } from '../dataView';
import { confirmHook, writeReportJson } from '../opHooks';

export const restoreCommand: CliCommand = {
  name: 'restore',
  arity: [2, 2],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const dir = ctx.args.args[1]!;
    const batchKeys = intOption(ctx.args, '--cluster-pipeline', RANGES.pipeline, undefined);
    const view = createDataView(ctx);
    const confirm = confirmHook(ctx);
    const report = await withSigint(ctx, 'restore', (signal) =>
      runRestore({
        ...ctx.conn,
        ...entry,
        dir,
        replace: ctx.args.flags.has('--cluster-replace'),
        batchKeys,
        signal,
        onEvent: view.onOutput && printingTo(renderRestoreEvent, view.onOutput),
        onProgress: view.onEvent,
        confirm: (message) => {
          view.flush();
          return confirm(message);
        },
      }),
    ).finally(() => view.finish());
    if (ctx.json) {
      writeReportJson(ctx, 'restore', report);
      return report.exitCode;
    }
    const p = report.progress;
    if (report.status === 'done' && verbose(ctx)) {
      const skipped = report.existing + report.expired + report.skippedOtherDbs + Object.values(report.skippedModules).reduce((a, b) => a + b, 0);
      ctx.io.stderr(
        `rcm: restored ${report.restored} keys in ${rate(p)}${skipped ? `; ${skipped} left alone (${report.existing} existing, ${report.expired} expired, ${Object.values(report.skippedModules).reduce((a, b) => a + b, 0)} module values, ${report.skippedOtherDbs} in other databases)` : ''}.\n`,
      );
    } else if (report.status === 'cancelled') {
      ctx.io.stderr(
        `rcm: restore stopped after ${report.restored} keys; running it again restores the rest (existing keys are left alone without --cluster-replace).\n`,
      );
    } else if (report.error) {
      const before = report.restored > 0 ? ` (${report.restored} keys had been restored before it stopped)` : '';
      ctx.io.stderr(`rcm: ${report.error.message.replace(/\.?\s*$/, '')}${before}.\n`);
    }
    return report.exitCode;
  },
};
