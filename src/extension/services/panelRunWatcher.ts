/**
 * The status-bar item for runs inside the migration panel: while a panel is
 * open, the journal it locked with this process's pid tells how far its run got.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { journalLockPid, readJournalFile, readJournalState } from '../../engine';
import type { MigrationStatus, MigrationStatusHandle } from './migrationStatus';

export class PanelRunWatcher {
  constructor(private readonly journalDir: string, private readonly status: MigrationStatus) {}

  /** Journals locked by this process (the panel writes `<journal>.lock` with the pid while it runs). */
  private lockedJournals(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.journalDir);
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith('.jsonl')).map((n) => path.join(this.journalDir, n))
      .filter((journal) => journalLockPid(journal) === process.pid);
  }

  /** Shows progress in the status bar while `pending` (a panel's show()) has not settled. */
  watch(label: string, pending: Promise<unknown>): void {
    let handle: MigrationStatusHandle | undefined;
    const started = Date.now();
    const known = new Set(this.lockedJournals());
    const tick = (): void => {
      const journal = this.lockedJournals().find((j) => !known.has(j));
      if (!journal) {
        handle?.end();
        handle = undefined;
        return;
      }
      try {
        const records = readJournalFile(journal);
        const state = readJournalState(records);
        const keys = records.reduce((a, r) => a + (r.t === 'done' ? r.keys : 0), 0);
        handle ??= this.status.begin(label);
        handle.update({
          slotsDone: state.done.size, totalSlots: state.plan.moves.length, keysMoved: keys, keysTotal: 0,
          elapsedMs: Date.now() - started, keysPerSec: 0, etaSec: null,
        });
      } catch {
        /* the journal is being written */
      }
    };
    const timer = setInterval(tick, 1000);
    const stop = (): void => { clearInterval(timer); handle?.end(); };
    pending.then(stop, stop);
  }
}
