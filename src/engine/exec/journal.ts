/**
 * The migration journal: an append-only record of the plan and of every
 * window of slots opened and completed, so an interrupted run can be resumed
 * exactly. Records are plain JSON; io/journalFile.ts stores them one per line.
 */
import type { MovePlan } from '../model/plan';

export type JournalRecord =
  | { readonly t: 'plan'; readonly plan: MovePlan; readonly at: number }
  | { readonly t: 'window'; readonly sourceId: string; readonly targetId: string; readonly slots: readonly number[]; readonly at: number }
  | { readonly t: 'done'; readonly slots: readonly number[]; readonly keys: number; readonly at: number }
  | { readonly t: 'end'; readonly status: 'done' | 'cancelled' | 'failed'; readonly at: number; readonly error?: string };

export interface JournalSink {
  /** Must be durable when the promise resolves. */
  append(record: JournalRecord): Promise<void>;
}

/** What a journal says about a run: the plan, the slots completed, the slots possibly left open. */
export interface JournalState {
  readonly plan: MovePlan;
  readonly done: ReadonlySet<number>;
  /** Slots of windows opened but not recorded as done. */
  readonly inFlight: readonly number[];
  readonly ended?: 'done' | 'cancelled' | 'failed';
}

/** Folds journal records into the run's state. Pure. */
export function readJournalState(records: readonly JournalRecord[]): JournalState {
  const planRec = records.find((r): r is Extract<JournalRecord, { t: 'plan' }> => r.t === 'plan');
  if (!planRec) throw new Error('The journal has no plan record');
  const done = new Set<number>();
  const opened = new Set<number>();
  let ended: JournalState['ended'];
  for (const r of records) {
    if (r.t === 'window') for (const s of r.slots) opened.add(s);
    if (r.t === 'done') for (const s of r.slots) done.add(s);
    if (r.t === 'end') ended = r.status;
  }
  return { plan: planRec.plan, done, inFlight: [...opened].filter((s) => !done.has(s)), ended };
}
