/**
 * The backup plumbing without a cluster: the SYNC transfer against a fake
 * master on a local socket (AUTH as RESP, keep-alive newlines, `$len` and
 * `$EOF:` framing split across packets, refused SYNC, dropped connection,
 * silence, unwritable file), redis-cli's nodes.json layout with escaping,
 * and how restore finds the files of a backup directory.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError, type ClusterNode, type Topology } from '../../src/engine';
import { backupFileName, nodesJsonText } from '../../src/engine/data/backupLayout';
import { backupFiles } from '../../src/engine/ops/restore';
import { syncRdbToFile } from '../../src/engine/io/replicationSync';

const dir = mkdtempSync(join(tmpdir(), 'rcm-sync-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fake master: `script` gets what the client sent so far and the socket, and answers. */
async function fakeMaster(
  script: (socket: net.Socket, received: () => string) => Promise<void> | void,
): Promise<{ port: number; close: () => Promise<void>; received: string[] }> {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    let data = '';
    socket.on('data', (d) => {
      data += d.toString('latin1');
      received.push(d.toString('latin1'));
    });
    socket.on('error', () => undefined);
    void Promise.resolve(script(socket, () => data)).catch(() => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
      }),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(5);
}

const PAYLOAD = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) & 0xff));

describe('SYNC transfer (raw socket)', () => {
  test('$len framing after AUTH (RESP, password with space and %) and keep-alive newlines; bytes after the payload ignored', async () => {
    const m = await fakeMaster(async (socket, got) => {
      await until(() => got().includes('\r\n') && got().startsWith('*'));
      socket.write('+OK\r\n');
      await until(() => got().includes('SYNC\r\n'));
      socket.write('\n');
      await sleep(10);
      socket.write('\n\n$5000\r\n');
      socket.write(PAYLOAD.subarray(0, 1234));
      await sleep(10);
      socket.write(Buffer.concat([PAYLOAD.subarray(1234), Buffer.from('*1\r\n$4\r\nPING\r\n')]));
    });
    const file = join(dir, 'len.rdb');
    writeFileSync(file, Buffer.alloc(9000, 0x41)); // an older, longer file: must be truncated
    const framings: unknown[] = [];
    const res = await syncRdbToFile('127.0.0.1', m.port, file, { user: 'backup', password: 'p w%d', onFraming: (f) => framings.push(f) });
    await m.close();
    assert.deepEqual(res, { framing: { mode: 'length', length: 5000 }, bytes: 5000 });
    assert.deepEqual(framings, [{ mode: 'length', length: 5000 }]);
    assert.ok(readFileSync(file).equals(PAYLOAD));
    assert.equal(m.received.join('').split('SYNC')[0], '*3\r\n$4\r\nAUTH\r\n$6\r\nbackup\r\n$5\r\np w%d\r\n');
  });

  test('$EOF:<mark> framing: the mark split across packets, data after it ignored', async () => {
    const mark = 'a'.repeat(20) + 'b'.repeat(20);
    const m = await fakeMaster(async (socket, got) => {
      await until(() => got().includes('SYNC\r\n'));
      socket.write(`\n$EOF:${mark}\r\n`);
      socket.write(PAYLOAD.subarray(0, 4000));
      await sleep(10);
      socket.write(Buffer.concat([PAYLOAD.subarray(4000), Buffer.from(mark.slice(0, 15))]));
      await sleep(10);
      socket.write(Buffer.from(`${mark.slice(15)}+PING\r\n`));
    });
    const file = join(dir, 'eof.rdb');
    const res = await syncRdbToFile('127.0.0.1', m.port, file, { diskless: false });
    await m.close();
    assert.deepEqual(res, { framing: { mode: 'eof' }, bytes: 5000 });
    assert.ok(readFileSync(file).equals(PAYLOAD));
  });

  test('diskless: REPLCONF capa eof is sent first', async () => {
    const m = await fakeMaster(async (socket, got) => {
      await until(() => got().includes('eof\r\n'));
      socket.write('+OK\r\n');
      await until(() => got().includes('SYNC\r\n'));
      socket.write(`$EOF:${'x'.repeat(40)}\r\nRDB${'x'.repeat(40)}`);
    });
    const res = await syncRdbToFile('127.0.0.1', m.port, join(dir, 'dl.rdb'), { diskless: true });
    await m.close();
    assert.equal(res.bytes, 3);
    assert.match(m.received.join(''), /^\*3\r\n\$8\r\nREPLCONF\r\n\$4\r\ncapa\r\n\$3\r\neof\r\nSYNC\r\n$/);
  });

  const failing: [string, (socket: net.Socket, got: () => string) => Promise<void>, RegExp, string][] = [
    [
      'a refused SYNC',
      async (socket, got) => {
        await until(() => got().includes('SYNC'));
        socket.write("-ERR Replica can't be used\r\n");
      },
      /^SYNC with master failed: -ERR Replica can't be used$/,
      'sync-failed',
    ],
    [
      'a wrong password',
      async (socket) => {
        await sleep(5);
        socket.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      },
      /rejected the credentials/,
      'auth-failed',
    ],
    [
      'a connection dropped mid-payload',
      async (socket, got) => {
        await until(() => got().includes('SYNC'));
        socket.write('$5000\r\n');
        socket.end(PAYLOAD.subarray(0, 100));
      },
      /I\/O Error reading RDB payload.*after 100 bytes/,
      'sync-failed',
    ],
    [
      'a master that says nothing',
      async () => {
        await sleep(1000);
      },
      /no data .* for 150 ms/,
      'sync-failed',
    ],
    [
      'a reply that is not a payload',
      async (socket, got) => {
        await until(() => got().includes('SYNC'));
        socket.write('+FULLRESYNC abc 0\r\n');
      },
      /instead of a bulk payload/,
      'sync-failed',
    ],
  ];
  for (const [what, script, message, code] of failing) {
    test(`fails with a specific error on ${what}`, async () => {
      const m = await fakeMaster(script);
      await assert.rejects(
        syncRdbToFile('127.0.0.1', m.port, join(dir, 'fail.rdb'), { password: what === 'a wrong password' ? 'nope' : undefined, idleTimeoutMs: 150 }),
        (e: unknown) => e instanceof EngineError && e.code === code && message.test(e.message),
      );
      await m.close();
    });
  }

  test('an unwritable file and an unreachable master', async () => {
    const m = await fakeMaster(async (socket, got) => {
      await until(() => got().includes('SYNC'));
      socket.write('$3\r\nabc');
    });
    await assert.rejects(
      syncRdbToFile('127.0.0.1', m.port, join(dir, 'no', 'such', 'dir.rdb')),
      (e: unknown) => e instanceof EngineError && e.code === 'file-error' && /^Error opening '.*dir\.rdb': No such file or directory$/.test(e.message),
    );
    await m.close();
    await assert.rejects(syncRdbToFile('127.0.0.1', m.port, join(dir, 'x.rdb')), (e: unknown) => e instanceof EngineError && e.code === 'unreachable');
  });
});

