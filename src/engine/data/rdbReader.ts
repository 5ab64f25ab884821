/** Parsing an RDB held in memory (tests, small files); io/rdbFile.ts streams one from disk. Pure. */
import { RdbError } from './rdbCursor';
import { RdbParser, type RdbRecord } from './rdbParser';

/** Parses a whole RDB held in memory (tests, small files). */
export function parseRdbBuffer(data: Buffer): RdbRecord[] {
  const parser = new RdbParser();
  parser.push(data);
  parser.end();
  const out: RdbRecord[] = [];
  for (;;) {
    const rec = parser.next();
    if (!rec) throw new RdbError('truncated', 'the data ends before the end-of-file marker', parser.offset);
    if (rec.kind === 'eof') {
      out.push({ ...rec, trailingBytes: data.length - parser.offset });
      return out;
    }
    out.push(rec);
  }
}
