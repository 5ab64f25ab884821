/**
 * Migration journals: where runs keep them, and which ones were interrupted
 * on a given cluster (offered for resume when the cluster is opened).
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { journalDir, journalInUse, legacyJournalDir, newJournalPath, readJournalFile, readJournalState, type JournalState, type Topology } from '../../engine';
import { DISMISSED_JOURNALS_KEY } from '../constants';

/** The slice of vscode.Memento used here (so this module runs without vscode, in unit tests too). */
export interface MementoLike {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface PendingJournal {
  readonly path: string;
  readonly state: JournalState;
  readonly modified: number;
  /** Moves still to do: their slot is not yet owned by the target. */
  readonly remaining: number;
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

// Journal locks live in the engine (rcm, the runner and the panel share them).
export { journalInUse, lockJournal, unlockJournal } from '../../engine';

export class Journals {
  /** Journals of runs in progress in this window (never offered for resume). */
  readonly active = new Set<string>();

  constructor(private readonly storageDir: string, private readonly memento: MementoLike) {}

  /** A new journal path for a run started by the extension. */
  newPath(kind: string): string {
    return newJournalPath(journalDir(this.storageDir), kind);
  }

  /** The extension's journals and the CLI's (its state directory, and the old default $TMPDIR/rcm-journals). */
  dirs(): string[] {
    return [journalDir(this.storageDir), journalDir(), legacyJournalDir()];
  }

  dismissed(): Set<string> {
    return new Set(this.memento.get<string[]>(DISMISSED_JOURNALS_KEY, []));
  }

  async dismiss(file: string): Promise<void> {
    await this.memento.update(DISMISSED_JOURNALS_KEY, [...this.dismissed(), file].slice(-200));
  }

  /** Interrupted runs on this cluster, newest first. Unreadable files are skipped. */
  pending(topology: Topology, includeDismissed = false): PendingJournal[] {
    const skip = includeDismissed ? new Set<string>() : this.dismissed();
    const found: PendingJournal[] = [];
    for (const dir of this.dirs()) {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(dir, name);
        if (skip.has(file) || this.active.has(file) || journalInUse(file)) continue;
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
    }
    return found.sort((a, b) => b.modified - a.modified);
  }
}
