/**
 * The lines `fix` prints (its events, fix/events.ts), in redis-cli 7.0's words and logger levels (spec
 * §3.4, §4.6–4.9, §4.17). The check stages come from checkText.ts; fix
 * interleaves its lines after each stage, so the check is split here. Pure.
 */
import type { CheckResult } from '../check/check';
import type { OpenSlotAnalysis } from '../fix/analysis';
import type { AnalysisData, FixEvent, UncoveredGroup } from '../fix/events';
import type { KeyConflict } from '../fix/merge';
import { formatSlotRanges, rangesFromSlots } from '../model/slots';
import type { Topology } from '../model/types';
import { renderCheck, renderOrphans, renderSummary } from './checkText';
import { err, out, type OutputChunk } from './output';
import { isSharedEvent, renderSharedEvent } from './opText';
import { wordsOf, type CliDialect } from '../model/dialect';
import { movingSlotText } from './planText';

const COVERAGE_HEADER = '>>> Check slots coverage...\n';

/** The check up to (not including) the coverage stage: header, node listing, agreement, open slots. */
export function renderCheckUntilCoverage(topology: Topology, check: CheckResult): OutputChunk[] {
  const all = renderCheck(topology, { ...check, multipleOwners: undefined });
  const i = all.findIndex((c) => c.text === COVERAGE_HEADER);
  return i < 0 ? all : all.slice(0, i);
}

export function renderCoverageHeader(): OutputChunk {
  return out(COVERAGE_HEADER, 'info');
}

export function renderCoverageResult(uncovered: number): OutputChunk {
  return uncovered === 0 ? out('[OK] All 16384 slots covered.\n', 'ok') : out('[ERR] Not all 16384 slots are covered by nodes.\n\n', 'error');
}

/** The unreachable-masters guard (the text names redis-cli, or valkey-cli on Valkey, as the originals do). */
export function renderUnreachableGuard(stage: 'open-slots' | 'coverage', count: number, dialect?: CliDialect): OutputChunk {
  const what = stage === 'open-slots' ? 'open slots' : 'slots coverage';
  const w = wordsOf(dialect);
  return out(
    `*** Fixing ${what} with ${count} unreachable ${w.masters} is dangerous: ${w.cli} will assume that slots about ${w.masters} that are not reachable are not covered, and will try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want to do. If you really want to proceed use the --cluster-fix-with-unreachable-${w.masters} option.\n`,
    'warn',
  );
}

/**
 * The lines of fix open slot up to the case decision: the key warnings and
 * "Set as migrating/importing in" (plain stdout). `addr` maps ids to ip:port.
 */
export function renderOpenSlotAnalysis(a: OpenSlotAnalysis, addr: (id: string) => string): OutputChunk[] {
  const chunks: OutputChunk[] = [out(`>>> Fixing open slot ${a.slot}\n`, 'info')];
  for (const id of a.nonOwnerKeys) chunks.push(out(`*** Found keys about slot ${a.slot} in non-owner node ${addr(id)}!\n`, 'warn'));
  for (const id of a.keyHolders) chunks.push(out(`*** Found keys about slot ${a.slot} in node ${addr(id)}!\n`, 'warn'));
  if (a.migrating.length > 0) chunks.push(out(`Set as migrating in: ${a.migrating.map(addr).join(',')}\n`));
  if (a.importing.length > 0) chunks.push(out(`Set as importing in: ${a.importing.map(addr).join(',')}\n`));
  return chunks;
}

export function renderNoClearOwner(): OutputChunk {
  return out('>>> No single clear owner for the slot, selecting an owner by # of keys...\n', 'info');
}

export function renderCannotSelectOwner(): OutputChunk {
  return out("[ERR] Can't select a slot owner. Impossible to fix.\n", 'error');
}

export function renderConfiguringOwner(ownerAddr: string): OutputChunk {
  return out(`*** Configuring ${ownerAddr} as the slot owner\n`, 'warn');
}

