/** `rcm reshard`: redis-cli's reshard (same prompts, plan and output), executed by the migration engine. */
import {
  checkCluster,
  EngineError,
  findNodeForResharding,
  openCluster,
  TARGET_AS_SOURCE,
  planReshard,
  renderCheck,
  renderReshardPlan,
  type ClusterSession,
  type Topology,
} from '../../engine';
import { entryArgument, writeChunks, type CliCommand, type CommandContext } from '../context';
import { readLine } from '../lineReader';
import { intOption, RANGES } from '../numbers';
import { assumeYes } from '../opHooks';
import { migrationFlags, runPlanFromCli, writePlanOut } from '../runPlan';

async function ask(ctx: CommandContext, question: string): Promise<string> {
  ctx.io.stdout(question);
  const line = await (ctx.io.readAnswer ? ctx.io.readAnswer(255) : readLine());
  if (line === undefined)
    throw new EngineError({
      code: 'usage',
      message: 'No answer (end of input). Give --cluster-slots, --cluster-to and --cluster-from to run without questions.',
    });
  return line.replace(/\r?\n$/, '').trim();
}

async function askSlots(ctx: CommandContext): Promise<number> {
  for (;;) {
    // redis-cli reads the answer with atoi (`10x` is 10); a whole number only here, else the question again.
    const a = await ask(ctx, 'How many slots do you want to move (from 1 to 16384)? ');
    const n = /^\d+$/.test(a) ? Number(a) : 0;
    if (n > 0 && n <= 16384) return n;
  }
}

/** redis-cli's source questions: each answer is checked at once (unknown id: exit; the target: say so, ask again). */
async function askSources(ctx: CommandContext, topology: Topology, to: string): Promise<string[] | 'all'> {
  ctx.io.stdout(
    "Please enter all the source node IDs.\n  Type 'all' to use all the nodes as source nodes for the hash slots.\n  Type 'done' once you entered all the source nodes IDs.\n",
  );
  const ids: string[] = [];
  for (;;) {
    const a = await ask(ctx, `Source node #${ids.length + 1}: `);
    if (a === 'done') return ids;
    if (a === 'all') return 'all';
    if (!a) continue;
    const node = findNodeForResharding(topology, a);
    if (node.id.toLowerCase() === to.toLowerCase()) {
      ctx.io.stdout(`${TARGET_AS_SOURCE}\n`);
      continue;
    }
    ids.push(node.id);
  }
}

export async function reshard(ctx: CommandContext): Promise<number> {
  const entry = entryArgument(ctx, 'either');
  if (!entry) return 1;
  migrationFlags(ctx); // validate options before touching the cluster
  intOption(ctx.args, '--cluster-slots', RANGES.slots, undefined);
  // The plan's connections stay open for the run (its guard reads the cluster again on them, without connecting anew).
  const session = await openCluster(entry.host, entry.port, ctx.conn);
  try {
    return await reshardOn(ctx, session);
  } finally {
    session.close();
  }
}

async function reshardOn(ctx: CommandContext, session: ClusterSession): Promise<number> {
  const { topology } = session;
  ctx.profile?.mark('reshard: cluster loaded');
  const check = checkCluster(topology);
  if (!ctx.json) writeChunks(ctx.io, renderCheck(topology, check));
  if (!check.ok) {
    ctx.io.stderr('*** Please fix your cluster problems before resharding\n');
    return 1;
  }
  const v = ctx.args.values;
  const slots = intOption(ctx.args, '--cluster-slots', RANGES.slots, undefined) ?? (await askSlots(ctx));
  const to = v['--cluster-to'] ?? (await ask(ctx, 'What is the receiving node ID? '));
  findNodeForResharding(topology, to); // an unknown or replica target stops here, before the sources, as redis-cli
  // Tokens go to the planner as given: it checks them in order as redis-cli does (`badid,all` is an error).
  const from = v['--cluster-from'] !== undefined ? v['--cluster-from'].split(',') : await askSources(ctx, topology, to);
  const { plan, warnings } = planReshard(topology, { from, to, slots });
  if (!ctx.json) writeChunks(ctx.io, renderReshardPlan(topology, plan, warnings));
  ctx.profile?.mark('reshard: checked and planned');
  if (writePlanOut(ctx, plan)) return 0;
  if (!assumeYes(ctx)) {
    const answer = await ask(ctx, 'Do you want to proceed with the proposed reshard plan (yes/no)? ').catch(() => '');
    if (answer.slice(0, 3) !== 'yes') return 1;
  }
  return runPlanFromCli(ctx, plan, topology, 'reshard', session.clients.values());
}

export const reshardCommand: CliCommand = { name: 'reshard', arity: [1, Infinity], run: reshard };
