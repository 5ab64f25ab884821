/**
 * import's and restore's failure paths on fake nodes (test/fixtures/fakeNodeClient.ts): BUSYKEY, CROSSSLOT,
 * transient MIGRATE errors and their back-off on an injected clock, a failed RESTORE stopping every master,
 * the in-flight bound; and their pure decisions (data/migrateCommand.ts, data/restoreCommand.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataEvent } from '../../src/engine/data/events';
import { keyHashSlot } from '../../src/engine/data/keySlot';
import { classifyMigrateError, groupBySlot, migrateHead } from '../../src/engine/data/migrateCommand';
import type { RdbKeyRecord, RdbRecord } from '../../src/engine/data/rdbParser';
import { classifyRestoreReply, decideKey } from '../../src/engine/data/restoreCommand';
import type { Arg } from '../../src/engine/exec/nodeClient';
import type { Clock } from '../../src/engine/exec/port';
import type { RdbFileInfo } from '../../src/engine/io/rdbFile';
import { DataProgressEmitter } from '../../src/engine/ops/dataOutput';
import { EventLog } from '../../src/engine/ops/opOutput';
import { importKeys, type ImportEvent } from '../../src/engine/ops/import';
import { restoreKeys, type RecordReader } from '../../src/engine/ops/restoreKeys';
import { FakeNodeClient, replyError, type FakeHandler } from '../fixtures/fakeNodeClient';
import { fakeId, master, topology } from '../fixtures/topologyBuilder';

const A = fakeId('a');
const B = fakeId('b');
const cluster = topology([master(A, 7000, [{ start: 0, end: 8191 }]), master(B, 7001, [{ start: 8192, end: 16383 }])]);
const BUSY = 'ERR Target instance replied with error: BUSYKEY Target key name already exists.';

/** A clock whose sleeps return at once and are recorded. */
function fakeClock(): Clock & { slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

/** `n` keys whose slots belong to master A (slot < 8192), or to B. */
function keysOf(owner: 'A' | 'B', n: number, prefix = 'k'): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const k = `${prefix}${i}`;
    if (keyHashSlot(k) < 8192 === (owner === 'A')) out.push(k);
  }
  return out;
}

const names = (args: readonly Arg[]): string[] => args.slice(args.indexOf('KEYS') + 1).map(String);

/**
 * A standalone source holding `keys`: SCAN returns them in one page; MIGRATE goes to `migrate`, which may
 * throw the server's error (after taking from `held` the keys it moved before failing); EXISTS reads `held`.
 */
function source(keys: readonly string[], migrate: (keys: string[], held: Set<string>) => unknown): FakeNodeClient {
  const held = new Set(keys);
  return new FakeNodeClient('127.0.0.1:6379', (cmd, args) => {
    if (cmd === 'SCAN') return [Buffer.from('0'), keys.map((k) => Buffer.from(k))];
    if (cmd === 'MIGRATE') {
      const ks = names(args);
      const reply = migrate(ks, held);
      for (const k of ks) held.delete(k);
      return reply;
    }
    if (cmd === 'EXISTS') return held.has(String(args[0])) ? 1 : 0;
    return 0;
  });
}

async function runImportKeys(src: FakeNodeClient, opts: { batchKeys?: number; maxInFlight?: number; clock?: Clock } = {}) {
  const targets = new Map([
    [A, new FakeNodeClient('127.0.0.1:7000', () => 0)],
    [B, new FakeNodeClient('127.0.0.1:7001', () => 0)],
  ]);
  const events: DataEvent[] = [];
  const clock = opts.clock ?? fakeClock();
  const progress = new DataProgressEmitter(
    'import',
    () => clock.now(),
    (e) => events.push(e),
  );
  const log = new EventLog<ImportEvent>();
  const result = await importKeys(
    cluster,
    targets,
    src,
    src.addr,
    { from: { host: '127.0.0.1', port: 6379 }, printKeys: false, ...opts },
    log,
    progress,
    clock,
  );
  return { result, events, progress, log };
}

test('import: a batch meeting BUSYKEY counts the keys that moved, names the one that exists, and stops', async () => {
  const keys = keysOf('A', 5);
  const src = source(keys, (ks, held) => {
    if (!ks.includes(keys[2]!)) return 'OK';
    // MIGRATE moves the other keys, then fails on the one that exists on the target: it stays in the source.
    for (const k of ks) if (k !== keys[2]) held.delete(k);
    throw replyError(BUSY);
  });
  const { result, progress, events } = await runImportKeys(src, { batchKeys: 10 });
  assert.equal(result.stop?.error.code, 'busy-key');
  assert.deepEqual(result.stop?.conflicts, [keys[2]]);
  assert.match(result.stop!.error.message, new RegExp(`Key "${keys[2]}" already exists in the cluster \\(on 127\\.0\\.0\\.1:7000\\)`));
  assert.equal(progress.counter.keysMoved, 4);
  assert.ok(events.some((e) => e.type === 'busy-keys' && e.action === 'refused'));
});

