/**
 * `fix` (redis-cli --cluster fix, spec §3.4): the check, with each problem
 * repaired right after the stage that found it — open slots (§3.4.1), slot
 * coverage (§3.4.2), and with --cluster-search-multiple-owners slots owned or
 * held by several masters (§3.4.3). Output and exit code follow redis-cli 7.0;
 * the decisions are the pure functions of fix/analysis.ts.
 *
 * Deliberate differences from redis-cli (each covered by a test):
 *  1. Multiple owners, non-owner holding keys: the non-owner is put in
 *     IMPORTING state before its keys are moved (and made STABLE after), so
 *     MIGRATE runs there instead of being redirected with MOVED — redis-cli
 *     fails on this case (open PR redis/redis#8353).
 *  2. Uncovered slots without keys go to the masters with the fewest slots
 *     (ties: list order), counting each pick, in contiguous runs, instead of
 *     redis-cli's time-seeded rand() (which sends every slot fixed within a
 *     second to one node).
 *  3. The coverage questions honour --cluster-yes / REDISCLI_CLUSTER_YES
 *     (the `confirm` hook; absent = yes); redis-cli always asks (PR #7247).
 *  4. Nothing is modified before a question is answered: the key holders
 *     are only read (GETKEYSINSLOT … 1) to build the lists shown, and an open
 *     slot or a slot with multiple owners is fixed after its own question
 *     (`Fix open slot N?`), which redis-cli fixes without asking. So without
 *     --cluster-yes and with stdin at end of input (cron, CI) nothing changes
 *     and the exit code is 1. Decided so because rcm's help promised it and
 *     a fix that moves keys unasked from a script is the riskier reading.
 *     `previewFix` computes the whole plan without modifying anything, for a
 *     UI that shows it before running `runFix`.
 *  5. Coverage and multiple-owner stages read the nodes' slot claims afresh
 *     (redis-cli reuses what it loaded, partly updated in memory, so after a
 *     case 2/3 move it can report a stale owner).
 *  6. A move whose MIGRATE gets `CLUSTERDOWN The cluster is down` (the source
 *     has not heard yet that the uncovered slots were covered) waits up to
 *     10 s for the source's cluster_state to turn ok and goes on, where
 *     redis-cli fails and needs a second run (spec §5.13).
 *  7. Key moves use the migration engine's key mover: batches sized
 *     adaptively unless --cluster-pipeline is given, transient MIGRATE errors
 *     retried, BUSYKEY without --cluster-replace decided by comparing DUMP
 *     payloads (redis-cli's DEBUG DIGEST-VALUE is disabled by default on
 *     Redis ≥ 7, so redis-cli always fails there).
 */
import { checkCluster, type CheckResult } from '../check/check';
import { summarizeCluster, type ClusterSummary } from '../check/summary';
import {
  analyzeOpenSlot,
  assignUncoveredWithoutKeys,
  findMultipleOwners,
  nodeWithMostKeys,
  partitionUncovered,
  type OpenSlotAnalysis,
  type SlotNodeState,
  type UncoveredPartition,
} from '../fix/analysis';
import type { KeyConflict } from '../fix/merge';
import { foreignKeys, readClaims, servedBy, type MasterClaims } from '../fix/claims';
import { fixOrphans, type OrphanFix } from '../fix/orphanStage';
import { repoint } from '../fix/repointStage';
import { closeReplicaOpenSlots } from '../fix/replicaStage';
import { FixIo, type FixAction, type FixStepOptions } from '../fix/steps';
import { openCluster, type ClusterSession, type LoadOptions } from '../io/loader';
import { createSlotPort } from '../io/slotPort';
import { pipelineInChunks } from '../io/bulk';
import { toEngineError } from '../model/errors';
import { SLOT_COUNT } from '../model/slots';
import type { ClusterNode, Topology } from '../model/types';
import type { AnalysisData, FixEvent, UncoveredGroup } from '../fix/events';
import { COVERAGE_QUESTION, multipleOwnersQuestion, openSlotQuestion } from '../fix/questions';
import { EventLog, loadEvent, type OpEntry, type OpHooks, type OpReport } from './opOutput';
import { openGuarded } from './runGuard';
import { dialectOfTopology } from '../model/dialect';