/** The ">>> Case …" line (null for the unhandled case, see renderUnhandled). */
export function renderCaseLine(a: OpenSlotAnalysis, addr: (id: string) => string): OutputChunk | null {
  const s = a.slot;
  const act = a.action;
  switch (act.kind) {
    case 'case1':
      return out(`>>> Case 1: Moving slot ${s} from ${addr(act.source)} to ${addr(act.target)}\n`, 'info');
    case 'case2':
      // redis-cli prints the slot number where a key count was meant (spec §5.6); kept for identical output.
      return out(`>>> Case 2: Moving all the ${s} slot keys to its owner ${addr(act.owner)}\n`, 'info');
    case 'case3-move':
      return out(`>>> Case 3: Moving slot ${s} from ${addr(act.source)} to ${addr(act.target)} and closing it on all the other importing nodes.\n`, 'info');
    case 'case3-close':
      return out(`>>> Case 3: Closing slot ${s} on both migrating and importing nodes.\n`, 'info');
    case 'case4':
      return out(`>>> Case 4: Closing slot ${s} on ${addr(act.node)}\n`, 'info');
    case 'no-owner':
    case 'unhandled':
      return null;
  }
}

export function renderUnhandled(a: OpenSlotAnalysis, addr: (id: string) => string, dialect?: CliDialect): OutputChunk {
  const owner = a.owner !== null ? addr(a.owner) : '?';
  return out(
    `[ERR] Sorry, ${wordsOf(dialect).cli} can't fix this slot yet (work in progress). Slot is set as migrating in ${a.migrating.map(addr).join(',')}, as importing in ${a.importing.map(addr).join(',')}, owner is ${owner}\n`,
    'error',
  );
}

export function renderSettingStable(slot: number, nodeAddr: string): OutputChunk {
  return out(`>>> Setting ${slot} as STABLE in ${nodeAddr}\n`, 'info');
}

export function renderMovingSlot(slot: number, from: string, to: string, dialect?: CliDialect): OutputChunk {
  return out(movingSlotText(slot, from, to, dialect));
}

export function renderFixingCoverage(): OutputChunk {
  return out('>>> Fixing slots coverage...\n', 'info');
}

const GROUP_TITLE: Record<UncoveredGroup, string> = {
  none: 'The following uncovered slots have no keys across the cluster:\n',
  single: 'The following uncovered slots have keys in just one node:\n',
  multi: 'The following uncovered slots have keys in multiple nodes:\n',
};

/** After a declined question: what stays as it is. */
export function renderNotConfirmed(slot: number): OutputChunk {
  return out(`*** Slot ${slot} left as it is (not confirmed).\n`, 'warn');
}

/** The group title and its slots as ranges (`[500-502]`); the question follows (confirm hook). */
export function renderUncoveredGroup(group: UncoveredGroup, slots: readonly number[]): OutputChunk[] {
  return [out(GROUP_TITLE[group]), out(`${formatSlotRanges(rangesFromSlots(slots))}\n`)];
}

export function renderCoveringSlot(slot: number, nodeAddr: string, moving: boolean): OutputChunk {
  return out(moving ? `>>> Covering slot ${slot} moving keys to ${nodeAddr}\n` : `>>> Covering slot ${slot} with ${nodeAddr}\n`, 'info');
}

export function renderMultipleOwnersHeader(): OutputChunk {
  return out('>>> Check for multiple slot owners...\n', 'info');
}

export function renderMultipleOwners(slot: number, owners: readonly string[]): OutputChunk[] {
  return [out(`[WARNING] Slot ${slot} has ${owners.length} owners:\n`, 'error'), ...owners.map((o) => out(`    ${o}\n`, 'error'))];
}

export function renderFixingMultipleOwners(slot: number, ownerAddr: string): OutputChunk[] {
  return [out(`>>> Fixing multiple owners for slot ${slot}...\n`, 'info'), out(`>>> Setting slot ${slot} owner: ${ownerAddr}\n`, 'info')];
}

export function renderMultipleOwnersFailed(slot: number): OutputChunk {
  return out(`Failed to fix multiple owners for slot ${slot}\n`, 'error');
}

export function renderNoMultipleOwners(): OutputChunk {
  return out('[OK] No multiple owners found.\n', 'ok');
}