test('import: CROSSSLOT on a batch of several slots falls back to one MIGRATE per slot', async () => {
  const keys = keysOf('B', 6);
  const slots = new Set(keys.map((k) => keyHashSlot(k)));
  assert.ok(slots.size > 1, 'the keys span several slots');
  const src = source(keys, (ks) => {
    if (new Set(ks.map((k) => keyHashSlot(k))).size > 1) throw replyError("CROSSSLOT Keys in request don't hash to the same slot");
    return 'OK';
  });
  const { result, progress } = await runImportKeys(src, { batchKeys: 100 });
  assert.equal(result.stop, undefined);
  assert.equal(progress.counter.keysMoved, 6);
  // One refused MIGRATE of all six, then one per slot.
  assert.equal(src.callsOf('MIGRATE').length, 1 + slots.size);
});

test('import: a transient IOERR is retried after a growing pause on the injected clock; past the last attempt it stops', async () => {
  const keys = keysOf('A', 3);
  let failures = 2;
  const clock = fakeClock();
  const src = source(keys, () => {
    if (failures-- > 0) throw replyError('IOERR error or timeout reading to target instance');
    return 'OK';
  });
  const ok = await runImportKeys(src, { batchKeys: 10, clock });
  assert.equal(ok.result.stop, undefined);
  assert.equal(ok.progress.counter.keysMoved, 3);
  assert.deepEqual(clock.slept, [100, 200]);
  assert.deepEqual(
    ok.events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.attempt),
    [1, 2],
  );

  const always = source(keys, () => {
    throw replyError('IOERR error or timeout reading to target instance');
  });
  const failed = await runImportKeys(always, { batchKeys: 10 });
  assert.equal(failed.result.stop?.error.code, 'migration-failed');
  assert.match(failed.result.stop!.error.message, /MIGRATE of 3 key\(s\) from 127\.0\.0\.1:6379 to 127\.0\.0\.1:7000 failed: IOERR/);
  assert.equal(always.callsOf('MIGRATE').length, 4);
});

test('import: never more MIGRATEs in flight than asked, and nothing is sent after a failure', async () => {
  const keys = keysOf('A', 40);
  const src = source(keys, () => 'OK');
  const { progress } = await runImportKeys(src, { batchKeys: 1, maxInFlight: 3 });
  assert.equal(progress.counter.keysMoved, 40);
  assert.equal(src.peakInFlight('MIGRATE'), 3);

  let sent = 0;
  const failing = source(keys, () => {
    if (++sent === 5) throw replyError('ERR Target instance replied with error: NOAUTH Authentication required.');
    return 'OK';
  });
  const stopped = await runImportKeys(failing, { batchKeys: 1, maxInFlight: 2 });
  assert.match(stopped.result.stop!.error.message, /NOAUTH/);
  assert.ok(failing.callsOf('MIGRATE').length <= 5 + 2, `at most the ones in flight after the failure: ${failing.callsOf('MIGRATE').length}`);
});

test('migrateHead and classifyMigrateError: the command and what a failure calls for', () => {
  assert.deepEqual(migrateHead({ host: 'h', port: 1 }, { timeoutMs: 5, copy: true, user: 'u', password: 'p w' }, true), [
    'h',
    1,
    '',
    0,
    5,
    'COPY',
    'REPLACE',
    'AUTH2',
    'u',
    'p w',
    'KEYS',
  ]);
  assert.deepEqual(migrateHead({ host: 'h', port: 1 }, { timeoutMs: 5, copy: false, password: 'p' }, false), ['h', 1, '', 0, 5, 'AUTH', 'p', 'KEYS']);
  const two = keysOf('A', 8).map((k) => Buffer.from(k));
  assert.equal(classifyMigrateError(BUSY, two, 0), 'busy-key');
  assert.equal(classifyMigrateError('CROSSSLOT x', two, 0), 'split-by-slot');
  assert.equal(classifyMigrateError('CROSSSLOT x', [two[0]!], 0), 'fatal');
  assert.equal(classifyMigrateError('IOERR x', two, 2), 'retry');
  assert.equal(classifyMigrateError('IOERR x', two, 3), 'fatal');
  assert.equal(classifyMigrateError('ERR Syntax error', two, 0), 'fatal');
  assert.equal(groupBySlot(two).flat().length, 8);
  for (const g of groupBySlot(two)) assert.equal(new Set(g.map((k) => keyHashSlot(k))).size, 1);
});

// ---- restore

function keyRecord(key: string, extra: Partial<RdbKeyRecord> = {}): RdbKeyRecord {
  return {
    kind: 'key',
    db: 0,
    key: Buffer.from(key),
    type: 0,
    value: Buffer.from([3, 0x61, 0x62, 0x63]),
    expireMs: null,
    lruIdle: null,
    lfuFreq: null,
    offset: 0,
    ...extra,
  };
}

/** A reader of in-memory files. */
function reader(files: Record<string, RdbRecord[]>): RecordReader {
  return (file) => {
    const recs = [...(files[file] ?? [])];
    return {
      next: async (): Promise<IteratorResult<RdbRecord, RdbFileInfo>> => {
        await new Promise((r) => setImmediate(r));
        const value = recs.shift();
        return value ? { done: false, value } : { done: true, value: { size: 100, version: 10 } };
      },
    };
  };
}

