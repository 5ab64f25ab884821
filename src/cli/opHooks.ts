/** Wiring of the engine's operation hooks (streamed output, confirmations) to the terminal. */
import type { OutputChunk } from '../engine';
import { writeChunks, writeJson, type CommandContext } from './context';
import { confirmYes } from './prompt';

/** --cluster-yes or REDISCLI_CLUSTER_YES=1 (exactly "1"). */
export function assumeYes(ctx: CommandContext): boolean {
  return ctx.args.flags.has('--cluster-yes') || ctx.io.env.REDISCLI_CLUSTER_YES === '1';
}

/**
 * Output is printed as it is produced (nothing in --json mode: the report is
 * printed at the end); confirmations are redis-cli's yes/no question. In
 * --json mode the question goes to stderr so that stdout stays JSON.
 */
export function opHooks(
  ctx: CommandContext,
  honourYes = true,
): {
  onOutput?: (chunk: OutputChunk) => void;
  confirm: (message: string) => Promise<boolean>;
} {
  const yes = honourYes && assumeYes(ctx);
  const io = ctx.json ? { ...ctx.io, stdout: ctx.io.stderr } : ctx.io;
  return {
    onOutput: ctx.json ? undefined : (chunk) => writeChunks(ctx.io, [chunk]),
    confirm: (message) => confirmYes(io, message, yes),
  };
}

/** Prints an operation report as JSON (without its text output). */
export function writeReportJson(ctx: CommandContext, command: string, report: { readonly output: unknown; readonly exitCode: number }): void {
  const { output: _output, ...data } = report;
  writeJson(ctx.io, { command, ok: report.exitCode === 0, ...data });
}