function node(over: Partial<ClusterNode>): ClusterNode {
  return {
    id: 'a'.repeat(40),
    host: '127.0.0.1',
    port: 7000,
    busPort: 17000,
    announcedHost: '127.0.0.1',
    flags: ['myself', 'master'],
    role: 'master',
    masterId: null,
    configEpoch: 1,
    linkState: 'connected',
    slots: [],
    slotCount: 0,
    migrating: [],
    importing: [],
    flagsSeenByEntry: [],
    signature: null,
    replicaCount: 0,
    dbsize: 0,
    stats: {},
    ...over,
  };
}

describe('nodes.json', () => {
  test("redis-cli's layout: no final newline, slots as [a,b] / [a], replicate null or id, flags without myself", () => {
    const topology: Topology = {
      entry: { host: '127.0.0.1', port: 7000 },
      skipped: [],
      unreachableMasters: 0,
      orphanReplicas: [],
      nodes: [
        node({
          slots: [
            { start: 0, end: 5460 },
            { start: 6000, end: 6000 },
          ],
          slotCount: 5462,
        }),
        node({ id: 'b'.repeat(40), port: 7001, flags: ['slave'], role: 'replica', masterId: 'a'.repeat(40), configEpoch: 2 }),
      ],
    };
    assert.equal(
      nodesJsonText(topology, 0),
      `[
  {
    "name": "${'a'.repeat(40)}",
    "host": "127.0.0.1",
    "port": 7000,
    "replicate": null,
    "slots": [[0,5460],[6000]],
    "slots_count": 5462,
    "flags": "master",
    "current_epoch": 1
  },
  {
    "name": "${'b'.repeat(40)}",
    "host": "127.0.0.1",
    "port": 7001,
    "replicate": "${'a'.repeat(40)}",
    "slots": [],
    "slots_count": 0,
    "flags": "slave",
    "current_epoch": 2
  }
]`,
    );
  });

  test('cluster errors and open slots appended; strings escaped so the file always parses', () => {
    const topology: Topology = {
      entry: { host: 'h"ost', port: 7000 },
      skipped: [],
      unreachableMasters: 0,
      orphanReplicas: [],
      nodes: [
        node({
          host: 'we"ird\\host\n',
          migrating: [{ slot: 12, peerId: 'c'.repeat(40) }],
          importing: [
            { slot: 13, peerId: 'd'.repeat(40) },
            { slot: 14, peerId: 'e'.repeat(40) },
          ],
        }),
      ],
    };
    const text = nodesJsonText(topology, 3);
    assert.match(
      text,
      /"current_epoch": 1,\n {4}"cluster_errors": 3,\n {4}"migrating": \{"12": "c{40}"\},\n {4}"importing": \{"13": "d{40}","14": "e{40}"\}\n {2}\}\n\]$/,
    );
    const parsed = JSON.parse(text) as { host: string; migrating: Record<string, string> }[];
    assert.equal(parsed[0]!.host, 'we"ird\\host\n');
    assert.deepEqual(parsed[0]!.migrating, { 12: 'c'.repeat(40) });
  });

  test('RDB file names', () => {
    assert.equal(backupFileName({ host: '10.0.0.1', port: 7000, id: 'f'.repeat(40) }), `redis-node-10.0.0.1-7000-${'f'.repeat(40)}.rdb`);
    assert.equal(backupFileName({ host: '::1', port: 7000, id: 'f', stats: { serverName: 'valkey' } }), 'valkey-node-::1-7000-f.rdb');
  });
});

