/**
 * `rcm sandbox up [--masters 3 --replicas 1 --port 7000 --dir DIR]`,
 * `rcm sandbox down [--port P | --dir DIR]`, `rcm sandbox status [--port P | --dir DIR]`:
 * a throw-away local cluster built from the redis-server on PATH.
 */
import { isEngineError, renderEvents, renderSandboxEvent, sandboxDown, sandboxStatus, sandboxUp } from '../../engine';
import { writeChunks, type CliCommand, type CommandContext } from '../context';
import { intOption, RANGES } from '../numbers';
import { opHooks, writeReportJson } from '../opHooks';

const USAGE = 'Usage: rcm sandbox up [--masters 3] [--replicas 1] [--port 7000] [--dir DIR]\n       rcm sandbox down|status [--port 7000 | --dir DIR]\n';

function numberOption(ctx: CommandContext, name: '--masters' | '--replicas' | '--port'): number | undefined {
  // The bus port is the data port + 10000: it must stay a port too.
  const range = name === '--port' ? { min: 1, max: 65535 - 10000 } : name === '--masters' ? RANGES.masters : RANGES.replicas;
  return intOption(ctx.args, name, range, undefined);
}

async function run(ctx: CommandContext): Promise<number> {
  const action = ctx.args.args[0];
  const where = { dir: ctx.args.values['--dir'], port: numberOption(ctx, '--port') };
  if (action === 'up') {
    const report = await sandboxUp({
      ...where,
      masters: numberOption(ctx, '--masters'),
      replicas: numberOption(ctx, '--replicas'),
      onEvent: opHooks(ctx, renderSandboxEvent).onEvent,
    });
    if (ctx.json) writeReportJson(ctx, 'sandbox up', report);
    return report.exitCode;
  }
  if (action === 'down') {
    const report = await sandboxDown(where, { onEvent: opHooks(ctx, renderSandboxEvent).onEvent });
    if (ctx.json) writeReportJson(ctx, 'sandbox down', report);
    return report.exitCode;
  }
  if (action === 'status') {
    const report = sandboxStatus(where);
    if (ctx.json) writeReportJson(ctx, 'sandbox status', report);
    else writeChunks(ctx.io, renderEvents(report.events, renderSandboxEvent));
    return report.exitCode;
  }
  ctx.io.stderr(USAGE);
  return 1;
}

export const sandboxCommand: CliCommand = {
  name: 'sandbox',
  arity: [1, 1],
  async run(ctx) {
    try {
      return await run(ctx);
    } catch (e) {
      if (!isEngineError(e)) throw e;
      ctx.io.stderr(`rcm: ${e.message}\n`);
      return 1;
    }
  },
};
