/** Wiring of the engine's operation hooks (streamed output, confirmations) to the terminal. */
import { printingTo, type EventRenderer, type OutputChunk } from '../engine';
import { writeChunks, writeJson, type CommandContext } from './context';
import { confirmYes } from './prompt';

/** --cluster-yes or REDISCLI_CLUSTER_YES=1 (exactly "1"). */
export function assumeYes(ctx: CommandContext): boolean {
  return ctx.args.flags.has('--cluster-yes') || ctx.io.env.REDISCLI_CLUSTER_YES === '1';
}

/**
 * Each event is rendered and printed as it happens (nothing in --json mode: the
 * report is printed at the end); confirmations are redis-cli's yes/no question.
 * In --json mode the question goes to stderr so that stdout stays JSON.
 */
export function opHooks<E>(
  ctx: CommandContext,
  render: EventRenderer<E>,
  honourYes = true,
): {
  onEvent?: (event: E) => void;
  confirm: (message: string) => Promise<boolean>;
} {
  const { onOutput, confirm } = textOpHooks(ctx, honourYes);
  return { onEvent: onOutput && printingTo(render, onOutput), confirm };
}

/** opHooks for the operations that still print their own text (fix). */
export function textOpHooks(
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

/** Prints an operation report as JSON (without its text output or its events). */
export function writeReportJson(
  ctx: CommandContext,
  command: string,
  report: { readonly output?: unknown; readonly events?: unknown; readonly exitCode: number },
): void {
  const { output: _output, events: _events, ...data } = report;
  writeJson(ctx.io, { command, ok: report.exitCode === 0, ...data });
}
