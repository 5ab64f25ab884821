/** Executes a plan from the CLI: journal, Ctrl-C as a safe stop, live view, summary, exit code. */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  MigrationService,
  journalDir,
  loadTopology,
  newJournalPath,
  readJournalFile,
  readJournalState,
  renderProfile,
  type ApplyResult,
  type LoadOptions,
  type MigrationEvent,
  type MovePlan,
  type RunRequest,
  type Topology,
} from '../engine';
import { checkView } from '../shared/checkView';
import { EN_STRINGS, translator } from '../shared/strings';
import { ArgError } from './args';
import { decimalOption, intOption, RANGES } from './numbers';
import type { CommandContext } from './context';
import { withStopNotice } from './dataView';
import { createMigrationView, summaryLine } from './migrationView';

export interface MigrationFlags {
  readonly timeoutMs: number;
  readonly replace: boolean;
  readonly pipeline?: number;
  readonly budgetMs?: number;
  readonly maxClientLatencyMs?: number;
  readonly fast: boolean;
  readonly strategy: 'auto' | 'legacy';
  /** RCM_PROFILE set: round trips and time per phase (exec/profile.ts). */
  readonly profile: boolean;
}

/** --cluster-timeout, --cluster-pipeline, --cluster-replace, --budget-ms, --max-client-latency-ms, --fast, strictly (numbers.ts); refuses values redis-cli silently misuses. */
export function migrationFlags(ctx: CommandContext): MigrationFlags {
  const p = ctx.args;
  const timeoutMs = intOption(p, '--cluster-timeout', RANGES.timeoutMs, 60000);
  // With 0 redis-cli would treat every slot as empty and fail to move slots that hold keys.
  const pipeline = intOption(p, '--cluster-pipeline', RANGES.pipeline, undefined);
  const budgetMs = decimalOption(p, '--budget-ms', { min: 0, max: 60000 }, undefined);
  const maxClientLatencyMs = decimalOption(p, '--max-client-latency-ms', { min: 0, max: 60000 }, undefined);
  const fast = p.flags.has('--fast');
  if (fast && maxClientLatencyMs !== undefined)
    throw new ArgError('--fast drops the client-latency budget: give either --fast or --max-client-latency-ms, not both.');
  const strategy = p.values['--migration-strategy'] ?? 'auto';
  if (strategy !== 'auto' && strategy !== 'legacy') throw new ArgError(`--migration-strategy must be auto or legacy (got "${strategy}").`);
  const profile = Boolean(ctx.io.env.RCM_PROFILE);
  return { timeoutMs, replace: p.flags.has('--cluster-replace'), pipeline, budgetMs, maxClientLatencyMs, fast, strategy, profile };
}

/** rcm's own lines on a successful run (journal, summary, strategy): only with --verbose, never in the way of a caller. */
export function verbose(ctx: CommandContext): boolean {
  return ctx.args.flags.has('--verbose') && !ctx.json;
}

const STOP_NOTICE = '\nrcm: stopping after the slots in flight (Ctrl-C again to quit at once; open slots can then be closed with "rcm fix")…\n';

/**
 * The executor's profile (RCM_PROFILE set): RCM_PROFILE=1 prints it on stderr; any other value is a file
 * that gets it as JSON (benchmarks read it).
 */
function showProfile(ctx: CommandContext, e: MigrationEvent): void {
  if (e.type !== 'profile') return;
  const to = ctx.io.env.RCM_PROFILE;
  if (to === '1') ctx.io.stderr(renderProfile(e.profile));
  else if (to) writeFileSync(to, `${JSON.stringify(e.profile, null, 2)}\n`);
}

/** Runs the request in the migration service, Ctrl-C as its cancel; what was thrown before or after the moves is rethrown. */
async function runInService(ctx: CommandContext, req: RunRequest & { journalPath: string }, onEvent: (e: MigrationEvent) => void): Promise<ApplyResult> {
  const run = new MigrationService({ journalDir: dirname(req.journalPath) }).start(req);
  run.onEvent(onEvent);
  const outcome = await withStopNotice(ctx, STOP_NOTICE, (signal) => {
    signal.addEventListener('abort', () => run.cancel(), { once: true });
    return run.outcome;
  });
  if (!outcome.result) throw outcome.error;
  return outcome.result;
}

/** The exit status 0: every move done and verified, no key missing, and the cluster check clean afterwards. */
function succeeded(result: ApplyResult): boolean {
  return result.status === 'done' && result.check.ok && !(result.vanished && result.vanished.slots > 0);
}

