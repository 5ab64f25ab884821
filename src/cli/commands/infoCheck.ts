/** `rcm info` and `rcm check`. */
import { renderCheckEvent, renderEvents, runCheck, runInfo, type CheckEvent } from '../../engine';
import { entryArgument, writeChunks, writeJson, type CliCommand, type CommandContext } from '../context';

async function infoOrCheck(name: 'info' | 'check', ctx: CommandContext): Promise<number> {
  const entry = entryArgument(ctx, 'either');
  if (!entry) return 1;
  const opts = { ...ctx.conn, ...entry, searchMultipleOwners: ctx.args.flags.has('--cluster-search-multiple-owners') };
  const report = name === 'info' ? await runInfo(opts) : await runCheck(opts);
  if (ctx.json) {
    const { events: _events, ...data } = report;
    writeJson(ctx.io, { command: name, ok: report.exitCode === 0, ...data });
  } else writeChunks(ctx.io, renderEvents<CheckEvent>(report.events, renderCheckEvent));
  return report.exitCode;
}

export const infoCommand: CliCommand = { name: 'info', arity: [1, Infinity], readOnly: true, run: (ctx) => infoOrCheck('info', ctx) };
export const checkCommand: CliCommand = { name: 'check', arity: [1, Infinity], readOnly: true, run: (ctx) => infoOrCheck('check', ctx) };
