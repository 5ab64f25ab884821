/** The journal as a file: one JSON record per line, appended and fsynced. */
import {
  chmodSync,
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  promises as fsp,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { journalRecordProblem, type JournalRecord, type JournalSink } from '../exec/journal';
import { EngineError } from '../model/errors';

export class FileJournal implements JournalSink {
  private handle: Promise<FileHandle> | undefined;

  constructor(readonly path: string) {
    closeSync(openSync(path, 'a', 0o600)); // create it now (private): a bad path fails before anything moves
  }

  /** Appends one line and waits for fdatasync, without blocking the event loop (other lanes keep moving). */
  async append(record: JournalRecord): Promise<void> {
    this.handle ??= fsp.open(this.path, 'a', 0o600);
    const h = await this.handle;
    await fsp.appendFile(h, `${JSON.stringify(record)}\n`);
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
  const lines = text.split('\n');
  const last = lines.map((l) => l.trim() !== '').lastIndexOf(true);
  const damaged = (n: number, what: string): EngineError =>
    new EngineError({ code: 'file-error', message: `The journal ${path} is damaged at line ${n}: ${what}.` });
  const out: JournalRecord[] = [];
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === last) break; // a torn last line: the crash happened while it was written
      throw damaged(i + 1, 'not JSON');
    }
    const problem = journalRecordProblem(value);
    if (problem) throw damaged(i + 1, problem);
    if (out.length === 0 && (value as JournalRecord).t !== 'plan') throw damaged(i + 1, 'the first record is not the plan');
    out.push(value as JournalRecord);
  }
  if (out.length === 0) throw new EngineError({ code: 'file-error', message: `The journal ${path} is empty: it has no plan record.` });
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

/**
 * Takes the journal's lock for `pid` atomically: the lock file is written
 * whole under a private name, then hard-linked to `<journal>.lock`, which
 * fails when the lock exists, so of two processes trying at once exactly one
 * gets it (a check followed by a write would let both pass). A lock left by a
 * process that is gone is taken over. Returns true when this call took the
 * lock, false when `pid` held it already (only the taker releases it). Throws
 * when another live process holds it.
 */
export function lockJournal(journal: string, pid: number = process.pid, alive: (pid: number) => boolean = processAlive): boolean {
  const lock = journalLockPath(journal);
  const tmp = `${lock}.${pid}.${process.hrtime.bigint()}`;
  try {
    writeFileSync(tmp, String(pid), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    throw new EngineError({ code: 'file-error', message: `Cannot write the journal lock ${lock}: ${(e as Error).message}` });
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, lock);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new EngineError({ code: 'file-error', message: `Cannot write the journal lock ${lock}: ${(e as Error).message}` });
        }
      }
      const holder = journalLockPid(journal);
      if (holder === pid) return false;
      if (holder !== undefined && alive(holder)) {
        throw new EngineError({
          code: 'usage',
          message: `The run of ${journal} is still going on in process ${holder}; wait for it (or stop it) before running it here.`,
        });
      }
      // Left by a process that is gone: remove it, but only while it still names that process.
      if (journalLockPid(journal) === holder) rmSync(lock, { force: true });
    }
    throw new EngineError({ code: 'usage', message: `The journal lock ${lock} keeps changing hands; try again.` });
  } finally {
    rmSync(tmp, { force: true });
  }
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

/**
 * The one place journal locations are decided. With `storageDir` (the
 * extension's global storage): `storageDir/journals`. Without (rcm): the
 * user's state directory, `$XDG_STATE_HOME/rcm/journals`, else
 * `~/.local/state/rcm/journals` — private (0700), where journals were once
 * world-readable under $TMPDIR.
 */
export function journalDir(storageDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (storageDir !== undefined) return join(storageDir, 'journals');
  const state = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'rcm', 'journals');
}

/** Where rcm wrote journals before they became private; rcm resume and the extension still look there. */
export function legacyJournalDir(): string {
  return join(tmpdir(), 'rcm-journals');
}

/** A new journal file name in `dir` (created 0700 if needed) for a run of `kind` started `at`. */
export function newJournalPath(dir: string, kind: string, at: Date = new Date()): string {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // mkdir's mode is masked by the umask
  }
  return join(dir, `${kind}-${at.toISOString().replace(/[:.]/g, '-')}.jsonl`);
}

/**
 * The journal `rcm resume` means: the path as given if it exists, else a bare
 * file name looked up in the journal directory, then in the old default.
 */
export function findJournal(given: string, env: NodeJS.ProcessEnv = process.env): string {
  if (existsSync(given) || given.includes('/')) return given;
  for (const dir of [journalDir(undefined, env), legacyJournalDir()]) {
    const p = join(dir, given);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not there
    }
  }
  return given;
}

/** The journal files (`*.jsonl`) in `dir`; none when it does not exist. */
export function listJournals(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}
