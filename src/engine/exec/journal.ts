/**
 * The migration journal: an append-only record of the plan and of every
 * window of slots opened and completed, so an interrupted run can be resumed
 * exactly. Records are plain JSON; io/journalFile.ts stores them one per line.
 */
import { EngineError } from '../model/errors';
import { planShapeProblem, type MovePlan } from '../model/plan';

export type JournalRecord =
  /** `shards`: each master's replicas at the start, so a resume after a failover finds who stands for a dead master. */
  | { readonly t: 'plan'; readonly plan: MovePlan; readonly at: number; readonly shards?: Readonly<Record<string, readonly string[]>> }
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
  readonly shards?: Readonly<Record<string, readonly string[]>>;
}

const SLOT_LIST = (v: unknown): boolean => Array.isArray(v) && v.every((s) => Number.isInteger(s) && s >= 0 && s < 16384);
const STAMP = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** What is wrong with `value` as a journal record (the first problem), or null. Pure. */
export function journalRecordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the record is not a JSON object';
  const r = value as Record<string, unknown>;
  if (!STAMP(r.at)) return '"at" is missing or not a time';
  switch (r.t) {
    case 'plan': {
      const p = planShapeProblem(r.plan);
      return p && `the plan: ${p}`;
    }
    case 'window':
      if (typeof r.sourceId !== 'string' || typeof r.targetId !== 'string') return 'a window record without "sourceId"/"targetId"';
      return SLOT_LIST(r.slots) ? null : '"slots" is not a list of hash slots';
    case 'done':
      if (!SLOT_LIST(r.slots)) return '"slots" is not a list of hash slots';
      return Number.isSafeInteger(r.keys) && (r.keys as number) >= 0 ? null : '"keys" is not a key count';
    case 'end':
      return r.status === 'done' || r.status === 'cancelled' || r.status === 'failed' ? null : `"status" is ${JSON.stringify(r.status)}`;
    default:
      return `unknown record type ${JSON.stringify(r.t)}`;
  }
}

/** Folds journal records into the run's state. Pure. */
export function readJournalState(records: readonly JournalRecord[]): JournalState {
  const planRec = records.find((r): r is Extract<JournalRecord, { t: 'plan' }> => r.t === 'plan');
  if (!planRec)
    throw new EngineError({ code: 'file-error', message: 'The journal has no plan record (it is not a journal written by rcm, or it is damaged).' });
  const done = new Set<number>();
  const opened = new Set<number>();
  let ended: JournalState['ended'];
  for (const r of records) {
    if (r.t === 'window') for (const s of r.slots) opened.add(s);
    if (r.t === 'done') for (const s of r.slots) done.add(s);
    if (r.t === 'end') ended = r.status;
  }
  return { plan: planRec.plan, done, inFlight: [...opened].filter((s) => !done.has(s)), ended, ...(planRec.shards ? { shards: planRec.shards } : {}) };
}
