/**
 * `rcm set-timeout HOST:PORT MILLISECONDS`: per node whether the value is in
 * effect and persisted; exit 0 when it is in effect on every node (see ops/setTimeout.ts).
 */
import { MIN_NODE_TIMEOUT_MS, renderSetTimeoutEvent, runSetTimeout } from '../../engine';
import { entryArgument, type CliCommand } from '../context';
import { parseInteger, RANGES } from '../numbers';
import { opHooks, writeReportJson } from '../opHooks';

export const setTimeoutCommand: CliCommand = {
  name: 'set-timeout',
  arity: [2, 2],
  async run(ctx) {
    const entry = entryArgument(ctx, 'host:port');
    if (!entry) return 1;
    const text = ctx.args.args[1]!;
    // A whole number below 100 gets redis-cli's own refusal (from the engine); anything else that is not one, ours.
    const ms =
      /^\s*\d+\s*$/.test(text) && Number(text) < MIN_NODE_TIMEOUT_MS ? Number(text) : parseInteger(text, 'set-timeout milliseconds', RANGES.nodeTimeoutMs);
    const report = await runSetTimeout({ ...ctx.conn, ...entry, timeoutMs: ms, ...opHooks(ctx, renderSetTimeoutEvent) });
    if (ctx.json) writeReportJson(ctx, 'set-timeout', report);
    return report.exitCode;
  },
};
