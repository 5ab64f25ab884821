/**
 * restore's writer: reads the (already verified) RDB files, a few at a time, and sends every key to the
 * master owning its slot as RESTORE, in pipelines per master bounded by keys and bytes, a few pipelines in
 * flight per master. The first failure stops every master's writer; the batches in flight finish.
 * Exported for the unit tests on fake nodes (test/fixtures/fakeNodeClient.ts).
 */
import { keyHashSlot } from '../data/keySlot';
import type { RdbKeyRecord, RdbRecord } from '../data/rdbParser';
import { classifyRestoreReply, decideKey } from '../data/restoreCommand';
import { BoundedWriter, StopLatch } from '../exec/boundedWriter';
import type { NodeClient } from '../exec/nodeClient';
import type { Clock } from '../exec/port';
import { readRdbFile, type RdbFileInfo } from '../io/rdbFile';
import type { Command } from '../model/command';
import { EngineError } from '../model/errors';
import { slotOwnerTable } from '../model/slotOwners';
import type { ClusterNode, Topology } from '../model/types';
import { rdbFailure, type RestoreFileReport } from './backupFiles';
import type { DataProgressEmitter } from './dataOutput';
import type { EventSink } from './opOutput';

export interface RestoreWriteOptions {
  readonly replace: boolean;
  /** RESTORE commands per pipeline. */
  readonly batchKeys: number;
  /** Payload bytes per pipeline. */
  readonly batchBytes: number;
  /** Pipelines in flight per master. */
  readonly maxInFlight: number;
  /** RDB files read at the same time. */
  readonly fileConcurrency: number;
  readonly signal?: AbortSignal;
}

export interface RestoreCounts {
  restored: number;
  /** Keys left untouched because they existed (without replace), and up to 100 of their names. */
  existing: number;
  readonly existingKeys: string[];
  expired: number;
  skippedOtherDbs: number;
  readonly skippedModules: Record<string, number>;
}

export interface RestoreWriteResult {
  readonly counts: RestoreCounts;
  /** Function libraries found in the files (code by its text). */
  readonly functionCodes: ReadonlyMap<string, Buffer>;
  readonly stop?: EngineError;
  /** The masters written to (for the function libraries). */
  readonly masters: readonly { readonly addr: string; readonly client: NodeClient }[];
}

/** Reads one RDB file record by record; `onRead` gets the bytes read so far. */
export type RecordReader = (file: string, onRead: (bytes: number) => void, signal?: AbortSignal) => AsyncIterator<RdbRecord, RdbFileInfo>;

const readFromDisk: RecordReader = (file, onRead, signal) => readRdbFile(file, { signal, onRead });

interface Queue {
  readonly node: ClusterNode;
  readonly addr: string;
  readonly client: NodeClient;
  readonly writer: BoundedWriter<EngineError>;
  cmds: Command[];
  keys: Buffer[];
  bytes: number;
}

/** What writing the keys reports besides progress: what it leaves out, once each (render/dataText.ts). */
export type RestoreKeysEvent =
  | { readonly kind: 'restore-other-db'; readonly db: number }
  /** The first 10 keys of module values; the count comes at the end. */
  | { readonly kind: 'restore-module-key'; readonly key: string; readonly module: string }
  | { readonly kind: 'restore-module-aux'; readonly module: string };

