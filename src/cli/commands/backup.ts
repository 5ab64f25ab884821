/**
 * `rcm backup HOST:PORT DIR`: redis-cli's backup (check, one RDB per master
 * through SYNC, nodes.json), masters in parallel, every file verified before
 * it takes its final name.
 */
import { printingTo, renderBackupEvent, runBackup } from '../../engine';
import { entryArgument, type CliCommand } from '../context';
import { createDataView, withSigint } from '../dataView';
import { intOption, RANGES } from '../numbers';
import { writeReportJson } from '../opHooks';
import { verbose } from '../runPlan';

export const backupCommand: CliCommand = {
  name: 'backup',
  arity: [2, 2],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const dir = ctx.args.args[1]!;
    const view = createDataView(ctx);
    const idleTimeoutMs = intOption(ctx.args, '--cluster-timeout', RANGES.timeoutMs, undefined);
    const report = await withSigint(ctx, 'backup', (signal) =>
      runBackup({
        ...ctx.conn,
        ...entry,
        dir,
        idleTimeoutMs,
        signal,
        onEvent: view.onOutput && printingTo(renderBackupEvent, view.onOutput),
        onProgress: view.onEvent,
      }),
    ).finally(() => view.finish());
    if (ctx.json) {
      writeReportJson(ctx, 'backup', report);
      return report.exitCode;
    }
    if (report.exitCode === 0 && verbose(ctx)) {
      const keys = report.files.reduce((a, f) => a + f.keys, 0);
      const bytes = report.files.reduce((a, f) => a + f.bytes, 0);
      ctx.io.stderr(
        `rcm: ${report.files.length} RDB file(s), ${keys} keys, ${bytes} bytes, each read back and checksum-verified, in ${(report.progress.elapsedMs / 1000).toFixed(2)}s.\n`,
      );
    } else if (report.error) {
      ctx.io.stderr(`rcm: backup failed: ${report.error.message.replace(/\.?\s*$/, '')}; no RDB file and no nodes.json of this run were left in '${dir}'.\n`);
    }
    return report.exitCode;
  },
};