export type { FixAction } from '../fix/steps';
export type { KeyConflict } from '../fix/merge';
export type { FixEvent } from '../fix/events';

export interface FixOptions extends LoadOptions, OpHooks<FixEvent>, OpEntry, FixStepOptions {
  /** --cluster-fix-with-unreachable-masters: repair even though some masters could not be reached. */
  readonly fixWithUnreachableMasters?: boolean;
}

/** What each stage found and did. */
export interface FixStages {
  readonly openSlots: readonly { readonly slot: number; readonly analysis?: OpenSlotAnalysis; readonly ok: boolean }[];
  /** Slots uncovered when the coverage stage ran (after the open-slot fixes). */
  readonly uncovered: readonly number[];
  readonly coverage?: { readonly partition: UncoveredPartition; readonly fixed: number; readonly declined: readonly UncoveredGroup[] };
  /** Only with searchMultipleOwners. */
  readonly multipleOwners?: readonly { readonly slot: number; readonly owners: readonly string[]; readonly ok: boolean }[];
  /** Without searchMultipleOwners: keys masters held in slots they neither own nor import, moved or dropped into the owner. */
  readonly orphans?: readonly { readonly slot: number; readonly node: string; readonly owner: string; readonly ok: boolean }[];
}

export interface FixReport extends OpReport<FixEvent> {
  /** redis-cli's final check result: 0 when the last stage ended well. */
  readonly exitCode: 0 | 1;
  readonly topology: Topology;
  readonly summary: ClusterSummary;
  /** The check as loaded, before anything was fixed. */
  readonly check: CheckResult;
  readonly stages: FixStages;
  /** Every cluster-changing command sent, in order (including any a node refused). */
  readonly actions: readonly FixAction[];
  /** Keys left with different copies on the owner (kept: clients are served it) and on another node; exit 1. */
  readonly conflicts: readonly KeyConflict[];
  /** Set when fix stopped at the unreachable-masters guard (nothing changed by that stage). */
  readonly refused?: 'unreachable-masters';
}

function hasSlot(n: ClusterNode, slot: number): boolean {
  return n.slots.some((r) => r.start <= slot && slot <= r.end);
}
/** Masters answering GETKEYSINSLOT slot 1 with a key, per slot (list order). null after an error (printed). */
async function keyHolders(io: FixIo, slots: readonly number[]): Promise<Map<number, string[]> | null> {
  const masters = io.masters();
  const replies = await Promise.all(
    masters.map(async (m) => {
      return pipelineInChunks(
        io.client(m.id),
        slots.map((s) => ['CLUSTER', 'GETKEYSINSLOT', s, 1] as const),
      );
    }),
  );
  const holders = new Map<number, string[]>(slots.map((s) => [s, []]));
  for (let i = 0; i < masters.length; i++) {
    for (let j = 0; j < slots.length; j++) {
      const r = replies[i]![j]!;
      if (!r.ok) {
        io.emitReplyError(masters[i]!.id, r.error);
        return null;
      }
      if (Array.isArray(r.value) && r.value.length > 0) holders.get(slots[j]!)!.push(masters[i]!.id);
    }
  }
  return holders;
}

/** Claims as loaded (what redis-cli decides on); open-slot markers as read now (they may have been re-pointed). */
function slotStates(io: FixIo, slot: number, counts: readonly number[], claims: readonly MasterClaims[]): SlotNodeState[] {
  return io.masters().map((m, i) => {
    const now = claims.find((c) => c.node.id === m.id);
    return {
      id: m.id,
      claims: hasSlot(m, slot),
      migratingTo: now ? (now.migrating.get(slot) ?? null) : (m.migrating.find((o) => o.slot === slot)?.peerId ?? null),
      importingFrom: now ? (now.importing.get(slot) ?? null) : (m.importing.find((o) => o.slot === slot)?.peerId ?? null),
      keys: counts[i]!,
    };
  });
}
/**
 * The open slot's analysis. Without a single owner redis-cli elects the node
 * with most keys; when the master clients are served the slot from holds keys
 * of it, that master is elected instead (analyzeOpenSlot). Making another
 * node the owner would move the served copies under the other's (rolling back
 * acknowledged writes where both hold a key), and a master that learns of a
 * newer claim on a slot it holds keys of deletes those keys (Redis's "dirty
 * slots"): the failover trials lost a slot's keys that way on Valkey 9 and
 * Redis 8 (test/integration/fixFailover.test.ts).
 */
