/**
 * Runs a plan on a live cluster: reload, validate against the current
 * topology, journal, execute, then check. Also resumes a journal.
 */
import { checkCluster, type CheckResult } from '../check/check';
import { executePlan, type ExecuteOptions, type ExecuteResult } from '../exec/executor';
import { readJournalState } from '../exec/journal';
import { pairStrategy, probeCapabilities } from '../exec/capabilities';
import type { SlotPort } from '../exec/port';
import type { StrategyKind } from '../exec/strategy';
import { EngineError } from '../model/errors';
import type { MovePlan, SlotMove } from '../model/plan';
import { validatePlan } from '../plan/validatePlan';
import { FileJournal, journalLockPid, lockJournal, processAlive, readJournalFile, unlockJournal } from '../io/journalFile';
import { openCluster, type LoadOptions } from '../io/loader';
import { createSlotPort } from '../io/slotPort';
import { scanBigKeys } from '../io/bigKeys';
import type { BigKeyReport } from '../model/bigKeys';

export interface ApplyOptions extends LoadOptions, Omit<ExecuteOptions, 'strategy'> {
  /** Append-only journal file for resume (created if missing). */
  readonly journalPath?: string;
  /** 'auto' (default): each pair moves server-side (atomic) when both of its nodes can, else legacy. */
  readonly strategy?: 'auto' | StrategyKind;
  /** Time bound of the big-key sample before the move, ms (default 2000; 0 = no sample). */
  readonly bigKeyScanMs?: number;
}

export interface ApplyResult extends ExecuteResult {
  /** Moves found already done (resume) and only finalised. */
  readonly alreadyMoved: number;
  /** The check run after the moves. */
  readonly check: CheckResult;
  /** Big keys found before the move. */
  readonly bigKeys?: BigKeyReport;
}

export async function applyPlan(plan: MovePlan, opts: ApplyOptions = {}, resumed = false): Promise<ApplyResult> {
  if (opts.journalPath) {
    const holder = journalLockPid(opts.journalPath);
    if (holder !== undefined && holder !== process.pid && processAlive(holder)) {
      throw new EngineError({ code: 'usage', message: `The run of ${opts.journalPath} is still going on in process ${holder}; wait for it (or stop it) before running it here.` });
    }
  }
  const session = await openCluster(plan.entry.host, plan.entry.port, opts);
  let journal: FileJournal | undefined;
  try {
    const { toMove, alreadyMoved } = validatePlan(plan, session.topology);
    const port = createSlotPort(session, opts);
    if (alreadyMoved.length > 0) await finalizeMoved(port, alreadyMoved);
    if (opts.journalPath) {
      journal = new FileJournal(opts.journalPath);
      lockJournal(opts.journalPath);
      if (!resumed) await journal.append({ t: 'plan', plan, at: Date.now() });
    }
    const strategy = opts.strategy ?? 'auto';
    // Big keys only matter to MIGRATE: the sample covers the pairs that move with the classic protocol.
    const legacyMoves = await movesOfLegacyPairs(port, toMove, strategy);
    const bigKeys = opts.bigKeyScanMs === 0 || legacyMoves.length === 0
      ? undefined
      : await scanBigKeys(session.clients, { ...plan, moves: legacyMoves }, port.nodeAddr, { timeBoundMs: opts.bigKeyScanMs, timeoutMs: opts.timeoutMs });
    if (bigKeys && (bigKeys.keys.length > 0 || bigKeys.truncated)) opts.onEvent?.({ type: 'big-keys', report: bigKeys });
    const result = await executePlan({ ...plan, moves: toMove }, port, { ...opts, journal, strategy, ...(bigKeys ? { bigKeys: bigKeys.keys } : {}) }).finally(() => port.close?.());
    const after = await openCluster(plan.entry.host, plan.entry.port, opts);
    after.close();
    return { ...result, alreadyMoved: alreadyMoved.length, check: checkCluster(after.topology), ...(bigKeys ? { bigKeys } : {}) };
  } finally {
    if (journal) {
      await journal.close();
      unlockJournal(journal.path);
    }
    session.close();
  }
}

/** The moves whose pair uses the classic protocol (the executor decides the same way, by capability). */
async function movesOfLegacyPairs(port: SlotPort, moves: readonly SlotMove[], strategy: 'auto' | StrategyKind): Promise<SlotMove[]> {
  if (strategy !== 'auto') return strategy === 'legacy' ? [...moves] : [];
  const caps = await probeCapabilities(port, moves.flatMap((m) => [m.sourceId, m.targetId]));
  return moves.filter((m) => pairStrategy(caps.get(m.sourceId), caps.get(m.targetId)) === 'legacy');
}

/** Slots whose target already owns them: close any open state and tell everyone. */
async function finalizeMoved(port: ReturnType<typeof createSlotPort>, moves: readonly SlotMove[]): Promise<void> {
  // Per pair, pipelined (an atomic job a killed run left behind may have moved 1000s of slots): the target
  // first, then the source, then every other master, as for one slot.
  const pairs = new Map<string, SlotMove[]>();
  for (const m of moves) pairs.set(`${m.sourceId}>${m.targetId}`, [...(pairs.get(`${m.sourceId}>${m.targetId}`) ?? []), m]);
  for (const group of pairs.values()) {
    const { sourceId, targetId } = group[0]!;
    const items = group.map((m) => ({ slot: m.slot, action: 'NODE' as const, nodeId: targetId }));
    await port.setSlots(targetId, items);
    await port.setSlots(sourceId, items);
    await Promise.all(port.masterIds().filter((id) => id !== sourceId && id !== targetId).map((id) => port.setSlots(id, items)));
  }
}

/** Continues an interrupted run from its journal: only the moves not recorded as done. */
export async function resumeJournal(path: string, opts: Omit<ApplyOptions, 'journalPath'> = {}): Promise<ApplyResult & { plan: MovePlan; skipped: number }> {
  const state = readJournalState(readJournalFile(path));
  if (state.ended === 'done') {
    throw new EngineError({ code: 'usage', message: `The run in ${path} already finished; there is nothing to resume.` });
  }
  const remaining = state.plan.moves.filter((m) => !state.done.has(m.slot));
  const plan: MovePlan = { ...state.plan, moves: remaining };
  const result = await applyPlan(plan, { ...opts, journalPath: path }, true);
  return { ...result, plan: state.plan, skipped: state.done.size };
}
