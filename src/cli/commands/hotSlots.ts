/** `rcm hot-slots HOST:PORT [--by keys|memory|cpu] [--top N] [--json]`: the slots carrying most load, with their owner's share. */
import { LOAD_MEASURES, hotSlots as rankHotSlots, openCluster, renderHotSlots, type LoadMeasure } from '../../engine';
import { ArgError } from '../args';
import { entryArgument, writeChunks, writeJson, type CliCommand, type CommandContext } from '../context';
import { readLoad } from '../loadOptions';
import { intOption, RANGES } from '../numbers';

async function hotSlots(ctx: CommandContext): Promise<number> {
  const entry = entryArgument(ctx, 'either');
  if (!entry) return 1;
  const by = ctx.args.values['--by'] ?? 'keys';
  if (!(LOAD_MEASURES as readonly string[]).includes(by)) throw new ArgError(`--by must be one of ${LOAD_MEASURES.join(', ')} (got "${by}").`);
  const top = intOption(ctx.args, '--top', RANGES.slots, 10);
  const measure = by as LoadMeasure;
  const session = await openCluster(entry.host, entry.port, ctx.conn);
  let report;
  try {
    report = await readLoad(ctx, session, measure === 'memory');
  } finally {
    session.close();
  }
  const hot = rankHotSlots(report, measure, top);
  if (ctx.json) {
    const addr = (id: string) => session.topology.nodes.find((n) => n.id === id);
    writeJson(ctx.io, {
      command: 'hot-slots',
      ok: true,
      by: measure,
      complete: report.complete,
      slots: hot.map((h) => ({ ...h, owner: `${addr(h.ownerId)?.host}:${addr(h.ownerId)?.port}` })),
      masters: report.masters,
    });
  } else writeChunks(ctx.io, renderHotSlots(hot, measure, session.topology, report));
  return 0;
}

export const hotSlotsCommand: CliCommand = { name: 'hot-slots', arity: [1, 2], run: hotSlots };