async function analyzeOpen(io: FixIo, slot: number, claims: readonly MasterClaims[]): Promise<OpenSlotAnalysis | null> {
  const masters = io.masters();
  const counts = await io.countKeys(
    masters.map((m) => m.id),
    slot,
  );
  if (counts.some((c) => c < 0)) return null;
  const states = slotStates(io, slot, counts, claims);
  const a = analyzeOpenSlot(slot, states);
  const served = servedBy(io, claims, slot);
  if (a.elected === undefined || served === undefined || served === a.elected) return a;
  if (counts[masters.findIndex((m) => m.id === served)]! === 0) return a;
  return analyzeOpenSlot(slot, states, served);
}

/** §3.4.1 for one slot: analysis, the question (difference 4), owner election, demotions, then the case. */
async function fixOpenSlot(
  io: FixIo,
  slot: number,
  claims: readonly MasterClaims[],
  confirm: (q: string) => Promise<boolean>,
): Promise<{ ok: boolean; analysis?: OpenSlotAnalysis }> {
  const masters = io.masters();
  const a = await analyzeOpen(io, slot, claims);
  if (a === null) return { ok: false };
  const addr = (id: string): string => io.addr(id);
  const data = analysisData(io, a);
  io.emit({ kind: 'fix-open-slot', ...data });
  const done = (ok: boolean): { ok: boolean; analysis: OpenSlotAnalysis } => ({ ok, analysis: a });

  if (a.action.kind === 'no-owner') {
    io.emit({ kind: 'fix-no-owner' });
    return done(false);
  }
  if (!(await confirm(openSlotQuestion(slot)))) {
    io.emit({ kind: 'fix-not-confirmed', slot });
    return done(false);
  }
  const owner = a.owner!;
  if (a.elected !== undefined) io.emit({ kind: 'fix-elect-owner', owner: addr(owner) });
  // Deliberate difference in order: the other owners are demoted (IMPORTING) before the elected one bumps its
  // epoch — an importing node ignores newer claims on the slot, where an owner would delete its keys of it.
  for (const id of a.demoted) {
    if (!(await io.delSlotTolerant(id, slot))) return done(false);
    if (!(await io.setSlot(id, slot, 'NODE', owner))) return done(false);
    if (!(await io.setSlot(id, slot, 'IMPORTING', owner))) return done(false);
  }
  if (a.elected !== undefined) {
    // Deliberate difference: an elected node that already is the slot's only claimer (a migrating source
    // whose keys were partly copied to the target) keeps its config epoch; redis-cli bumps it. The bump
    // would put the node above the masters it gave slots to moments ago, and a node whose view still maps
    // one of those to it (a replica not yet told) would then send its new owner an UPDATE: that owner
    // gives the slot back and deletes its keys (the fault suite lost acknowledged writes so, with two
    // sources moving into one target when rcm was killed). The ownership is what it was, so no claim needs
    // to outrank another.
    const claimers = a.owners.filter((id) => !a.nonOwnerKeys.includes(id));
    const soleClaimer = claimers.length === 1 && claimers[0] === owner;
    if (!(await io.setSlot(owner, slot, 'STABLE'))) return done(false);
    if (!(await io.setSlotOwner(owner, slot, false, !soleClaimer))) return done(false);
  }

  const act = a.action;
  if (act.kind !== 'unhandled') io.emit({ kind: 'fix-case', ...data });
  switch (act.kind) {
    case 'case1':
      return done(await io.moveSlot(act.source, act.target, slot, false));
    case 'case2': {
      for (const src of act.sources) {
        if (!(await io.moveSlot(src, act.owner, slot, true))) return done(false);
        io.emit({ kind: 'fix-setting-stable', slot, node: addr(src) });
        if (!(await io.setSlot(src, slot, 'STABLE'))) return done(false);
      }
      // The keys moved "cold": tell every other master who owns the slot.
      for (const m of masters) {
        if (m.id === act.owner) continue;
        if (!(await io.setSlot(m.id, slot, 'NODE', act.owner))) return done(false);
      }
      return done(true);
    }
    case 'case3-move': {
      if (!(await io.moveSlot(act.source, act.target, slot, false))) return done(false);
      for (const id of act.close) if (!(await io.setSlot(id, slot, 'STABLE'))) return done(false);
      return done(true);
    }
    case 'case3-close':
      for (const id of act.close) if (!(await io.setSlot(id, slot, 'STABLE'))) return done(false);
      return done(true);
    case 'case4':
      return done(await io.setSlot(act.node, slot, 'STABLE'));
    case 'unhandled':
      io.emit({ kind: 'fix-unhandled', ...data, dialect: io.dialect });
      return done(false);
  }
}

