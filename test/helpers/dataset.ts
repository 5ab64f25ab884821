/**
 * Keys of every data type (and of every encoding Redis 7.0 has) for the data
 * operation tests, and a canonical snapshot of keys for comparing two
 * servers or clusters value by value (order-insensitive where Redis is).
 */
import type { Redis } from 'ioredis';
import { keySlot } from './crc16';
import type { TestCluster } from './cluster';
import { slotOwners } from './populate';

export interface DatasetSpec {
  /** Key prefix (default 'd:'). */
  prefix?: string;
  /** Plain strings, ints, long and compressible strings (cycled). */
  strings?: number;
  /** Small lists (listpack) and, every 50th, a long one (several quicklist nodes). */
  lists?: number;
  /** Sets: integers (intset), small strings, and every 50th a big one (hashtable). */
  sets?: number;
  /** Sorted sets: small (listpack), every 50th big (skiplist). */
  zsets?: number;
  /** Hashes: small (listpack), every 50th big (hashtable). */
  hashes?: number;
  /** Streams with a consumer group, pending entries, two consumers and a deleted entry. */
  streams?: number;
  /** Every n-th key gets a TTL of 1-2 hours (0: none; default 3). */
  ttlEvery?: number;
}

type Cmd = (string | number | Buffer)[];

/** The commands that build the data set, per key. */
export function datasetCommands(spec: DatasetSpec): { key: string; cmds: Cmd[] }[] {
  const p = spec.prefix ?? 'd:';
  const ttlEvery = spec.ttlEvery ?? 3;
  const out: { key: string; cmds: Cmd[] }[] = [];
  let n = 0;
  const add = (key: string, cmds: Cmd[]): void => {
    n++;
    if (ttlEvery > 0 && n % ttlEvery === 0) cmds.push(['PEXPIRE', key, 3_600_000 + (n % 3_600_000)]);
    out.push({ key, cmds });
  };
  for (let i = 0; i < (spec.strings ?? 0); i++) {
    const key = `${p}str:${i}`;
    const v =
      i % 4 === 0
        ? String(i * 7 - 5000)
        : i % 4 === 1
          ? `value:${i}`
          : i % 4 === 2
            ? `${i}:`.padEnd(120, 'abcdefgh')
            : Buffer.from([i & 0xff, 0, 255, (i >> 8) & 0xff]);
    add(key, [['SET', key, v]]);
  }
  for (let i = 0; i < (spec.lists ?? 0); i++) {
    const key = `${p}list:${i}`;
    const count = i % 50 === 0 ? 600 : 1 + (i % 7);
    add(key, [['RPUSH', key, ...Array.from({ length: count }, (_, j) => (j % 3 === 0 ? String(j * 1000) : `el:${j}:${'x'.repeat(j % 40)}`))]]);
  }
  for (let i = 0; i < (spec.sets ?? 0); i++) {
    const key = `${p}set:${i}`;
    const members =
      i % 50 === 0
        ? Array.from({ length: 300 }, (_, j) => `member:${j}`)
        : i % 2 === 0
          ? Array.from({ length: 1 + (i % 9) }, (_, j) => String(j * 977 - 300))
          : Array.from({ length: 1 + (i % 9) }, (_, j) => `m${j}`);
    add(key, [['SADD', key, ...members]]);
  }
  for (let i = 0; i < (spec.zsets ?? 0); i++) {
    const key = `${p}zset:${i}`;
    const count = i % 50 === 0 ? 300 : 1 + (i % 8);
    add(key, [['ZADD', key, ...Array.from({ length: count }, (_, j) => [j % 5 === 4 ? 'inf' : String(j * 1.25 - 3), `zm:${j}`]).flat()]]);
  }
  for (let i = 0; i < (spec.hashes ?? 0); i++) {
    const key = `${p}hash:${i}`;
    const count = i % 50 === 0 ? 300 : 1 + (i % 8);
    add(key, [['HSET', key, ...Array.from({ length: count }, (_, j) => [`f${j}`, j % 2 ? String(j) : `v${j}:${i}`]).flat()]]);
  }
  for (let i = 0; i < (spec.streams ?? 0); i++) {
    const key = `${p}stream:${i}`;
    const cmds: Cmd[] = [];
    for (let j = 1; j <= 12; j++) cmds.push(['XADD', key, `${1700000000000 + i}-${j}`, 'n', String(j), ...(j % 4 === 0 ? ['extra', 'field'] : [])]);
    cmds.push(['XDEL', key, `${1700000000000 + i}-2`]);
    cmds.push(['XGROUP', 'CREATE', key, 'grp', '0']);
    cmds.push(['XREADGROUP', 'GROUP', 'grp', 'alice', 'COUNT', '3', 'STREAMS', key, '>']);
    cmds.push(['XREADGROUP', 'GROUP', 'grp', 'bob', 'COUNT', '2', 'STREAMS', key, '>']);
    cmds.push(['XACK', key, 'grp', `${1700000000000 + i}-1`]);
    add(key, cmds);
  }
  return out;
}

