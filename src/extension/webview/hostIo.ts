/**
 * The panel host's I/O that does not need VS Code: counting keys per slot
 * (CLUSTER COUNTKEYSINSLOT, all masters concurrently, pipelined in chunks),
 * the panel's own journal folder and what a journal says about its run.
 */
import { readdirSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import {
  connectNode, journalDir as engineJournalDir, journalInUse, lockJournal, newJournalPath as engineNewJournalPath, readJournalFile, readJournalState, unlockJournal,
  type ConnectionOptions, type SlotRange,
} from '../../engine';

/** Slots per pipelined round trip. */
const CHUNK = 1024;

export interface KeyCountTarget {
  readonly host: string;
  readonly port: number;
  readonly slots: readonly SlotRange[];
}

export interface KeyCountFailure {
  readonly addr: string;
  readonly message: string;
}

/**
 * Counts keys in every slot each master owns; results arrive per chunk as
 * `[slot, keys]` pairs. A master that cannot be reached is reported, the others
 * still count. Stops between chunks when `signal` aborts.
 */
export async function countKeysPerSlot(
  targets: readonly KeyCountTarget[],
  conn: ConnectionOptions,
  onChunk: (entries: [number, number][]) => void,
  signal?: AbortSignal,
): Promise<KeyCountFailure[]> {
  const failures: KeyCountFailure[] = [];
  await Promise.all(targets.map(async (t) => {
    const slots: number[] = [];
    for (const r of t.slots) for (let s = r.start; s <= r.end; s++) slots.push(s);
    if (slots.length === 0) return;
    let client: Awaited<ReturnType<typeof connectNode>> | undefined;
    try {
      client = await connectNode(t.host, t.port, conn);
      for (let i = 0; i < slots.length; i += CHUNK) {
        if (signal?.aborted) return;
        const chunk = slots.slice(i, i + CHUNK);
        const replies = await client.pipeline(chunk.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', s] as const));
        const entries: [number, number][] = [];
        replies.forEach((r, j) => {
          if (r.ok && Number.isFinite(Number(r.value))) entries.push([chunk[j]!, Number(r.value)]);
        });
        onChunk(entries);
      }
    } catch (e) {
      failures.push({ addr: `${t.host}:${t.port}`, message: e instanceof Error ? e.message : String(e) });
    } finally {
      client?.close();
    }
  }));
  return failures;
}

/** The folder where the panel keeps its run journals (created on demand). */
export function journalDir(storageDir: string): string {
  return engineJournalDir(storageDir);
}

export function newJournalPath(storageDir: string, kind: string, at: Date): string {
  return engineNewJournalPath(journalDir(storageDir), kind, at);
}

/** Only journals the panel wrote itself may be resumed from the panel (the path comes back from webview state). */
export function isOwnJournal(storageDir: string, path: string): boolean {
  const dir = resolve(journalDir(storageDir)) + sep;
  const p = resolve(path);
  return p.startsWith(dir) && p.endsWith('.jsonl') && !p.slice(dir.length).includes(sep);
}

export interface JournalStatus {
  readonly ended?: 'done' | 'cancelled' | 'failed';
  readonly remaining: number;
  readonly total: number;
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

// Journal locks live in the engine (rcm, the extension's runner and the panel share them).
export { journalInUse, lockJournal, unlockJournal };

/**
 * A journal can be resumed from the panel when the panel wrote it, its run did
 * not finish, moves remain, and no live process is still running it (after a
 * window reload the old extension host is gone; a run in another window is not).
 */
export function canResumeJournal(storageDir: string, path: string | undefined, alive?: (pid: number) => boolean): boolean {
  if (!path || !isOwnJournal(storageDir, path) || journalInUse(path, alive)) return false;
  const st = journalStatus(path);
  return st !== undefined && st.ended !== 'done' && st.remaining > 0;
}

/**
 * Journals in the panel's folder whose run is going on right now (locked by a
 * live process: this window or another) and that move slots of any of `nodeIds`:
 * a second migration on the same cluster must not start meanwhile.
 */
export function runsInProgress(storageDir: string, nodeIds: readonly string[], alive?: (pid: number) => boolean): string[] {
  const dir = journalDir(storageDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const ids = new Set(nodeIds);
  return names.filter((n) => n.endsWith('.jsonl')).map((n) => join(dir, n)).filter((path) => {
    if (!journalInUse(path, alive)) return false;
    try {
      const { plan } = readJournalState(readJournalFile(path));
      return plan.nodes.some((n) => ids.has(n.id)) || plan.moves.some((m) => ids.has(m.sourceId) || ids.has(m.targetId));
    } catch {
      return true; // locked but unreadable yet: be safe
    }
  });
}