describe('finding the files of a backup (restore)', () => {
  const json = (entries: object[]): string => JSON.stringify(entries);
  test('from nodes.json (masters only), refusing a missing file, a missing directory, bad JSON', async () => {
    const d = join(dir, 'bk');
    mkdirSync(d);
    writeFileSync(
      join(d, 'nodes.json'),
      json([
        { name: 'm1', host: '127.0.0.1', port: 1, replicate: null },
        { name: 'r1', host: '127.0.0.1', port: 2, replicate: 'm1' },
        { name: 'm2', host: '127.0.0.1', port: 3, replicate: null },
      ]),
    );
    writeFileSync(join(d, 'redis-node-127.0.0.1-1-m1.rdb'), 'x');
    await assert.rejects(
      backupFiles(d),
      (e: unknown) =>
        e instanceof EngineError && e.code === 'backup-invalid' && /127\.0\.0\.1:3 \(m2\).*redis-node-127\.0\.0\.1-3-m2\.rdb is not in/.test(e.message),
    );
    writeFileSync(join(d, 'valkey-node-127.0.0.1-3-m2.rdb'), 'x');
    writeFileSync(join(d, 'redis-node-127.0.0.1-9-old.rdb'), 'x');
    const found = await backupFiles(`${d}/`);
    assert.deepEqual(found.files, [`${d}/redis-node-127.0.0.1-1-m1.rdb`, `${d}/valkey-node-127.0.0.1-3-m2.rdb`]);
    assert.match(found.warnings.join(), /not listed in nodes\.json: redis-node-127\.0\.0\.1-9-old\.rdb/);
    writeFileSync(join(d, 'nodes.json'), '[{"name": ');
    await assert.rejects(backupFiles(d), /not a valid nodes\.json/);
    rmSync(join(d, 'nodes.json'));
    assert.equal((await backupFiles(d)).files.length, 3);
    await assert.rejects(
      backupFiles(join(dir, 'missing')),
      (e: unknown) => e instanceof EngineError && e.code === 'backup-invalid' && /No such file or directory/.test(e.message),
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await assert.rejects(backupFiles(empty), /not a backup/);
  });
});
