/**
 * `rcm import HOST:PORT --cluster-from SRC_HOST:PORT [--cluster-copy] [--cluster-replace]
 *  [--cluster-from-user U] [--cluster-from-pass P | --cluster-from-askpass] [--cluster-timeout MS]
 *  [--cluster-pipeline KEYS] [--cluster-from-tls [--cluster-from-cacert F] [--cluster-from-cert F
 *  --cluster-from-key F] [--cluster-from-sni NAME] [--cluster-from-insecure]]`
 *
 * redis-cli's import (same checks, messages and per-key lines) with keys
 * moved in batches; --cluster-pipeline sets the keys per MIGRATE (default 1000).
 */
import { type ConnectionOptions, parseAddress, printingTo, renderImportEvent, runImport } from '../../engine';
import { readPem } from '../connection';
import { entryArgument, type CliCommand, type CommandContext } from '../context';
import { createDataView, rate, withSigint } from '../dataView';
import { intOption, RANGES } from '../numbers';
import { writeReportJson } from '../opHooks';
import { askPassword } from '../prompt';
import { verbose } from '../runPlan';

async function sourceConnection(ctx: CommandContext): Promise<ConnectionOptions> {
  const v = ctx.args.values;
  const f = ctx.args.flags;
  const password = f.has('--cluster-from-askpass') ? await askPassword('Please input import source node password: ') : v['--cluster-from-pass'];
  const tlsWanted =
    f.has('--cluster-from-tls') || ['--cluster-from-cacert', '--cluster-from-cert', '--cluster-from-key', '--cluster-from-sni'].some((o) => v[o] !== undefined);
  return {
    user: v['--cluster-from-user'],
    password,
    connectTimeoutMs: ctx.conn.connectTimeoutMs,
    family: ctx.conn.family,
    tls: tlsWanted
      ? {
          ca: v['--cluster-from-cacert'] ? readPem(v['--cluster-from-cacert']) : undefined,
          cert: v['--cluster-from-cert'] ? readPem(v['--cluster-from-cert']) : undefined,
          key: v['--cluster-from-key'] ? readPem(v['--cluster-from-key']) : undefined,
          servername: v['--cluster-from-sni'],
          insecure: f.has('--cluster-from-insecure'),
        }
      : undefined,
  };
}

export const importCommand: CliCommand = {
  name: 'import',
  arity: [1, 1],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const fromText = ctx.args.values['--cluster-from'];
    if (fromText === undefined) {
      ctx.io.stderr("[ERR] Option '--cluster-from' is required for subcommand 'import'.\n");
      return 1;
    }
    const from = parseAddress(fromText);
    if (!from.ok) {
      ctx.io.stderr(
        `[ERR] Invalid --cluster-from host. You need to pass a valid address (ie. 120.0.0.1:7000).\nrcm: bad --cluster-from "${fromText}": ${from.reason}.\n`,
      );
      return 1;
    }
    const timeoutMs = intOption(ctx.args, '--cluster-timeout', RANGES.timeoutMs, 60000);
    const batchKeys = intOption(ctx.args, '--cluster-pipeline', RANGES.pipeline, undefined);
    const source = await sourceConnection(ctx);
    const view = createDataView(ctx);
    const report = await withSigint(ctx, 'import', (signal) =>
      runImport({
        ...ctx.conn,
        ...entry,
        from: { host: from.host, port: from.port },
        source,
        copy: ctx.args.flags.has('--cluster-copy'),
        replace: ctx.args.flags.has('--cluster-replace'),
        timeoutMs,
        batchKeys,
        signal,
        onEvent: view.onOutput && printingTo(renderImportEvent, view.onOutput),
        onProgress: view.onEvent,
      }),
    ).finally(() => view.finish());
    if (ctx.json) {
      writeReportJson(ctx, 'import', report);
      return report.exitCode;
    }
    const p = report.progress;
    if (report.status === 'done' && verbose(ctx)) {
      ctx.io.stderr(`rcm: ${ctx.args.flags.has('--cluster-copy') ? 'copied' : 'moved'} ${p.keysMoved} keys in ${rate(p)}.\n`);
    } else if (report.error) {
      const before = p.keysMoved > 0 ? ` (${p.keysMoved} keys were imported before it stopped)` : '';
      ctx.io.stderr(`rcm: ${report.error.message.replace(/\.?\s*$/, '')}${before}.\n`);
    }
    if (report.remainingInSource !== undefined && report.remainingInSource > 0 && report.status === 'done' && verbose(ctx)) {
      ctx.io.stderr(
        `rcm: ${report.remainingInSource} keys are in the source now (written or changed during the import?); run the import again to move them.\n`,
      );
    }
    return report.exitCode;
  },
};