export async function restoreKeys(
  files: readonly RestoreFileReport[],
  topology: Topology,
  clients: ReadonlyMap<string, NodeClient>,
  opts: RestoreWriteOptions,
  log: EventSink<RestoreKeysEvent>,
  progress: DataProgressEmitter,
  clock: Clock,
  read: RecordReader = readFromDisk,
): Promise<RestoreWriteResult> {
  const counts: RestoreCounts = { restored: 0, existing: 0, existingKeys: [], expired: 0, skippedOtherDbs: 0, skippedModules: {} };
  const latch = new StopLatch<EngineError>();
  const { owner, targets: queues } = slotOwnerTable<Queue>(topology, (n) => {
    const client = clients.get(n.id);
    if (!client) return undefined;
    const addr = `${n.host}:${n.port}`;
    const toStop = (e: unknown) => (e instanceof EngineError ? e : new EngineError({ code: 'reply-error', node: addr, message: String(e) }));
    return { node: n, addr, client, writer: new BoundedWriter(opts.maxInFlight, toStop, latch), cmds: [], keys: [], bytes: 0 };
  });
  progress.emit({ type: 'data-started', op: 'restore', keysTotal: progress.counter.keysTotal, targets: queues.length });
  const skipped = (): number => counts.existing + counts.expired + counts.skippedOtherDbs + Object.values(counts.skippedModules).reduce((a, b) => a + b, 0);

  const rdbVersions = [...new Set(files.map((f) => f.rdbVersion))].join('/');
  const send = async (q: Queue, cmds: Command[], keys: Buffer[], bytes: number): Promise<void> => {
    const t0 = clock.now();
    const res = await q.client.pipeline(cmds);
    const busy: string[] = [];
    res.forEach((r, i) => {
      const reply = classifyRestoreReply(r, rdbVersions);
      if (reply.kind === 'restored') counts.restored++;
      else if (reply.kind === 'existing') {
        counts.existing++;
        const name = keys[i]!.toString();
        busy.push(name);
        if (counts.existingKeys.length < 100) counts.existingKeys.push(name);
      } else {
        latch.stop(
          new EngineError({
            code: 'reply-error',
            node: q.addr,
            cause: reply.error,
            message: `RESTORE of key ${keys[i]!.toString()} on ${q.addr} failed: ${reply.error}${reply.hint}`,
          }),
        );
      }
    });
    progress.counter.keysMoved = counts.restored;
    progress.counter.keysSkipped = skipped();
    if (busy.length > 0) progress.emit({ type: 'busy-keys', op: 'restore', targetId: q.node.id, keys: busy, action: 'skipped' });
    progress.emit({ type: 'batch', op: 'restore', targetId: q.node.id, keys: cmds.length, ms: clock.now() - t0, bytes });
    progress.tick();
  };
  const flush = async (q: Queue): Promise<void> => {
    if (q.cmds.length === 0) return;
    const { cmds, keys, bytes } = q;
    q.cmds = [];
    q.keys = [];
    q.bytes = 0;
    await q.writer.submit(() => send(q, cmds, keys, bytes));
  };

  let moduleWarnings = 0;
  let otherDbWarned = false;
  const restoreKey = async (rec: RdbKeyRecord, version: number): Promise<void> => {
    progress.counter.keysScanned++;
    const d = decideKey(rec, version, clock.now(), opts.replace);
    switch (d.kind) {
      case 'other-db':
        counts.skippedOtherDbs++;
        if (!otherDbWarned) {
          otherDbWarned = true;
          log.emit({ kind: 'restore-other-db', db: d.db });
        }
        return;
      case 'module':
        counts.skippedModules[d.moduleName] = (counts.skippedModules[d.moduleName] ?? 0) + 1;
        if (moduleWarnings++ < 10) log.emit({ kind: 'restore-module-key', key: rec.key.toString(), module: d.moduleName });
        return;
      case 'expired':
        counts.expired++;
        return;
      case 'restore': {
        const q = owner[keyHashSlot(rec.key)];
        if (!q) throw new EngineError({ code: 'cluster-not-ok', message: `No master owns the slot of key ${rec.key.toString()}.` });
        q.cmds.push(d.command);
        q.keys.push(rec.key);
        q.bytes += d.payloadBytes;
        if (q.cmds.length >= opts.batchKeys || q.bytes >= opts.batchBytes) await flush(q);
      }
    }
  };

  const functionCodes = new Map<string, Buffer>();
  const moduleAuxWarned = new Set<string>();
  const readFileInto = async (f: RestoreFileReport): Promise<void> => {
    let lastRead = 0;
    const it = read(
      f.file,
      (n) => {
        progress.counter.bytes += n - lastRead;
        lastRead = n;
      },
      opts.signal,
    );
    for (;;) {
      if (latch.value || opts.signal?.aborted) return;
      let r: IteratorResult<RdbRecord, RdbFileInfo>;
      try {
        r = await it.next();
      } catch (e) {
        if (opts.signal?.aborted) return;
        throw rdbFailure(f.file, e);
      }
      if (r.done) return;
      const rec = r.value;
      if (rec.kind === 'key') await restoreKey(rec, f.rdbVersion);
      else if (rec.kind === 'function') functionCodes.set(rec.code.toString('latin1'), rec.code);
      else if (rec.kind === 'module-aux' && !moduleAuxWarned.has(rec.moduleName)) {
        moduleAuxWarned.add(rec.moduleName);
        log.emit({ kind: 'restore-module-aux', module: rec.moduleName });
      }
    }
  };

  const pending = [...files];
  const worker = async (): Promise<void> => {
    for (let f = pending.shift(); f && !latch.value; f = pending.shift()) {
      try {
        await readFileInto(f);
      } catch (e) {
        latch.stop(e instanceof EngineError ? e : new EngineError({ code: 'reply-error', message: String(e) }));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.fileConcurrency, files.length) }, worker));
  if (!latch.value && !opts.signal?.aborted) for (const q of queues) await flush(q);
  await Promise.all(queues.map((q) => q.writer.drain()));
  return { counts, functionCodes, masters: queues, ...(latch.value ? { stop: latch.value } : {}) };
}