/** Where the coverage stage puts each uncovered slot, decided once for both the preview and the run. */
export interface CoveragePlan {
  readonly partition: UncoveredPartition;
  /** Per group, in fix's order: the slot, the master that will own it, and the other holders whose keys move there. */
  readonly targets: Readonly<Record<UncoveredGroup, readonly CoverTarget[]>>;
}
export interface CoverTarget {
  readonly slot: number;
  readonly target: string;
  readonly moveFrom: readonly string[];
}

/**
 * §3.4.2's decisions: slots without keys go to the master with the fewest slots, a slot with one holder to it,
 * a slot with several holders to the one with most keys. null after a read error (printed).
 */
async function planCoverage(io: FixIo, uncovered: readonly number[], claims: readonly MasterClaims[]): Promise<CoveragePlan | null> {
  const holders = await keyHolders(io, uncovered);
  if (!holders) return null;
  const partition = partitionUncovered(uncovered, (s) => holders.get(s) ?? [], io.dictRehash);
  const slotCount = new Map(claims.map((c) => [c.node.id, c.claims.reduce((a, b) => a + b, 0)]));
  const owners = assignUncoveredWithoutKeys(
    partition.none,
    io.masters().map((m) => ({ id: m.id, slotCount: slotCount.get(m.id) ?? 0 })),
  );
  const none: CoverTarget[] = [];
  for (const slot of partition.none) {
    const target = owners.get(slot);
    if (target === undefined) return null;
    none.push({ slot, target, moveFrom: [] });
  }
  const multi: CoverTarget[] = [];
  for (const { slot, holders: hs } of partition.multi) {
    const counts = await io.countKeys(hs, slot);
    if (counts.some((c) => c < 0)) return null;
    const target = nodeWithMostKeys(hs.map((id, i) => ({ id, keys: counts[i]! })))!;
    multi.push({ slot, target, moveFrom: hs.filter((h) => h !== target) });
  }
  return { partition, targets: { none, single: partition.single.map(({ slot, holder }) => ({ slot, target: holder, moveFrom: [] })), multi } };
}

/** §3.4.2: the number of slots fixed, or -1 after an error. */
async function fixCoverage(
  io: FixIo,
  uncovered: readonly number[],
  claims: readonly MasterClaims[],
  confirm: (q: string) => Promise<boolean>,
): Promise<{ fixed: number; partition?: UncoveredPartition; declined: UncoveredGroup[] }> {
  io.emit({ kind: 'fix-coverage-start' });
  const declined: UncoveredGroup[] = [];
  const plan = await planCoverage(io, uncovered, claims);
  if (!plan) return { fixed: -1, declined };
  const { partition } = plan;
  let fixed = 0;
  const fail = { fixed: -1, partition, declined };

  for (const group of ['none', 'single', 'multi'] as const) {
    const targets = plan.targets[group];
    if (targets.length === 0) continue;
    io.emit({ kind: 'fix-uncovered-group', group, slots: targets.map((t) => t.slot) });
    if (!(await confirm(COVERAGE_QUESTION[group]))) {
      declined.push(group);
      continue;
    }
    const cold = group === 'multi';
    for (const { slot, target, moveFrom } of targets) {
      io.emit({ kind: 'fix-covering-slot', slot, node: io.addr(target), moving: cold });
      if (!(await io.setSlotOwner(target, slot, cold))) return fail;
      for (const h of moveFrom) {
        // SETSLOT NODE + IMPORTING on the holder so that its MIGRATE runs locally.
        if (!(await io.setSlot(h, slot, 'NODE', target))) return fail;
        if (!(await io.setSlot(h, slot, 'IMPORTING', target))) return fail;
        if (!(await io.moveSlot(h, target, slot, true))) return fail;
        if (!(await io.setSlot(h, slot, 'STABLE'))) return fail;
      }
      fixed++;
    }
  }
  return { fixed, partition, declined };
}

