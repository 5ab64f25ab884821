/** Wiring of the engine's operation hooks (streamed output, confirmations) to the terminal. */
import { printingTo, type EventRenderer } from '../engine';
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
  const confirm = confirmHook(ctx, honourYes);
  return ctx.json ? { confirm } : { onEvent: printingTo(render, (chunk) => writeChunks(ctx.io, [chunk])), confirm };
}

/** redis-cli's yes/no question (on stderr in --json mode, so that stdout stays JSON). */
export function confirmHook(ctx: CommandContext, honourYes = true): (message: string) => Promise<boolean> {
  const yes = honourYes && assumeYes(ctx);
  const io = ctx.json ? { ...ctx.io, stdout: ctx.io.stderr } : ctx.io;
  return (message) => confirmYes(io, message, yes);
}

/** Prints an operation report as JSON (without its events). */
export function writeReportJson(ctx: CommandContext, command: string, report: { readonly events?: unknown; readonly exitCode: number }): void {
  const { events: _events, ...data } = report;
  writeJson(ctx.io, { command, ok: report.exitCode === 0, ...data });
}
