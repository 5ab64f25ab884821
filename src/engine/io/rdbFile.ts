/**
 * Reading an RDB file as a stream of records, with bounded memory: the file
 * is read in chunks (bigger when a record needs it) and parsed as it comes.
 */
import { promises as fsp } from 'node:fs';
import { RdbError } from '../data/rdbCursor';
import { RdbParser, type RdbRecord } from '../data/rdbParser';

export interface RdbReadOptions {
  /** Bytes per read (default 1 MiB). */
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
  /** Called after each read with the bytes read so far and the file size. */
  readonly onRead?: (bytesRead: number, size: number) => void;
}

export interface RdbFileInfo {
  readonly size: number;
  /** RDB version from the header. */
  readonly version: number;
}

/**
 * Yields every record of the file up to and including `eof`. Throws RdbError
 * (truncated, corrupt, checksum, unsupported) when the file is not a complete
 * RDB file; errors from the file system are thrown as they are.
 */
export async function* readRdbFile(path: string, opts: RdbReadOptions = {}): AsyncGenerator<RdbRecord, RdbFileInfo, undefined> {
  const chunkSize = opts.chunkSize ?? 1 << 20;
  const fh = await fsp.open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const parser = new RdbParser();
    let read = 0;
    for (;;) {
      opts.signal?.throwIfAborted();
      const rec = parser.next();
      if (rec) {
        if (rec.kind === 'eof') {
          yield { ...rec, trailingBytes: size - parser.offset };
          return { size, version: parser.version };
        }
        yield rec;
        continue;
      }
      if (read >= size || parser.neededOffset > size) {
        // Nothing left to read, or the record claims more bytes than the file has.
        if (read < size) {
          throw new RdbError(
            'truncated',
            `a record at byte ${parser.offset} needs ${parser.neededOffset - parser.offset} bytes but the file has only ${size} bytes: the file is truncated or corrupt`,
            parser.offset,
          );
        }
        parser.end();
        parser.next(); // throws the truncation error
        throw new RdbError('truncated', `the file ends at byte ${size} before the end-of-file marker: the file is truncated`, size);
      }
      const want = Math.min(size - read, Math.max(chunkSize, parser.shortBy, parser.buffered));
      const buf = Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(buf, got, want - got, read + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      read += got;
      if (got === 0) {
        parser.end();
        continue;
      }
      parser.push(got === want ? buf : buf.subarray(0, got));
      opts.onRead?.(read, size);
    }
  } finally {
    await fh.close();
  }
}
