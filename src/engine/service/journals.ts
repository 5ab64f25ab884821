/**
 * What the journals in a set of folders say: which runs are going on (locked
 * by a live process), which were interrupted on a cluster and can be resumed.
 * The migration service answers from these; the CLI and the extension never
 * read journal folders themselves.
 */
import { statSync } from 'node:fs';
import { readJournalState, type JournalState } from '../exec/journal';
import { journalInUse, listJournals, processAlive, readJournalFile } from '../io/journalFile';
import type { Topology } from '../model/types';

export interface JournalStatus {
  readonly ended?: 'done' | 'cancelled' | 'failed';
  /** Moves the journal does not record as done. */
  readonly remaining: number;
  readonly total: number;
}

export interface PendingJournal {
  readonly path: string;
  readonly state: JournalState;
  readonly modified: number;
  /** Moves still to do: their slot is not yet owned by the target. */
  readonly remaining: number;
}

/** What a journal says: undefined when it cannot be read. */
export function journalStatus(path: string): JournalStatus | undefined {
  try {
    const state = readJournalState(readJournalFile(path));
    const remaining = state.plan.moves.filter((m) => !state.done.has(m.slot)).length;
    return { ...(state.ended ? { ended: state.ended } : {}), remaining, total: state.plan.moves.length };
  } catch {
    return undefined;
  }
}

/** A journal can be resumed when its run did not finish, moves remain, and no live process runs it. */
export function canResumeJournal(path: string | undefined, alive: (pid: number) => boolean = processAlive): boolean {
  if (!path || journalInUse(path, alive)) return false;
  const st = journalStatus(path);
  return st !== undefined && st.ended !== 'done' && st.remaining > 0;
}

/** The moves of a journal that the topology shows as not done yet. Pure. */
export function remainingMoves(state: JournalState, topology: Topology): number {
  const owner = new Map<number, string>();
  for (const n of topology.nodes) for (const r of n.slots) for (let s = r.start; s <= r.end; s++) owner.set(s, n.id);
  return state.plan.moves.filter((m) => !state.done.has(m.slot) && owner.get(m.slot) !== m.targetId).length;
}

/** Whether a journal's plan was made on this cluster: every node it names is in the topology. Pure. */
export function journalMatches(state: JournalState, topology: Topology): boolean {
  const ids = new Set([...topology.nodes.map((n) => n.id), ...topology.skipped.map((n) => n.id)]);
  return state.plan.nodes.length > 0 && state.plan.nodes.every((n) => ids.has(n.id));
}

/**
 * Journals in `dirs` whose run is going on right now (locked by a live
 * process: this one or another) and that move slots of any of `nodeIds`.
 */
export function runsInProgress(dirs: readonly string[], nodeIds: readonly string[], alive: (pid: number) => boolean = processAlive): string[] {
  const ids = new Set(nodeIds);
  return dirs.flatMap(listJournals).filter((path) => {
    if (!journalInUse(path, alive)) return false;
    try {
      const { plan } = readJournalState(readJournalFile(path));
      return plan.nodes.some((n) => ids.has(n.id)) || plan.moves.some((m) => ids.has(m.sourceId) || ids.has(m.targetId));
    } catch {
      return true; // locked but unreadable yet: be safe
    }
  });
}

/** Interrupted runs on this cluster in `dirs`, newest first; `skip` and unreadable files are left out. */
export function pendingJournals(
  dirs: readonly string[],
  topology: Topology,
  skip: ReadonlySet<string> = new Set(),
  alive: (pid: number) => boolean = processAlive,
): PendingJournal[] {
  const found: PendingJournal[] = [];
  for (const file of dirs.flatMap(listJournals)) {
    if (skip.has(file) || journalInUse(file, alive)) continue;
    try {
      const state = readJournalState(readJournalFile(file));
      if (state.ended === 'done' || !journalMatches(state, topology)) continue;
      const remaining = remainingMoves(state, topology);
      if (remaining === 0) continue;
      found.push({ path: file, state, modified: statSync(file).mtimeMs, remaining });
    } catch {
      /* not a journal we can read */
    }
  }
  return found.sort((a, b) => b.modified - a.modified);
}