/**
 * The owner fix keeps for a slot with several owners: the master clients are
 * served it from (majority view, else highest config epoch) — deliberate
 * difference: redis-cli takes the node with most keys, which can be the stale
 * side, and so rolls back acknowledged writes — else redis-cli's pick.
 */
async function multipleOwnersOwner(io: FixIo, slot: number, owners: readonly string[], claims: readonly MasterClaims[]): Promise<string> {
  const served = servedBy(io, claims, slot);
  if (served !== undefined && owners.includes(served)) return served;
  const counts = await io.countKeys(owners, slot);
  return (counts.some((c) => c < 0) ? null : nodeWithMostKeys(owners.map((id, i) => ({ id, keys: counts[i]! })))) ?? owners[0]!;
}

/** §3.4.3 for one slot, with the IMPORTING step redis-cli lacks (PR #8353); the other nodes' keys merge into the owner. */
async function fixMultipleOwners(io: FixIo, slot: number, owners: readonly string[], claims: readonly MasterClaims[]): Promise<boolean> {
  const owner = await multipleOwnersOwner(io, slot, owners, claims);
  io.emit({ kind: 'fix-multiple-owners-fixing', slot, owner: io.addr(owner) });
  // The holders are made IMPORTING before the owner bumps its epoch: a node claiming the slot would delete its
  // keys of it on hearing the newer claim (Redis's dirty slots), an importing one keeps them for the merge.
  const holders: string[] = [];
  for (const m of io.masters()) {
    if (m.id === owner) continue;
    const [count] = await io.countKeys([m.id], slot);
    if (count! < 0) return false;
    if (!(await io.delSlotTolerant(m.id, slot))) return false;
    if (!(await io.setSlot(m.id, slot, 'NODE', owner))) return false;
    // A holder whose keys Redis 8 hides (the slot not its own: COUNTKEYSINSLOT 0) is one of `owners` all the same.
    if (count! > 0 || owners.includes(m.id)) {
      // Deliberate difference (redis/redis PR #8353): without IMPORTING the
      // node redirects its own MIGRATE with MOVED and the fix fails.
      if (!(await io.setSlot(m.id, slot, 'IMPORTING', owner))) return false;
      holders.push(m.id);
    }
  }
  if (!(await io.setSlotOwner(owner, slot, false))) return false;
  for (const id of holders) {
    if (!(await io.moveSlot(id, owner, slot, true))) return false;
    if (!(await io.setSlot(id, slot, 'STABLE'))) return false;
  }
  return true;
}
function fixIoFor(session: ClusterSession, opts: FixOptions, log: EventLog<FixEvent>): FixIo {
  return new FixIo(session, createSlotPort(session, opts), log, opts);
}

/** The open slot's analysis with the address of every node it names (events carry addresses, not the topology). */
function analysisData(io: FixIo, a: OpenSlotAnalysis): AnalysisData {
  const named = Object.entries(a.action).flatMap(([k, v]: [string, string | readonly string[]]) => (k === 'kind' ? [] : v));
  const ids = [a.nonOwnerKeys, a.owners, a.keyHolders, a.migrating, a.importing, a.demoted, a.finalMigrating, a.finalImporting, named].flat();
  if (a.elected !== undefined) ids.push(a.elected);
  if (a.owner !== null) ids.push(a.owner);
  return { analysis: a, addrs: Object.fromEntries(ids.map((id) => [id, io.addr(id)])) };
}

