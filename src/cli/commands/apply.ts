/** `rcm apply PLAN.json` and `rcm resume JOURNAL`: run a saved plan, continue an interrupted run. */
import { readFileSync } from 'node:fs';
import { EngineError, findJournal, loadTopology, planShapeProblem, renderRebalanceGroupLine, type MovePlan } from '../../engine';
import { writeChunks, type CliCommand, type CommandContext } from '../context';
import { assumeYes } from '../opHooks';
import { confirmYes } from '../prompt';
import { resumeFromCli, runPlanFromCli } from '../runPlan';

/** A plan file, checked against the plan's shape: a damaged one gets one line naming the file and what is wrong. */
function readPlan(path: string): MovePlan {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EngineError({ code: 'file-error', message: `Cannot read the plan ${path}: ${(e as Error).message}` });
  }
  const problem = planShapeProblem(value);
  if (problem) throw new EngineError({ code: 'file-error', message: `${path} is not a plan written by rcm (--plan-out): ${problem}.` });
  return value as MovePlan;
}

async function apply(ctx: CommandContext): Promise<number> {
  const plan = readPlan(ctx.args.args[0]!);
  const topology = await loadTopology(plan.entry.host, plan.entry.port, ctx.conn);
  if (!ctx.json) {
    ctx.io.stdout(`Plan: ${plan.kind}, ${plan.moves.length} slots in ${plan.groups.length} group(s).\n`);
    writeChunks(
      ctx.io,
      plan.groups.map((g) => renderRebalanceGroupLine(plan, g, topology)),
    );
  }
  if (!(await confirmYes(ctx.json ? { ...ctx.io, stdout: ctx.io.stderr } : ctx.io, 'Apply this plan?', assumeYes(ctx)))) return 1;
  return runPlanFromCli(ctx, plan, topology, plan.kind);
}

export const applyCommand: CliCommand = { name: 'apply', arity: [1, 1], run: apply };
export const resumeCommand: CliCommand = { name: 'resume', arity: [1, 1], run: (ctx) => resumeFromCli(ctx, findJournal(ctx.args.args[0]!, ctx.io.env)) };
