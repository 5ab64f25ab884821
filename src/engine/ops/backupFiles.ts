/**
 * The files of a backup directory (nodes.json and the RDB files it names, or every node RDB file), each read
 * to the end before anything is written: structure and CRC64.
 */
import { promises as fsp } from 'node:fs';
import { RdbError } from '../data/rdbCursor';
import { readRdbFile } from '../io/rdbFile';
import { strerror } from '../io/replicationSync';
import { EngineError } from '../model/errors';
import { backupPath } from '../data/backupLayout';
import { listBackupRdbFiles } from './backup';

export interface RestoreFileReport {
  readonly file: string;
  readonly bytes: number;
  readonly keys: number;
  readonly rdbVersion: number;
  readonly checksum: 'ok' | 'disabled' | 'absent';
}

interface NodesJsonEntry {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly replicate: string | null;
}

/** The RDB files of a backup: from nodes.json when present, else every node RDB file in the directory. */
export async function backupFiles(dir: string): Promise<{ files: string[]; warnings: string[] }> {
  let st;
  try {
    st = await fsp.stat(dir);
  } catch (e) {
    throw new EngineError({ code: 'backup-invalid', cause: strerror(e), message: `The backup directory '${dir}' cannot be read: ${strerror(e)}.` });
  }
  if (!st.isDirectory()) throw new EngineError({ code: 'backup-invalid', cause: 'Not a directory', message: `'${dir}' is not a directory.` });
  const present = await listBackupRdbFiles(dir);
  const nodesPath = backupPath(dir, 'nodes.json');
  let text: string | undefined;
  try {
    text = await fsp.readFile(nodesPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new EngineError({ code: 'backup-invalid', cause: strerror(e), message: `Cannot read ${nodesPath}: ${strerror(e)}.` });
    }
  }
  if (text === undefined) {
    if (present.length === 0) {
      throw new EngineError({ code: 'backup-invalid', message: `'${dir}' is not a backup: it has neither nodes.json nor redis-node-*.rdb files.` });
    }
    return {
      files: present.map((f) => backupPath(dir, f)),
      warnings: [`${nodesPath} is missing: restoring every RDB file of the directory (${present.length}).`],
    };
  }
  let entries: NodesJsonEntry[];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('not an array');
    entries = parsed.map((o: unknown, i) => {
      const e = o as Partial<NodesJsonEntry>;
      if (!e || typeof e.name !== 'string' || typeof e.host !== 'string' || typeof e.port !== 'number') throw new Error(`entry ${i} lacks name/host/port`);
      return { name: e.name, host: e.host, port: e.port, replicate: typeof e.replicate === 'string' && e.replicate ? e.replicate : null };
    });
  } catch (e) {
    throw new EngineError({ code: 'backup-invalid', cause: (e as Error).message, message: `${nodesPath} is not a valid nodes.json: ${(e as Error).message}.` });
  }
  const masters = entries.filter((e) => e.replicate === null);
  if (masters.length === 0) throw new EngineError({ code: 'backup-invalid', message: `${nodesPath} lists no master.` });
  const files: string[] = [];
  for (const m of masters) {
    const name = [`redis-node-${m.host}-${m.port}-${m.name}.rdb`, `valkey-node-${m.host}-${m.port}-${m.name}.rdb`].find((f) => present.includes(f));
    if (!name) {
      throw new EngineError({
        code: 'backup-invalid',
        message: `The backup is incomplete: ${nodesPath} lists master ${m.host}:${m.port} (${m.name}) but redis-node-${m.host}-${m.port}-${m.name}.rdb is not in '${dir}'.`,
      });
    }
    files.push(backupPath(dir, name));
  }
  const extra = present.filter((f) => !files.includes(backupPath(dir, f)));
  const warnings = extra.length > 0 ? [`Ignoring RDB file(s) not listed in nodes.json: ${extra.join(', ')}.`] : [];
  return { files, warnings };
}

export function rdbFailure(file: string, e: unknown): EngineError {
  if (e instanceof RdbError) {
    return new EngineError({
      code: 'rdb-corrupt',
      cause: e.message,
      message: `${file} is not a valid RDB file (${e.kind} at byte ${e.offset}): ${e.message}. Nothing was restored.`,
    });
  }
  if (e instanceof EngineError) return e;
  return new EngineError({ code: 'file-error', cause: strerror(e), message: `Cannot read ${file}: ${strerror(e)}. Nothing was restored.` });
}

/** Reads a file to the end: key count, version and checksum state. */
export async function verifyFile(file: string, signal?: AbortSignal): Promise<RestoreFileReport> {
  let keys = 0;
  let checksum: RestoreFileReport['checksum'] = 'absent';
  const it = readRdbFile(file, { signal });
  for (;;) {
    const r = await it.next();
    if (r.done) return { file, bytes: r.value.size, keys, rdbVersion: r.value.version, checksum };
    if (r.value.kind === 'key') keys++;
    else if (r.value.kind === 'eof') checksum = r.value.checksum;
  }
}
