/**
 * Runs a plan on a live cluster: reload, validate against the current
 * topology, journal, execute, then check. Also resumes a journal.
 */
import { checkCluster, type CheckResult } from '../check/check';
import { executePlan, type ExecuteOptions, type ExecuteResult } from '../exec/executor';
import { readJournalState } from '../exec/journal';
import { pairStrategy, probeCapabilities, type NodeCapabilities } from '../exec/capabilities';
import { clockSleep, systemClock, type Clock, type SlotPort } from '../exec/port';
import type { StrategyKind } from '../exec/strategy';
import { EngineError } from '../model/errors';
import type { MovePlan, SlotMove } from '../model/plan';
import type { Topology } from '../model/types';
import { validatePlan } from '../plan/validatePlan';
import { remapPlan, shardsOf, type ShardMap } from '../plan/remapPlan';
import { FileJournal, lockJournal, readJournalFile, unlockJournal } from '../io/journalFile';
import { openCluster, type LoadOptions } from '../io/loader';
import { createSlotPort } from '../io/slotPort';
import { scanBigKeys } from '../io/bigKeys';
import type { BigKeyReport } from '../model/bigKeys';
import { openGuarded } from './runGuard';

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

export async function applyPlan(plan: MovePlan, opts: ApplyOptions = {}, resumed = false, shards?: ShardMap): Promise<ApplyResult> {
  // The journal lock, taken before any connection (atomic: of two processes, one runs); a caller that holds it keeps it.
  const locked = opts.journalPath ? lockJournal(opts.journalPath) : false;
  let guarded: Awaited<ReturnType<typeof openGuarded>>;
  try {
    // Preflight, the cluster-wide lease (refuses a second run, naming it), no open slot unless resuming.
    guarded = await openGuarded(plan.entry.host, plan.entry.port, opts, {
      op: resumed ? `resume of ${plan.kind}` : plan.kind,
      kind: 'move',
      journal: opts.journalPath,
      resume: resumed,
      allowOpenSlots: resumed,
      requireReachableMasters: true,
      strategy: opts.strategy,
      replace: opts.replace,
      onPhase: opts.onPhase,
    });
  } catch (e) {
    if (locked) unlockJournal(opts.journalPath!);
    throw e;
  }
  const { session, lease, strategy } = guarded;
  const clock = opts.clock ?? systemClock;
  let journal: FileJournal | undefined;
  try {
    // A resume after a failover: each planned node stands for the current master of its shard.
    if (resumed) plan = remapPlan(plan, session.topology, shards).plan;
    const { toMove, alreadyMoved } = validatePlan(plan, session.topology);
    const port = createSlotPort(session, opts);
    if (alreadyMoved.length > 0) await finalizeMoved(port, alreadyMoved);
    if (resumed) await reattachImports(port, clock, session.topology, toMove);
    if (resumed) await movesClusterOk(port, clock, toMove);
    if (opts.journalPath) journal = new FileJournal(opts.journalPath);
    // Big keys only matter to MIGRATE: the sample covers the pairs that move with the classic protocol. The
    // nodes are asked while the plan's record is synced to the journal (both before the first change).
    const [{ legacyMoves, capabilities }] = await Promise.all([
      movesOfLegacyPairs(port, toMove, strategy),
      resumed ? undefined : journal?.append({ t: 'plan', plan, at: clock.now(), shards: shardsOf(session.topology) }),
    ]);
    const bigKeys =
      opts.bigKeyScanMs === 0 || legacyMoves.length === 0
        ? undefined
        : await scanBigKeys(session.clients, { ...plan, moves: legacyMoves }, port.nodeAddr, { timeBoundMs: opts.bigKeyScanMs, timeoutMs: opts.timeoutMs });
    opts.onPhase?.('apply: plan validated, journal written, big keys sampled');
    if (bigKeys && (bigKeys.keys.length > 0 || bigKeys.truncated)) opts.onEvent?.({ type: 'big-keys', report: bigKeys });
    // A lost lease (a newer holder took it over after this process stood still past its TTL) stops at the next window.
    const signal = opts.signal ? AbortSignal.any([opts.signal, lease.lost]) : lease.lost;
    const result = await executePlan({ ...plan, moves: toMove }, port, {
      ...opts,
      journal,
      strategy,
      signal,
      ...(capabilities ? { capabilities } : {}),
      ...(bigKeys ? { bigKeys: bigKeys.keys } : {}),
    }).finally(() => port.close?.());
    opts.onPhase?.('apply: moves executed');
    const check = await checkAfterMoves(plan, { ...opts, reuse: session.clients.values() }, clock);
    opts.onPhase?.('apply: cluster loaded for the check after the moves');
    return { ...result, alreadyMoved: alreadyMoved.length, check, ...(bigKeys ? { bigKeys } : {}) };
  } finally {
    await journal?.close();
    if (locked) unlockJournal(opts.journalPath!);
    session.close();
    lease.release();
  }
}

const SETTLE_DEADLINE_MS = 5_000;
const SETTLE_POLL_MS = 200;

/**
 * The check after the moves, on the run's own connections. Right after a failover during the run the nodes
 * can still disagree about the slots for a few gossip rounds: the cluster is read again (SETTLE_POLL_MS) until
 * the check passes or SETTLE_DEADLINE_MS has passed, and the last check is the answer.
 */
async function checkAfterMoves(plan: MovePlan, opts: LoadOptions, clock: Clock): Promise<CheckResult> {
  const deadline = clock.now() + SETTLE_DEADLINE_MS;
  for (;;) {
    const after = await openCluster(plan.entry.host, plan.entry.port, opts);
    after.close();
    const check = checkCluster(after.topology);
    if (check.ok || clock.now() >= deadline) return check;
    await clockSleep(clock, SETTLE_POLL_MS);
  }
}

