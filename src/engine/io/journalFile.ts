/** The journal as a file: one JSON record per line, appended and fsynced. */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { JournalRecord, JournalSink } from '../exec/journal';
import { EngineError } from '../model/errors';

export class FileJournal implements JournalSink {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  async append(record: JournalRecord): Promise<void> {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
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