/** Writes a data set through `route` (key → connection), pipelined; returns the key names. */
export async function writeDataset(route: (key: string) => Redis, spec: DatasetSpec): Promise<string[]> {
  const items = datasetCommands(spec);
  const byClient = new Map<Redis, Cmd[]>();
  for (const it of items) {
    const c = route(it.key);
    let list = byClient.get(c);
    if (!list) byClient.set(c, (list = []));
    list.push(...it.cmds);
  }
  await Promise.all(
    [...byClient].map(async ([client, cmds]) => {
      for (let i = 0; i < cmds.length; i += 5000) {
        const p = client.pipeline();
        for (const [name, ...args] of cmds.slice(i, i + 5000)) p.call(String(name), ...args);
        const res = (await p.exec()) ?? [];
        const failed = res.find(([e]) => e);
        if (failed) throw new Error(`writeDataset: ${failed[0]!.message}`);
      }
    }),
  );
  return items.map((i) => i.key);
}

/** key → the master owning its slot (a plain connection). */
export async function clusterRoute(cluster: TestCluster): Promise<(key: string | Buffer) => Redis> {
  const owners = await slotOwners(cluster);
  return (key) => cluster.client(owners[keySlot(key)]!);
}

export interface KeyState {
  readonly value: string;
  readonly pttl: number;
  /** When the key expires (ms since the epoch, as read: PTTL plus the time its reply arrived), or the negative PTTL. */
  readonly expireAt: number;
}

const hex = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('hex') : String(v));

function canonical(type: string, reply: unknown): string {
  switch (type) {
    case 'none':
      return 'none';
    case 'string':
      return `string:${hex(reply)}`;
    case 'list':
      return `list:${(reply as Buffer[]).map(hex).join(',')}`;
    case 'set':
      return `set:${(reply as Buffer[]).map(hex).sort().join(',')}`;
    case 'zset': {
      const r = reply as Buffer[];
      const pairs: string[] = [];
      for (let i = 0; i < r.length; i += 2) pairs.push(`${hex(r[i])}=${String(r[i + 1])}`);
      return `zset:${pairs.join(',')}`;
    }
    case 'hash': {
      const r = reply as Buffer[];
      const pairs: string[] = [];
      for (let i = 0; i < r.length; i += 2) pairs.push(`${hex(r[i])}=${hex(r[i + 1])}`);
      return `hash:${pairs.sort().join(',')}`;
    }
    case 'stream':
      return `stream:${JSON.stringify(reply, (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString() : v))}`;
    default:
      return `${type}:?`;
  }
}

const READ: Record<string, (key: string) => (string | number)[]> = {
  string: (k) => ['GET', k],
  list: (k) => ['LRANGE', k, 0, -1],
  set: (k) => ['SMEMBERS', k],
  zset: (k) => ['ZRANGE', k, 0, -1, 'WITHSCORES'],
  hash: (k) => ['HGETALL', k],
  stream: (k) => ['XINFO', 'STREAM', k, 'FULL'],
};

/** The value (canonical text: type + content, order-free for sets and hashes) and PTTL of every key. */
export async function snapshotKeys(route: (key: string) => Redis, keys: readonly string[]): Promise<Map<string, KeyState>> {
  const byClient = new Map<Redis, string[]>();
  for (const k of keys) {
    const c = route(k);
    let list = byClient.get(c);
    if (!list) byClient.set(c, (list = []));
    list.push(k);
  }
  const out = new Map<string, KeyState>();
  await Promise.all(
    [...byClient].map(async ([client, ks]) => {
      for (let i = 0; i < ks.length; i += 5000) {
        const chunk = ks.slice(i, i + 5000);
        const tp = client.pipeline();
        for (const k of chunk) {
          tp.call('TYPE', k);
          tp.call('PTTL', k);
        }
        const tr = (await tp.exec()) ?? [];
        const readAt = Date.now();
        const types = chunk.map((_, j) => String(tr[2 * j]![1]));
        const vp = client.pipeline();
        chunk.forEach((k, j) => {
          const read = READ[types[j]!];
          if (read) {
            const [name, ...args] = read(k);
            if (types[j] === 'stream') vp.call(String(name), ...args);
            else vp.callBuffer(String(name), ...args);
          } else vp.call('ECHO', 'none');
        });
        const vr = (await vp.exec()) ?? [];
        chunk.forEach((k, j) => {
          const [err, reply] = vr[j]!;
          if (err) throw err;
          const pttl = Number(tr[2 * j + 1]![1]);
          out.set(k, { value: canonical(types[j]!, reply), pttl, expireAt: pttl < 0 ? pttl : readAt + pttl });
        });
      }
    }),
  );
  return out;
}

/**
 * Differences between two snapshots (values exactly, expiry instants within `ttlSlackMs`: the snapshots may be
 * taken minutes apart on a loaded machine, so remaining TTLs are not compared); at most `limit` lines.
 */
export function diffSnapshots(a: Map<string, KeyState>, b: Map<string, KeyState>, ttlSlackMs = 10_000, limit = 10): string[] {
  const diffs: string[] = [];
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (!vb) diffs.push(`${k}: missing`);
    else if (va.value !== vb.value) diffs.push(`${k}: ${va.value.slice(0, 80)} != ${vb.value.slice(0, 80)}`);
    else if (va.pttl < 0 !== vb.pttl < 0 || Math.abs(va.expireAt - vb.expireAt) > ttlSlackMs)
      diffs.push(`${k}: pttl ${va.pttl} vs ${vb.pttl} (expiry ${va.expireAt - vb.expireAt} ms apart)`);
    if (diffs.length >= limit) break;
  }
  return diffs;
}