/** BUSYKEY during a move (spec §2.8): what redis-cli prints before replacing or refusing. */
export function renderBusyKeys(action: 'replaced' | 'identical-replaced' | 'refused'): OutputChunk[] {
  const chunks = [out('\n*** Target key exists\n', 'warn')];
  if (action !== 'replaced') chunks.push(out('*** Checking key values on both nodes...\n', 'warn'));
  if (action !== 'refused') chunks.push(out('*** Replacing target keys...\n', 'warn'));
  return chunks;
}

export function renderDifferingKeys(keys: readonly string[], source: string, target: string): OutputChunk[] {
  return [
    out(
      `*** Found ${keys.length} key(s) in both source node and target node having different values.\n    Source node: ${source}\n    Target node: ${target}\n    Keys(s):\n`,
      'error',
    ),
    ...keys.map((k) => out(`    - ${k}\n`, 'error')),
    out('Please fix the above key(s) manually and try again or relaunch the command \nwith --cluster-replace option to force key overriding.\n', 'error'),
  ];
}

export function renderSlotNotServed(targetAddr: string): OutputChunk {
  return out(`*** Slot was not served, setting owner to node ${targetAddr}.\n`, 'warn');
}

function describeCopy(c: KeyConflict['servedCopy']): string {
  const ttl = c.ttlMs < 0 ? 'no TTL' : `TTL ${c.ttlMs} ms`;
  return `${c.type}, ${c.bytes === null ? '? bytes' : `${c.bytes} bytes`}, ${ttl}`;
}

/**
 * Keys of a cold move the owner holds with another value: listed with both
 * copies, kept. In redis-cli's words where it has the same case (BUSYKEY in a
 * fix move), without its advice to relaunch with --cluster-replace: that would
 * overwrite the owner's copy, the one clients were served.
 */
export function renderKeptCopies(conflicts: readonly KeyConflict[]): OutputChunk[] {
  const first = conflicts[0]!;
  return [
    out(
      `*** Found ${conflicts.length} key(s) in both source node and target node having different values.\n    Source node: ${first.other}\n    Target node: ${first.served}\n    Keys(s):\n`,
      'error',
    ),
    ...conflicts.map((c) => out(`    - ${c.key} (target: ${describeCopy(c.servedCopy)}; source: ${describeCopy(c.otherCopy)})\n`, 'error')),
    out(
      `*** Kept both copies: the target owns the slot, so its copies are the ones clients were served and rcm never overwrites them (not even with --cluster-replace). Compare the source's copies with them and delete the stale ones by hand.\n`,
      'error',
    ),
  ];
}

/** The orphan stage's header (rcm's own stage: printed only when a master holds keys of a slot it does not own). */
export function renderFixingOrphans(): OutputChunk {
  return out('>>> Fixing orphan keys (keys a master holds in slots it neither owns nor imports)...\n', 'info');
}

export function renderOrphansNotConfirmed(): OutputChunk {
  return out('*** Orphan keys left as they are (not confirmed).\n', 'warn');
}

/** The last line when keys were left with two different copies (exit 1). */
export function renderConflictsLeft(count: number): OutputChunk {
  return out(
    `[ERR] ${count} key(s) left with different copies on two nodes (listed above): the owner's copies were kept; resolve the others by hand.\n`,
    'error',
  );
}

/** Before the open-slot fixes: a marker naming a node that failed over is re-pointed (rcm only; see fix/repoint.ts). */
export function renderRepoint(slot: number, node: string, kind: 'importing' | 'migrating', from: string, to: string): OutputChunk {
  const verb = kind === 'importing' ? 'imports slot %s from' : 'migrates slot %s to';
  return out(
    `*** ${node} ${verb.replace('%s', String(slot))} ${from}, which is no longer a master: re-pointing it to ${to}, the current master of that shard\n`,
    'warn',
  );
}