/**
 * The moves whose pair uses the classic protocol, and the capabilities probed to tell (the executor then
 * decides from the same ones, without asking the nodes again).
 */
async function movesOfLegacyPairs(
  port: SlotPort,
  moves: readonly SlotMove[],
  strategy: 'auto' | StrategyKind,
): Promise<{ legacyMoves: SlotMove[]; capabilities?: ReadonlyMap<string, NodeCapabilities> }> {
  if (strategy !== 'auto') return { legacyMoves: strategy === 'legacy' ? [...moves] : [] };
  const capabilities = await probeCapabilities(
    port,
    moves.flatMap((m) => [m.sourceId, m.targetId]),
  );
  return { legacyMoves: moves.filter((m) => pairStrategy(capabilities.get(m.sourceId), capabilities.get(m.targetId)) === 'legacy'), capabilities };
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
    await Promise.all(
      port
        .masterIds()
        .filter((id) => id !== sourceId && id !== targetId)
        .map((id) => port.setSlots(id, items)),
    );
  }
}

const REATTACH_DEADLINE_MS = 15_000;
const REATTACH_POLL_MS = 100;

/**
 * After a failover of the source, the target still imports the slots in
 * flight from the dead master, and a node never takes a new owner of a slot
 * it imports from gossip: it keeps the dead owner and reports cluster_state
 * fail (CLUSTERDOWN) forever. Point those slots at the master that stands for
 * the source now and import from it again (one pipeline, so clients are
 * redirected away from the keys already moved only for that instant), then
 * wait for the target's cluster_state to turn ok before anything moves.
 */
export async function reattachImports(port: SlotPort, clock: Clock, topology: Topology, moves: readonly SlotMove[]): Promise<void> {
  const byTarget = new Map<string, SlotMove[]>();
  for (const m of moves) {
    const target = topology.nodes.find((n) => n.id === m.targetId);
    const imp = target?.importing.find((o) => o.slot === m.slot);
    if (!imp || imp.peerId === m.sourceId) continue;
    let list = byTarget.get(m.targetId);
    if (!list) byTarget.set(m.targetId, (list = []));
    list.push(m);
  }
  for (const [targetId, list] of byTarget) {
    const res = await port.setSlots(
      targetId,
      list.flatMap((m) => [
        { slot: m.slot, action: 'NODE' as const, nodeId: m.sourceId },
        { slot: m.slot, action: 'IMPORTING' as const, nodeId: m.sourceId },
      ]),
    );
    const bad = res.find((r) => r !== null);
    if (bad)
      throw new EngineError({
        code: 'migration-failed',
        node: port.nodeAddr(targetId),
        cause: bad,
        message: `Re-pointing the slots in flight on ${port.nodeAddr(targetId)} at the new master failed: ${bad}`,
      });
    await clusterStateOk(port, clock, targetId, 'after its slots in flight were re-pointed');
  }
}

/** Waits (REATTACH_DEADLINE_MS) until the node reports cluster_state:ok; a node that never does is left to "rcm fix". */
async function clusterStateOk(port: SlotPort, clock: Clock, nodeId: string, when: string): Promise<void> {
  const deadline = clock.now() + REATTACH_DEADLINE_MS;
  for (;;) {
    const info = String((await port.command?.(nodeId, 'CLUSTER', 'INFO')) ?? 'cluster_state:ok');
    if (info.includes('cluster_state:ok')) return;
    if (clock.now() > deadline)
      throw new EngineError({
        code: 'timeout',
        node: port.nodeAddr(nodeId),
        message: `${port.nodeAddr(nodeId)} still reports cluster_state fail ${when}; run "rcm fix".`,
      });
    await clockSleep(clock, REATTACH_POLL_MS);
  }
}

/**
 * Before a resume moves anything: every source and target of the moves left reports cluster_state:ok. Right
 * after a failover (the fault suite's SIGSTOP of a target, about 1 trial in 4 on Redis 7.0) the promoted
 * replica and another master kept reporting cluster_state:fail for seconds with every slot covered by a
 * reachable master in their views (probably the rejoin delay: Redis holds a master at fail for a while after it last
 * saw itself in a minority), and the first MIGRATE to it failed with CLUSTERDOWN.
 */
export async function movesClusterOk(port: SlotPort, clock: Clock, moves: readonly SlotMove[]): Promise<void> {
  const ids = [...new Set(moves.flatMap((m) => [m.sourceId, m.targetId]))];
  for (const id of ids) await clusterStateOk(port, clock, id, 'after the failover');
}

/** Continues an interrupted run from its journal: only the moves not recorded as done. */
export async function resumeJournal(path: string, opts: Omit<ApplyOptions, 'journalPath'> = {}): Promise<ApplyResult & { plan: MovePlan; skipped: number }> {
  const state = readJournalState(readJournalFile(path));
  if (state.ended === 'done') {
    throw new EngineError({ code: 'usage', message: `The run in ${path} already finished; there is nothing to resume.` });
  }
  const remaining = state.plan.moves.filter((m) => !state.done.has(m.slot));
  // totalSlots follows the moves left: validatePlan checks the plan's shape (main's planShapeProblem).
  const plan: MovePlan = { ...state.plan, moves: remaining, totalSlots: remaining.length };
  const result = await applyPlan(plan, { ...opts, journalPath: path }, true, state.shards);
  return { ...result, plan: state.plan, skipped: state.done.size };
}