function report(ctx: CommandContext, result: ApplyResult, style: 'reshard' | 'rebalance', journalPath: string): number {
  if (result.status === 'done') {
    if (verbose(ctx)) ctx.io.stderr(summaryLine(result.progress, result.mismatches));
    // Keys that vanished are never "done and verified", even when clients may have deleted them meanwhile.
    if (result.vanished && result.vanished.slots > 0) {
      ctx.io.stderr(
        `rcm: [ERR] ${result.vanished.keys} key(s) in ${result.vanished.slots} moved slot(s) are missing on the target after the move (deleted or expired by clients meanwhile, or lost): verify the data before trusting this run.\n`,
      );
      return 1;
    }
    // Problems the check after the moves still finds, once the nodes had time to settle, make it 1 too (redis-cli
    // runs no check after its moves). One rcm: line either way: missing keys are named first.
    if (!result.check.ok) {
      const found = checkView(result.check, translator(EN_STRINGS)).findings.map((f) => f.replace(/\.$/, ''));
      ctx.io.stderr(
        `rcm: [ERR] the moves are done and verified, but the cluster check after them still finds problems: ${found.join('; ')}. Run "rcm check" for details, and "rcm fix" if they persist.\n`,
      );
      return 1;
    }
    return 0;
  }
  if (result.status === 'cancelled') {
    ctx.io.stderr(
      `rcm: stopped after ${result.progress.slotsDone} of ${result.progress.totalSlots} slots; no slot was left open. Continue with: rcm resume ${journalPath}\n`,
    );
    return 1;
  }
  const err = result.error!;
  ctx.io.stdout(
    style === 'reshard' ? `clusterManagerMoveSlot failed: ${err.cause ?? err.message}\n` : `*** clusterManagerMoveSlot: ${err.cause ?? err.message}\n`,
  );
  ctx.io.stderr(
    `rcm: ${err.message.replace(/\.?\s*$/, '')}; ${result.progress.slotsDone} slots were moved. After fixing the cause, continue with: rcm resume ${journalPath}\n`,
  );
  return 1;
}

/** With --plan-out: writes the plan as JSON (with --verbose says how to run it) and returns true (nothing runs). */
export function writePlanOut(ctx: CommandContext, plan: MovePlan): boolean {
  const file = ctx.args.values['--plan-out'];
  if (!file) return false;
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
  if (verbose(ctx)) ctx.io.stderr(`rcm: plan written to ${file} (run it with: rcm apply ${file})\n`);
  return true;
}

/** `reuse`: the connections the plan was made on (the run reads the cluster again on them; their owner closes them). */
export async function runPlanFromCli(
  ctx: CommandContext,
  plan: MovePlan,
  topology: Topology,
  style: 'reshard' | 'rebalance',
  reuse?: LoadOptions['reuse'],
): Promise<number> {
  const flags = migrationFlags(ctx);
  const journalPath = ctx.args.values['--journal'] ?? newJournalPath(journalDir(undefined, ctx.io.env), plan.kind);
  if (verbose(ctx)) ctx.io.stderr(`rcm: journal ${journalPath}\n`);
  const view = createMigrationView(ctx.io, plan, topology, style, ctx.json, ctx.args.flags.has('--verbose'));
  const result = await runInService(
    ctx,
    { plan, journalPath, options: { ...ctx.conn, ...flags, onPhase: ctx.profile?.mark, ...(reuse ? { reuse } : {}) } },
    (e) => {
      showProfile(ctx, e);
      view.onEvent(e);
    },
  );
  view.finish();
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ command: plan.kind, ok: succeeded(result), journal: journalPath, ...result }, null, 2)}\n`);
  return report(ctx, result, style, journalPath);
}

export async function resumeFromCli(ctx: CommandContext, journalPath: string): Promise<number> {
  const flags = migrationFlags(ctx);
  const { plan } = readJournalState(readJournalFile(journalPath));
  const topology = await loadTopology(plan.entry.host, plan.entry.port, ctx.conn);
  const view = createMigrationView(ctx.io, plan, topology, plan.kind, ctx.json, ctx.args.flags.has('--verbose'));
  const result = await runInService(ctx, { journalPath, options: { ...ctx.conn, ...flags } }, (e) => {
    if (e.type === 'plan-started' && verbose(ctx)) ctx.io.stderr(`rcm: resuming ${journalPath}: ${e.totalSlots} slots left to move\n`);
    showProfile(ctx, e);
    view.onEvent(e);
  });
  view.finish();
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ command: 'resume', ok: succeeded(result), ...result }, null, 2)}\n`);
  if (result.alreadyMoved > 0 && verbose(ctx))
    ctx.io.stderr(`rcm: ${result.alreadyMoved} slot(s) had moved before the interruption and were only finalised.\n`);
  return report(ctx, result, plan.kind, journalPath);
}