/** Runs fix against the cluster reachable at opts.host:opts.port. Load errors throw (as for check). */
export async function runFix(opts: FixOptions): Promise<FixReport> {
  const { host, port } = opts;
  // Preflight and the cluster-wide lease (runGuard.ts): no other run may change the cluster while fix repairs it.
  const { session, lease } = await openGuarded(
    host,
    port,
    { ...opts, searchMultipleOwners: false },
    {
      op: 'fix',
      kind: 'fix',
      allowOpenSlots: true,
      requireReachableMasters: false,
      strategy: 'legacy',
      replace: opts.replace,
      // A server job a killed reshard left running decides where its slots go; the nodes agree once it ends.
      waitServerJobsMs: opts.timeoutMs ?? 60_000,
      ...(opts.clock ? { clock: opts.clock } : {}),
    },
  );
  const log = new EventLog<FixEvent>(opts.onEvent);
  const confirm = opts.confirm ?? (async () => true);
  const { topology } = session;
  const io = fixIoFor(session, opts, log);
  const summary = summarizeCluster(topology);
  const check = checkCluster(topology);
  const openSlots: { slot: number; analysis?: OpenSlotAnalysis; ok: boolean }[] = [];
  const uncovered: number[] = [];
  let coverage: FixStages['coverage'];
  let multipleOwners: { slot: number; owners: string[]; ok: boolean }[] | undefined;
  let orphans: OrphanFix[] | undefined;
  const report = (exitCode: 0 | 1, extra: Partial<FixReport> = {}): FixReport => ({
    topology,
    summary,
    check,
    stages: { openSlots, uncovered, ...(coverage ? { coverage } : {}), ...(multipleOwners ? { multipleOwners } : {}), ...(orphans ? { orphans } : {}) },
    actions: io.actions,
    conflicts: io.conflicts,
    events: log.events,
    exitCode,
    ...extra,
  });
  const guarded = (stage: 'open-slots' | 'coverage'): boolean => {
    if (topology.unreachableMasters === 0 || opts.fixWithUnreachableMasters) return false;
    log.emit({ kind: 'fix-unreachable-guard', stage, count: topology.unreachableMasters, dialect: dialectOfTopology(topology) });
    return true;
  };

  try {
    log.emit(loadEvent(topology), { kind: 'fix-check', topology, summary, check });
    let result = check.configConsistent;

    if (check.openSlots.length > 0) {
      result = false;
      // Who serves each slot is read once, before any change (the re-pointing changes no owner).
      if (guarded('open-slots')) return report(1, { refused: 'unreachable-masters' });
      let before = await readClaims(io);
      if (!(await repoint(io, before, confirm))) return report(1);
      before = await readClaims(io);
      // A slot open on replicas only (Valkey: a master back as a replica keeps its markers) is no master's case:
      // the replica stage closes it through the primary.
      const onMasters = new Set(io.masters().flatMap((m) => [...m.migrating, ...m.importing].map((o) => o.slot)));
      for (const slot of check.openSlots.filter((s) => onMasters.has(s))) {
        const r = await fixOpenSlot(io, slot, before, confirm);
        openSlots.push({ slot, ...r });
        result = r.ok;
        if (!r.ok) break;
      }
      if (result || onMasters.size === 0) result = await closeReplicaOpenSlots(io);
    }

    log.emit({ kind: 'fix-coverage-check' });
    let claims = await readClaims(io);
    for (let s = 0; s < SLOT_COUNT; s++) if (!claims.some((c) => c.claims[s])) uncovered.push(s);
    log.emit({ kind: 'fix-coverage-result', uncovered: uncovered.length });
    if (uncovered.length > 0) {
      result = false;
      if (guarded('coverage')) return report(1, { refused: 'unreachable-masters' });
      const c = await fixCoverage(io, uncovered, claims, confirm);
      coverage = { partition: c.partition ?? { none: [], single: [], multi: [] }, fixed: c.fixed, declined: c.declined };
      if (c.fixed > 0) result = true;
    }

    if (opts.searchMultipleOwners) {
      log.emit({ kind: 'fix-multiple-owners-check' });
      claims = await readClaims(io);
      const found = findMultipleOwners(
        claims.map((c) => ({ id: c.node.id, claims: c.claims })),
        await foreignKeys(io, claims),
      );
      multipleOwners = [];
      let unfixed = 0;
      for (const { slot, owners } of found) {
        result = false;
        log.emit({ kind: 'fix-multiple-owners', slot, owners: owners.map((id) => io.addr(id)) });
        unfixed++;
        if (!(await confirm(multipleOwnersQuestion(slot)))) {
          log.emit({ kind: 'fix-not-confirmed', slot });
          break;
        }
        const conflictsBefore = io.conflicts.length;
        const ok = await fixMultipleOwners(io, slot, owners, claims);
        multipleOwners.push({ slot, owners: owners.map((id) => io.addr(id)), ok });
        result = ok;
        if (!ok) {
          log.emit({ kind: 'fix-multiple-owners-failed', slot });
          break;
        }
        // Keys left with different copies on a non-owner: the slot still has several holders (no "[OK] No multiple owners").
        if (io.conflicts.length === conflictsBefore) unfixed--;
      }
      if (unfixed === 0) log.emit({ kind: 'fix-no-multiple-owners' });
    } else {
      const r = await fixOrphans(io, confirm);
      orphans = r.fixed;
      if (!r.ok) result = false;
    }
    if (io.conflicts.length > 0) {
      log.emit({ kind: 'fix-conflicts-left', count: io.conflicts.length });
      result = false;
    }
    return report(result ? 0 : 1);
  } catch (e) {
    const ee = toEngineError(e);
    log.emit({ kind: 'fix-failed', message: ee.message });
    return report(1, { error: ee.toJSON() });
  } finally {
    io.port.close?.();
    session.close();
    lease.release();
  }
}

