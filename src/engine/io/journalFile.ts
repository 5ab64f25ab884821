/** The journal as a file: one JSON record per line, appended and fsynced. */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendFile, open, type FileHandle } from 'node:fs/promises';
import type { JournalRecord, JournalSink } from '../exec/journal';
import { EngineError } from '../model/errors';

export class FileJournal implements JournalSink {
  private handle: Promise<FileHandle> | undefined;

  constructor(readonly path: string) {
    closeSync(openSync(path, 'a')); // create it now: a bad path fails before anything moves
  }

  /** Appends one line and waits for fdatasync, without blocking the event loop (other lanes keep moving). */
  async append(record: JournalRecord): Promise<void> {
    this.handle ??= open(this.path, 'a');
    const h = await this.handle;
    await appendFile(h, `${JSON.stringify(record)}\n`);
    await h.datasync();
  }

  async close(): Promise<void> {
    await this.handle?.then((h) => h.close()).catch(() => undefined);
  }
}

/** Reads a journal; a torn last line (crash mid-write) is ignored. */
export function readJournalFile(path: string): JournalRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EngineError({ code: 'usage', message: `Cannot read the journal ${path}: ${(e as Error).message}` });
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const out: JournalRecord[] = [];
  lines.forEach((line, i) => {
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch {
      if (i !== lines.length - 1) throw new EngineError({ code: 'invalid-reply', message: `The journal ${path} is corrupt at line ${i + 1}` });
    }
  });
  return out;
}

/**
 * A run in progress marks its journal with `<journal>.lock` holding its process
 * id, so nobody resumes a run that another process (an rcm, an extension
 * window, the migration panel) is still executing.
 */
export function journalLockPath(journal: string): string {
  return `${journal}.lock`;
}

export function lockJournal(journal: string, pid: number = process.pid): void {
  writeFileSync(journalLockPath(journal), String(pid));
}

export function unlockJournal(journal: string): void {
  rmSync(journalLockPath(journal), { force: true });
}

/** The pid holding the journal's lock, if any. */
export function journalLockPid(journal: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(journalLockPath(journal), 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is a live process running this journal's plan right now? */
export function journalInUse(journal: string, alive: (pid: number) => boolean = processAlive): boolean {
  const pid = journalLockPid(journal);
  return pid !== undefined && alive(pid);
}

/** A new journal file name in `dir` (created if needed) for a run of `kind` started `at`. */
export function newJournalPath(dir: string, kind: string, at: Date = new Date()): string {
  mkdirSync(dir, { recursive: true });
  return join(dir, `${kind}-${at.toISOString().replace(/[:.]/g, '-')}.jsonl`);
}