/** rcm's line before closing open slots left on a replica through its primary (fix/replicaStage.ts). */
export function renderReplicaOpenSlots(slots: readonly number[], replica: string, primary: string): OutputChunk {
  return out(`>>> Closing slot(s) ${slots.join(',')} left open on replica ${replica} (CLUSTER SETSLOT STABLE on its primary ${primary})\n`, 'info');
}

const addrIn =
  (e: AnalysisData) =>
  (id: string): string =>
    e.addrs[id] ?? id;

/** One event of fix (ops/fix.ts, fix/*Stage.ts, fix/steps.ts) as the chunks redis-cli prints for it. */
export function renderFixEvent(e: FixEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'fix-check':
      return [...renderSummary(e.summary), ...renderCheckUntilCoverage(e.topology, e.check)];
    case 'fix-unreachable-guard':
      return [renderUnreachableGuard(e.stage, e.count, e.dialect)];
    case 'fix-repoint':
      return [renderRepoint(e.slot, e.node, e.marker, e.from, e.to)];
    case 'fix-open-slot':
      return renderOpenSlotAnalysis(e.analysis, addrIn(e));
    case 'fix-no-owner':
      return [renderNoClearOwner(), renderCannotSelectOwner()];
    case 'fix-not-confirmed':
      return [renderNotConfirmed(e.slot)];
    case 'fix-elect-owner':
      return [renderNoClearOwner(), renderConfiguringOwner(e.owner)];
    case 'fix-case': {
      const line = renderCaseLine(e.analysis, addrIn(e));
      return line ? [line] : [];
    }
    case 'fix-unhandled':
      return [renderUnhandled(e.analysis, addrIn(e), e.dialect)];
    case 'fix-setting-stable':
      return [renderSettingStable(e.slot, e.node)];
    case 'fix-replica-open-slots':
      return [renderReplicaOpenSlots(e.slots, e.replica, e.primary)];
    case 'fix-coverage-check':
      return [renderCoverageHeader()];
    case 'fix-coverage-result':
      return [renderCoverageResult(e.uncovered)];
    case 'fix-coverage-start':
      return [renderFixingCoverage()];
    case 'fix-uncovered-group':
      return renderUncoveredGroup(e.group, e.slots);
    case 'fix-covering-slot':
      return [renderCoveringSlot(e.slot, e.node, e.moving)];
    case 'fix-multiple-owners-check':
      return [renderMultipleOwnersHeader()];
    case 'fix-multiple-owners':
      return renderMultipleOwners(e.slot, e.owners);
    case 'fix-multiple-owners-fixing':
      return renderFixingMultipleOwners(e.slot, e.owner);
    case 'fix-multiple-owners-failed':
      return [renderMultipleOwnersFailed(e.slot)];
    case 'fix-no-multiple-owners':
      return [renderNoMultipleOwners()];
    case 'fix-orphans':
      return [renderFixingOrphans(), ...renderOrphans(e.findings)];
    case 'fix-orphans-not-confirmed':
      return [renderOrphansNotConfirmed()];
    case 'fix-moving-slot':
      return [renderMovingSlot(e.slot, e.from, e.to, e.dialect)];
    case 'fix-dots':
      return [out('.'.repeat(e.count))];
    case 'fix-move-end':
      return [out('\n')];
    case 'fix-busy-keys':
      return renderBusyKeys(e.action);
    case 'fix-differing-keys':
      return renderDifferingKeys(e.keys, e.source, e.target);
    case 'fix-kept-copies':
      return renderKeptCopies(e.conflicts);
    case 'fix-cluster-down-wait':
      return [
        err(`rcm: ${e.node} still sees the cluster down (it has not heard yet that the slots were covered); waiting for its cluster state to turn ok.\n`),
      ];
    case 'fix-owner-unknown':
      return [
        err(
          `rcm: ${e.node} has not learned that ${e.owner} serves slot ${e.slot}; its keys of the slot stay there (run "rcm fix" again once the nodes agree).\n`,
        ),
      ];
    case 'fix-slot-not-served':
      return [renderSlotNotServed(e.target)];
    case 'fix-conflicts-left':
      return [renderConflictsLeft(e.count)];
    case 'fix-failed':
      return [err(`${e.message}\n`)];
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