/** What fix would do, computed without changing anything (for a UI to show before runFix). */
export interface FixPreview {
  readonly topology: Topology;
  readonly check: CheckResult;
  /** `host:port` of every loaded node, by id. */
  readonly nodes: Readonly<Record<string, string>>;
  /** fix would stop at the unreachable-masters guard (some masters are unreachable and the option is absent). */
  readonly blockedByUnreachableMasters: boolean;
  /** Open slots in the order fix handles them, with the case chosen for each. */
  readonly openSlots: readonly OpenSlotAnalysis[];
  /** Slots still uncovered once the open slots are fixed, grouped as the coverage fix asks about them. */
  readonly uncovered: UncoveredPartition;
  /** Where each group's slots would go: `none` by the fewest-slots rule, `multi` to the holder with most keys. */
  readonly coverTargets: readonly CoverTarget[];
  /** Only with searchMultipleOwners: slots with several owners and the owner fix would keep. */
  readonly multipleOwners?: readonly { readonly slot: number; readonly owners: readonly string[]; readonly owner: string }[];
}

export async function previewFix(opts: FixOptions): Promise<FixPreview> {
  const session = await openCluster(opts.host, opts.port, { ...opts, searchMultipleOwners: false });
  const io = fixIoFor(session, opts, new EventLog<FixEvent>());
  try {
    const { topology } = session;
    const check = checkCluster(topology);
    const openSlots: OpenSlotAnalysis[] = [];
    const claims = await readClaims(io);
    for (const slot of check.openSlots) {
      const a = await analyzeOpen(io, slot, claims);
      if (a) openSlots.push(a);
    }
    const coveredByOpenFix = new Set(openSlots.filter((a) => a.action.kind !== 'unhandled' && a.action.kind !== 'no-owner').map((a) => a.slot));
    const uncovered: number[] = [];
    for (let s = 0; s < SLOT_COUNT; s++) if (!claims.some((c) => c.claims[s]) && !coveredByOpenFix.has(s)) uncovered.push(s);
    const plan = await planCoverage(io, uncovered, claims);
    const partition = plan?.partition ?? partitionUncovered(uncovered, () => [], io.dictRehash);
    const coverTargets = plan ? [...plan.targets.none, ...plan.targets.single, ...plan.targets.multi] : [];
    let multipleOwners: { slot: number; owners: string[]; owner: string }[] | undefined;
    if (opts.searchMultipleOwners) {
      const found = findMultipleOwners(
        claims.map((c) => ({ id: c.node.id, claims: c.claims })),
        await foreignKeys(io, claims),
      );
      multipleOwners = [];
      for (const { slot, owners } of found) multipleOwners.push({ slot, owners, owner: await multipleOwnersOwner(io, slot, owners, claims) });
    }
    return {
      topology,
      check,
      nodes: Object.fromEntries(topology.nodes.map((n) => [n.id, `${n.host}:${n.port}`])),
      blockedByUnreachableMasters: topology.unreachableMasters > 0 && !opts.fixWithUnreachableMasters && (check.openSlots.length > 0 || uncovered.length > 0),
      openSlots,
      uncovered: partition,
      coverTargets,
      ...(multipleOwners ? { multipleOwners } : {}),
    };
  } finally {
    io.port.close?.();
    session.close();
  }
}