const OPTS = { replace: false, batchKeys: 2, batchBytes: 1 << 20, maxInFlight: 2, fileConcurrency: 2 };

async function runRestoreKeys(records: Record<string, RdbRecord[]>, handler: (addr: string) => FakeHandler, opts = OPTS) {
  const clients = new Map([
    [A, new FakeNodeClient('127.0.0.1:7000', handler('127.0.0.1:7000'))],
    [B, new FakeNodeClient('127.0.0.1:7001', handler('127.0.0.1:7001'))],
  ]);
  const files = Object.keys(records).map((file) => ({ file, bytes: 100, keys: records[file]!.length, rdbVersion: 10, checksum: 'ok' as const }));
  const clock = fakeClock();
  const progress = new DataProgressEmitter('restore', () => clock.now(), undefined);
  const result = await restoreKeys(files, cluster, clients, opts, new EventLog(), progress, clock, reader(records));
  return { result, clients };
}

test('restore: existing keys are counted and left, expired ones and other databases skipped, each key to its owner', async () => {
  const [a1, a2, a3] = keysOf('A', 3, 'r');
  const [b1] = keysOf('B', 1, 'r');
  const { result, clients } = await runRestoreKeys(
    {
      f1: [keyRecord(a1!), keyRecord(a2!), keyRecord(b1!), keyRecord('gone', { expireMs: 999_999 }), keyRecord('db1', { db: 1 })],
      f2: [keyRecord(a3!, { expireMs: 2_000_000 })],
    },
    () => (_cmd, args) => {
      if (String(args[0]) === a2) throw replyError('BUSYKEY Target key name already exists.');
      return 'OK';
    },
  );
  assert.equal(result.stop, undefined);
  assert.equal(result.counts.restored, 3);
  assert.equal(result.counts.existing, 1);
  assert.deepEqual(result.counts.existingKeys, [a2]);
  assert.equal(result.counts.expired, 1);
  assert.equal(result.counts.skippedOtherDbs, 1);
  const sentTo = (id: string) =>
    clients
      .get(id)!
      .callsOf('RESTORE')
      .map((c) => String(c.args[0]))
      .sort();
  assert.deepEqual(sentTo(A), [a1, a2, a3].sort());
  assert.deepEqual(sentTo(B), [b1]);
  // The key with an absolute expiry is restored with it (ABSTTL).
  const withTtl = clients
    .get(A)!
    .callsOf('RESTORE')
    .find((c) => String(c.args[0]) === a3)!;
  assert.equal(withTtl.args[1], 2_000_000);
  assert.ok(withTtl.args.includes('ABSTTL'));
});

test('restore: a RESTORE the server cannot load stops every master, with the reason and a hint', async () => {
  const keys = keysOf('A', 20, 'x');
  const others = keysOf('B', 20, 'y');
  const { result, clients } = await runRestoreKeys({ f1: keys.map((k) => keyRecord(k)), f2: others.map((k) => keyRecord(k)) }, (addr) => (_cmd, args) => {
    if (addr === '127.0.0.1:7000' && String(args[0]) === keys[5]) throw replyError('ERR DUMP payload version or checksum are wrong');
    return 'OK';
  });
  assert.equal(result.stop?.code, 'reply-error');
  assert.match(
    result.stop!.message,
    new RegExp(
      `RESTORE of key ${keys[5]} on 127\\.0\\.0\\.1:7000 failed: ERR DUMP payload version or checksum are wrong \\(the backup is in RDB format version 10`,
    ),
  );
  // Both masters stop soon after: neither got every key.
  assert.ok(clients.get(A)!.callsOf('RESTORE').length < 20);
  assert.ok(clients.get(B)!.callsOf('RESTORE').length < 20, `B got ${clients.get(B)!.callsOf('RESTORE').length}`);
  for (const c of clients.values()) assert.ok(c.peakInFlight('RESTORE') <= 2);
});

test('decideKey and classifyRestoreReply', () => {
  const d = decideKey(keyRecord('k', { lruIdle: 7 }), 10, 0, true);
  assert.equal(d.kind, 'restore');
  if (d.kind === 'restore') {
    assert.equal(d.command[0], 'RESTORE');
    assert.deepEqual(d.command.slice(4), ['REPLACE', 'IDLETIME', 7]);
  }
  assert.deepEqual(decideKey(keyRecord('k', { moduleName: 'ReJSON-RL' }), 10, 0, false), { kind: 'module', moduleName: 'ReJSON-RL' });
  assert.deepEqual(decideKey(keyRecord('k', { expireMs: 5 }), 10, 5, false), { kind: 'expired' });
  assert.deepEqual(classifyRestoreReply({ ok: true }, '10'), { kind: 'restored' });
  assert.deepEqual(classifyRestoreReply({ ok: false, error: 'BUSYKEY x' }, '10'), { kind: 'existing' });
  const bad = classifyRestoreReply({ ok: false, error: 'ERR Bad data format' }, '12');
  assert.equal(bad.kind, 'failed');
  if (bad.kind === 'failed') assert.match(bad.hint, /newer Redis/);
});
