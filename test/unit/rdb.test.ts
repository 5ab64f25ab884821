/**
 * The RDB reader without a server: CRC64, LZF, the primitive encodings, every
 * value type through a hand-built file (including the ziplist/zipmap/intset
 * encodings of older Redis versions and Redis 7.2's listpack sets and
 * stream v3), streaming in arbitrary chunks, truncation and checksum errors,
 * DUMP payloads, key slots, and a real file written by Redis 7.0.15.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Crc64, crc64 } from '../../src/engine/data/crc64';
import { dumpPayload, parseDumpPayload } from '../../src/engine/data/dumpPayload';
import { keyHashSlot } from '../../src/engine/data/keySlot';
import { lzfDecompress } from '../../src/engine/data/lzf';
import { parseRdbBuffer } from '../../src/engine/data/rdbReader';
import { RdbError } from '../../src/engine/data/rdbCursor';
import { RdbParser, type RdbKeyRecord, type RdbRecord } from '../../src/engine/data/rdbParser';
import { readRdbFile } from '../../src/engine/io/rdbFile';
import { decodeIntset, decodeListpack, decodeRdbValue, decodeZiplist, type RdbValue } from '../helpers/rdbDecode';

// ---------------------------------------------------------------- a tiny RDB writer (test side)

const b = (...parts: (Buffer | number[] | string)[]): Buffer =>
  Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

function len(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n <= 0xffffffff) {
    const out = Buffer.alloc(5);
    out[0] = 0x80;
    out.writeUInt32BE(n, 1);
    return out;
  }
  const out = Buffer.alloc(9);
  out[0] = 0x81;
  out.writeBigUInt64BE(BigInt(n), 1);
  return out;
}

const str = (s: string | Buffer): Buffer => {
  const v = typeof s === 'string' ? Buffer.from(s) : s;
  return b(len(v.length), v);
};
const int8 = (v: number): Buffer => Buffer.from([0xc0, v & 0xff]);
const int16 = (v: number): Buffer => {
  const o = Buffer.alloc(3);
  o[0] = 0xc1;
  o.writeInt16LE(v, 1);
  return o;
};
const int32 = (v: number): Buffer => {
  const o = Buffer.alloc(5);
  o[0] = 0xc2;
  o.writeInt32LE(v, 1);
  return o;
};
/** An LZF string made of one literal run and one back reference: "abcabcabcabcab". */
const lzfStr = (): Buffer => b([0xc3], len(7), len(14), [2, 0x61, 0x62, 0x63, (7 << 5) | 0, 2, 2]);
const dbl = (v: number): Buffer => {
  const o = Buffer.alloc(8);
  o.writeDoubleLE(v);
  return o;
};
const ms = (v: number): Buffer => {
  const o = Buffer.alloc(8);
  o.writeBigInt64LE(BigInt(v));
  return o;
};

function listpack(items: (string | number)[]): Buffer {
  const entries: Buffer[] = [];
  for (const it of items) {
    let enc: Buffer;
    if (typeof it === 'number') {
      if (it >= 0 && it < 128) enc = Buffer.from([it]);
      else if (it >= -4096 && it < 4096) {
        const v = it & 0x1fff;
        enc = Buffer.from([0xc0 | (v >> 8), v & 0xff]);
      } else if (it >= -32768 && it < 32768) {
        enc = Buffer.alloc(3);
        enc[0] = 0xf1;
        enc.writeInt16LE(it, 1);
      } else if (it >= -8388608 && it < 8388608) {
        enc = Buffer.alloc(4);
        enc[0] = 0xf2;
        enc.writeIntLE(it, 1, 3);
      } else if (it >= -2147483648 && it < 2147483648) {
        enc = Buffer.alloc(5);
        enc[0] = 0xf3;
        enc.writeInt32LE(it, 1);
      } else {
        enc = Buffer.alloc(9);
        enc[0] = 0xf4;
        enc.writeBigInt64LE(BigInt(it), 1);
      }
    } else {
      const s = Buffer.from(it);
      if (s.length < 64) enc = b([0x80 | s.length], s);
      else if (s.length < 4096) enc = b([0xe0 | (s.length >> 8), s.length & 0xff], s);
      else {
        enc = Buffer.alloc(5);
        enc[0] = 0xf0;
        enc.writeUInt32LE(s.length, 1);
        enc = b(enc, s);
      }
    }
    const l = enc.length;
    const back: number[] = [];
    if (l < 128) back.push(l);
    else if (l < 16384) back.push(l >> 7, (l & 127) | 128);
    else back.push(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
    entries.push(b(enc, back));
  }
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(6);
  head.writeUInt32LE(6 + body.length + 1, 0);
  head.writeUInt16LE(Math.min(items.length, 65535), 4);
  return b(head, body, [0xff]);
}

function ziplist(items: (string | number)[]): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  for (const it of items) {
    const prevlen =
      prev < 254
        ? Buffer.from([prev])
        : b(
            [0xfe],
            (() => {
              const o = Buffer.alloc(4);
              o.writeUInt32LE(prev);
              return o;
            })(),
          );
    let enc: Buffer;
    if (typeof it === 'number') {
      if (it >= 0 && it <= 12) enc = Buffer.from([0xf1 + it]);
      else if (it >= -128 && it < 128) enc = Buffer.from([0xfe, it & 0xff]);
      else if (it >= -32768 && it < 32768) {
        enc = Buffer.alloc(3);
        enc[0] = 0xc0;
        enc.writeInt16LE(it, 1);
      } else if (it >= -8388608 && it < 8388608) {
        enc = Buffer.alloc(4);
        enc[0] = 0xf0;
        enc.writeIntLE(it, 1, 3);
      } else if (it >= -2147483648 && it < 2147483648) {
        enc = Buffer.alloc(5);
        enc[0] = 0xd0;
        enc.writeInt32LE(it, 1);
      } else {
        enc = Buffer.alloc(9);
        enc[0] = 0xe0;
        enc.writeBigInt64LE(BigInt(it), 1);
      }
    } else {
      const s = Buffer.from(it);
      enc = s.length < 64 ? b([s.length], s) : b([0x40 | (s.length >> 8), s.length & 0xff], s);
    }
    const entry = b(prevlen, enc);
    entries.push(entry);
    prev = entry.length;
  }
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(10);
  head.writeUInt32LE(10 + body.length + 1, 0);
  head.writeUInt32LE(10 + body.length - prev, 4);
  head.writeUInt16LE(items.length, 8);
  return b(head, body, [0xff]);
}

function intset(values: number[], width: 2 | 4 | 8): Buffer {
  const o = Buffer.alloc(8 + values.length * width);
  o.writeUInt32LE(width, 0);
  o.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => {
    if (width === 2) o.writeInt16LE(v, 8 + 2 * i);
    else if (width === 4) o.writeInt32LE(v, 8 + 4 * i);
    else o.writeBigInt64LE(BigInt(v), 8 + 8 * i);
  });
  return o;
}

function zipmap(pairs: [string, string][]): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length])];
  for (const [k, v] of pairs) parts.push(b([k.length], k, [v.length, 1], v, [0]));
  return b(...parts, [0xff]);
}

const id16 = (msv: number, seq: number): Buffer => {
  const o = Buffer.alloc(16);
  o.writeBigUInt64BE(BigInt(msv));
  o.writeBigUInt64BE(BigInt(seq), 8);
  return o;
};

/** A stream of two entries (1000-1 with fields a,b; 1000-2 with field c), one deleted entry 1000-3, a group with one consumer. */
function streamValue(type: 15 | 19 | 21): Buffer {
  const lp = listpack([
    2,
    1,
    2,
    'a',
    'b',
    0, // master entry: count, deleted, 2 master fields, terminator
    2,
    0,
    1,
    'x',
    'y',
    4, // SAMEFIELDS entry 1000-1: a=x b=y
    0,
    0,
    2,
    1,
    'c',
    'z',
    6, // entry 1000-2 with its own field c=z
    3,
    0,
    3,
    'p',
    'q',
    4, // DELETED|SAMEFIELDS entry 1000-3
  ]);
  const parts: Buffer[] = [len(1), str(id16(1000, 0)), str(lp), len(2), len(1000), len(3)];
  if (type >= 19) parts.push(len(1000), len(1), len(1000), len(3), len(3));
  parts.push(len(1), str('grp'), len(1000), len(1));
  if (type >= 19) parts.push(len(1));
  parts.push(len(1), id16(1000, 1), ms(1700000000000), len(2)); // group PEL: 1000-1 delivered twice
  parts.push(len(1), str('alice'), ms(1700000000500));
  if (type >= 21) parts.push(ms(1700000000600));
  parts.push(len(1), id16(1000, 1));
  return b(...parts);
}

interface Kv {
  type: number;
  key: string | Buffer;
  value: Buffer;
  expireMs?: number;
  expireSec?: number;
  idle?: number;
  freq?: number;
}

function rdbFile(version: number, kvs: Kv[], extra: { crc?: 'ok' | 'zero' | 'bad'; db1?: Kv[] } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from(`REDIS${String(version).padStart(4, '0')}`)];
  parts.push(b([0xfa], str('redis-ver'), str('7.0.15')), b([0xfa], str('redis-bits'), int8(64)));
  parts.push(b([0xf5], str("#!lua name=lib\nredis.register_function('f', function() return 1 end)")));
  parts.push(b([0xf6], str('oldlib'), str('LUA'), len(1), str('a description'), str('return 1')));
  parts.push(b([0xf7], len(0), len(2), len(2), len(2), len(7), len(5), str('aux!'), len(0))); // module AUX: uint, string, EOF
  parts.push(b([0xfe], len(0), [0xfb], len(kvs.length), len(1), [0xf4], len(42), len(kvs.length), len(0)));
  const put = (kv: Kv): void => {
    if (kv.expireMs !== undefined) parts.push(b([0xfc], ms(kv.expireMs)));
    if (kv.expireSec !== undefined) {
      const o = Buffer.alloc(5);
      o[0] = 0xfd;
      o.writeInt32LE(kv.expireSec, 1);
      parts.push(o);
    }
    if (kv.idle !== undefined) parts.push(b([0xf8], len(kv.idle)));
    if (kv.freq !== undefined) parts.push(Buffer.from([0xf9, kv.freq]));
    parts.push(b([kv.type], typeof kv.key === 'string' ? str(kv.key) : kv.key, kv.value));
  };
  kvs.forEach(put);
  if (extra.db1) {
    parts.push(b([0xfe], len(1)));
    extra.db1.forEach(put);
  }
  parts.push(Buffer.from([0xff]));
  const body = Buffer.concat(parts);
  const crc = Buffer.alloc(8);
  if (extra.crc !== 'zero') new Crc64().update(body).writeLE(crc, 0);
  if (extra.crc === 'bad') crc[0] ^= 1;
  return b(body, crc);
}

/** Module id of type name "testtype1" with encoding version 3. */
function moduleId(): bigint {
  const cs = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let id = 0n;
  for (const ch of 'testtype1') id = (id << 6n) | BigInt(cs.indexOf(ch));
  return (id << 10n) | 3n;
}
const bigLen = (v: bigint): Buffer => {
  const o = Buffer.alloc(9);
  o[0] = 0x81;
  o.writeBigUInt64BE(v, 1);
  return o;
};

const ALL: Kv[] = [
  { type: 0, key: 'plain', value: str('hello') },
  { type: 0, key: int16(12345), value: int8(-7), expireMs: 4102444800000 },
  { type: 0, key: 'i32', value: int32(-2000000000), expireSec: 2000000000 },
  { type: 0, key: 'lzf', value: lzfStr(), idle: 99 },
  { type: 1, key: 'list1', value: b(len(3), str('a'), int8(5), str('c')), freq: 7 },
  { type: 2, key: 'set2', value: b(len(2), str('m1'), str('m2')) },
  { type: 3, key: 'zset3', value: b(len(4), str('a'), [3], '1.5', str('b'), [254], str('c'), [255], str('d'), [253]) },
  { type: 4, key: 'hash4', value: b(len(2), str('f1'), str('v1'), str('f2'), int8(2)) },
  { type: 5, key: 'zset5', value: b(len(2), str('a'), dbl(-0.25), str('b'), dbl(1e300)) },
  { type: 7, key: 'mod', value: b(bigLen(moduleId()), len(2), len(9), len(1), len(3), len(3), [0, 0, 0, 0], len(4), dbl(1), len(5), str('s'), len(0)) },
  {
    type: 9,
    key: 'zipmap9',
    value: str(
      zipmap([
        ['k1', 'v1'],
        ['k2', 'value2'],
      ]),
    ),
  },
  { type: 10, key: 'ziplist10', value: str(ziplist(['x', 5, -100, 1000, -70000, 3000000000, 'y'.repeat(100)])) },
  { type: 11, key: 'intset16', value: str(intset([-3, 1, 300], 2)) },
  { type: 11, key: 'intset64', value: str(intset([-(2 ** 40), 2 ** 40], 8)) },
  { type: 12, key: 'zsetzl12', value: str(ziplist(['a', 1, 'b', '2.5'])) },
  { type: 13, key: 'hashzl13', value: str(ziplist(['f', 'v', 'n', 12])) },
  { type: 14, key: 'ql14', value: b(len(2), str(ziplist(['a', 'b'])), str(ziplist([1, 2]))) },
  { type: 15, key: 'stream15', value: streamValue(15) },
  { type: 16, key: 'hashlp16', value: str(listpack(['f', 'v', 'n', 4000])) },
  { type: 17, key: 'zsetlp17', value: str(listpack(['a', 1, 'b', '-inf', 'c', '3.25'])) },
  { type: 18, key: 'ql18', value: b(len(2), len(2), str(listpack(['p', 100000, -5, 2 ** 40])), len(1), str('a plain node')) },
  { type: 19, key: 'stream19', value: streamValue(19) },
  { type: 20, key: 'setlp20', value: str(listpack(['m', 7, 'n'])) },
  { type: 21, key: 'stream21', value: streamValue(21) },
];

const s = (v: Buffer | undefined): string | undefined => v?.toString();
const keyRecords = (recs: readonly RdbRecord[]): RdbKeyRecord[] => recs.filter((r): r is RdbKeyRecord => r.kind === 'key');

function plain(v: RdbValue): unknown {
  return JSON.parse(
    JSON.stringify(v, (_k, x: unknown) => {
      if (x && typeof x === 'object' && (x as { type?: string }).type === 'Buffer' && Array.isArray((x as { data?: unknown }).data)) {
        return Buffer.from((x as { data: number[] }).data).toString();
      }
      return x;
    }),
  );
}

// ---------------------------------------------------------------- tests

describe('primitives', () => {
  test('CRC64 (Jones, reflected) matches Redis: check value and incremental use', () => {
    assert.equal(crc64(Buffer.from('123456789')).toString(16), 'e9c6d914c4b8d9ca');
    assert.equal(crc64(Buffer.alloc(0)), 0n);
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    const c = new Crc64();
    for (let i = 0; i < data.length; i += 7) c.update(data, i, Math.min(data.length, i + 7));
    assert.equal(c.value(), crc64(data));
  });

  test('LZF: literal runs, overlapping back references, malformed input refused', () => {
    assert.equal(lzfDecompress(Buffer.from([2, 0x61, 0x62, 0x63, 7 << 5, 2, 2]), 14).toString(), 'abcabcabcabcab');
    // a run of one byte repeated: back reference at distance 1 overlapping its own output
    assert.equal(lzfDecompress(Buffer.from([0, 0x7a, (3 << 5) | 0, 0]), 6).toString(), 'zzzzzz');
    assert.throws(() => lzfDecompress(Buffer.from([2, 0x61]), 3), /past the end/);
    assert.throws(() => lzfDecompress(Buffer.from([0x20, 5]), 3), /before the start/);
    assert.throws(() => lzfDecompress(Buffer.from([0, 0x61]), 5), /expected 5/);
  });

  test('key slots: CRC16 XMODEM and hash tags as Redis Cluster', () => {
    assert.equal(keyHashSlot('foo'), 12182);
    assert.equal(keyHashSlot('123456789'), 0x31c3 % 16384);
    assert.equal(keyHashSlot('{user1000}.following'), keyHashSlot('{user1000}.followers'));
    assert.equal(keyHashSlot('foo{}{bar}'), keyHashSlot('foo{}{bar}'));
    assert.notEqual(keyHashSlot('foo{}{bar}'), keyHashSlot('bar'));
    assert.equal(keyHashSlot('foo{{bar}}zap'), keyHashSlot('{bar'));
    assert.equal(keyHashSlot(Buffer.from('foo')), 12182);
  });

  test('listpack, ziplist and intset element encodings', () => {
    assert.deepEqual(
      decodeListpack(listpack([0, 127, 128, -1, -4096, 4095, 40000, -3000000, 2147483647, -(2 ** 40), 'hi', 'z'.repeat(100), 'w'.repeat(5000)])).map((e) =>
        Buffer.isBuffer(e) ? e.toString() : e,
      ),
      [0, 127, 128, -1, -4096, 4095, 40000, -3000000, 2147483647, -(2 ** 40), 'hi', 'z'.repeat(100), 'w'.repeat(5000)],
    );
    const big = Buffer.alloc(16);
    big.writeUInt32LE(16);
    big.writeUInt16LE(1, 4);
    big[6] = 0xf4;
    big.writeBigInt64LE(9223372036854775807n, 7);
    big[15] = 0xff;
    const lp = Buffer.concat([big.subarray(0, 15), Buffer.from([9, 0xff])]);
    lp.writeUInt32LE(lp.length);
    assert.deepEqual(decodeListpack(lp), [9223372036854775807n]);
    assert.deepEqual(
      decodeZiplist(ziplist([0, 12, 13, -128, 300, -70000, 3000000000, 'abc', 'q'.repeat(300)])).map((e) => (Buffer.isBuffer(e) ? e.toString() : e)),
      [0, 12, 13, -128, 300, -70000, 3000000000, 'abc', 'q'.repeat(300)],
    );
    assert.deepEqual(decodeIntset(intset([-5, 70000], 4)), [-5, 70000]);
    assert.throws(() => decodeIntset(Buffer.from([3, 0, 0, 0, 1, 0, 0, 0, 1, 2, 3])), RdbError);
    assert.throws(() => decodeListpack(Buffer.from([7, 0, 0, 0, 1, 0, 0xfe])), /listpack/);
  });
});

describe('a hand-built RDB with every value type', () => {
  const file = rdbFile(11, ALL, { db1: [{ type: 0, key: 'other-db', value: str('x') }] });

  test('records: aux, functions (both formats), module AUX, selectdb, resizedb, slot info, keys, eof', () => {
    const recs = parseRdbBuffer(file);
    const kinds = recs.map((r) => r.kind);
    assert.deepEqual(kinds.slice(0, 9), ['aux', 'aux', 'function', 'function', 'module-aux', 'selectdb', 'resizedb', 'slot-info', 'key']);
    assert.equal(recs[1]!.kind === 'aux' && recs[1]!.value.toString(), '64');
    assert.match(recs[2]!.kind === 'function' ? recs[2]!.code.toString() : '', /^#!lua name=lib/);
    assert.equal(recs[3]!.kind === 'function' ? recs[3]!.code.toString() : '', '#!LUA name=oldlib\nreturn 1');
    assert.deepEqual(recs[4], { kind: 'module-aux', moduleName: 'AAAAAAAAA' });
    assert.deepEqual(recs[7], { kind: 'slot-info', slot: 42, size: ALL.length, expiresSize: 0 });
    const last = recs[recs.length - 1]!;
    assert.deepEqual(last, { kind: 'eof', checksum: 'ok', trailingBytes: 0 });
    const keys = keyRecords(recs);
    assert.equal(keys.length, ALL.length + 1);
    assert.equal(keys[keys.length - 1]!.db, 1);
    assert.equal(s(keys[1]!.key), '12345');
    assert.equal(keys[1]!.expireMs, 4102444800000);
    assert.equal(keys[2]!.expireMs, 2000000000 * 1000);
    assert.equal(keys[0]!.expireMs, null);
    assert.equal(keys[3]!.lruIdle, 99);
    assert.equal(keys[4]!.lfuFreq, 7);
    assert.equal(keys[5]!.lfuFreq, null);
    assert.equal(keys.find((k) => s(k.key) === 'mod')!.moduleName, 'testtype1');
    // every value's bytes are exactly what was written after the key
    ALL.forEach((kv, i) => assert.ok(keys[i]!.value.equals(kv.value), `value bytes of ${s(keys[i]!.key)}`));
  });

  test('decoded values', () => {
    const keys = keyRecords(parseRdbBuffer(file));
    const v = (name: string): unknown => {
      const k = keys.find((x) => s(x.key) === name)!;
      return plain(decodeRdbValue(k.type, k.value));
    };
    assert.deepEqual(v('plain'), { type: 'string', value: 'hello' });
    assert.deepEqual(v('12345'), { type: 'string', value: '-7' });
    assert.deepEqual(v('i32'), { type: 'string', value: '-2000000000' });
    assert.deepEqual(v('lzf'), { type: 'string', value: 'abcabcabcabcab' });
    assert.deepEqual(v('list1'), { type: 'list', items: ['a', '5', 'c'] });
    assert.deepEqual(v('set2'), { type: 'set', members: ['m1', 'm2'] });
    const z3 = decodeRdbValue(3, keys.find((x) => s(x.key) === 'zset3')!.value);
    assert.ok(z3.type === 'zset');
    assert.deepEqual(
      z3.entries.map(([m, sc]) => [m.toString(), sc]),
      [
        ['a', 1.5],
        ['b', Infinity],
        ['c', -Infinity],
        ['d', NaN],
      ],
    );
    assert.deepEqual(v('hash4'), {
      type: 'hash',
      fields: [
        ['f1', 'v1'],
        ['f2', '2'],
      ],
    });
    assert.deepEqual(v('zset5'), {
      type: 'zset',
      entries: [
        ['a', -0.25],
        ['b', 1e300],
      ],
    });
    assert.deepEqual(v('mod'), { type: 'module', moduleName: 'testtype1' });
    assert.deepEqual(v('zipmap9'), {
      type: 'hash',
      fields: [
        ['k1', 'v1'],
        ['k2', 'value2'],
      ],
    });
    assert.deepEqual(v('ziplist10'), { type: 'list', items: ['x', '5', '-100', '1000', '-70000', '3000000000', 'y'.repeat(100)] });
    assert.deepEqual(v('intset16'), { type: 'set', members: ['-3', '1', '300'] });
    assert.deepEqual(v('intset64'), { type: 'set', members: [String(-(2 ** 40)), String(2 ** 40)] });
    assert.deepEqual(v('zsetzl12'), {
      type: 'zset',
      entries: [
        ['a', 1],
        ['b', 2.5],
      ],
    });
    assert.deepEqual(v('hashzl13'), {
      type: 'hash',
      fields: [
        ['f', 'v'],
        ['n', '12'],
      ],
    });
    assert.deepEqual(v('ql14'), { type: 'list', items: ['a', 'b', '1', '2'] });
    assert.deepEqual(v('hashlp16'), {
      type: 'hash',
      fields: [
        ['f', 'v'],
        ['n', '4000'],
      ],
    });
    const z17 = decodeRdbValue(17, keys.find((x) => s(x.key) === 'zsetlp17')!.value);
    assert.ok(z17.type === 'zset');
    assert.deepEqual(
      z17.entries.map(([m, sc]) => [m.toString(), sc]),
      [
        ['a', 1],
        ['b', -Infinity],
        ['c', 3.25],
      ],
    );
    assert.deepEqual(v('ql18'), { type: 'list', items: ['p', '100000', '-5', String(2 ** 40), 'a plain node'] });
    assert.deepEqual(v('setlp20'), { type: 'set', members: ['m', '7', 'n'] });
    for (const [name, type] of [
      ['stream15', 15],
      ['stream19', 19],
      ['stream21', 21],
    ] as const) {
      const st = v(name) as Record<string, unknown>;
      assert.deepEqual(
        st.entries,
        [
          {
            id: { ms: 1000, seq: 1 },
            fields: [
              ['a', 'x'],
              ['b', 'y'],
            ],
          },
          { id: { ms: 1000, seq: 2 }, fields: [['c', 'z']] },
        ],
        name,
      );
      assert.equal(st.length, 2);
      assert.deepEqual(st.lastId, { ms: 1000, seq: 3 });
      assert.equal(st.entriesAdded, type >= 19 ? 3 : undefined);
      const [g] = st.groups as Record<string, unknown>[];
      assert.equal(g!.name, 'grp');
      assert.equal(g!.entriesRead, type >= 19 ? 1 : undefined);
      assert.deepEqual(g!.pending, [{ id: { ms: 1000, seq: 1 }, deliveryTime: 1700000000000, deliveryCount: 2 }]);
      assert.deepEqual(g!.consumers, [
        { name: 'alice', seenTime: 1700000000500, ...(type >= 21 ? { activeTime: 1700000000600 } : {}), pending: [{ ms: 1000, seq: 1 }] },
      ]);
    }
  });

  test('fed in chunks of any size (1 byte, odd sizes), the records are the same', () => {
    const whole = keyRecords(parseRdbBuffer(file)).map((k) => [s(k.key), k.value.toString('hex'), k.expireMs]);
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const p = new RdbParser();
      const got: RdbRecord[] = [];
      for (let i = 0; i < file.length; i += size) {
        p.push(file.subarray(i, i + size));
        for (let r = p.next(); r; r = p.next()) got.push(r);
      }
      p.end();
      assert.ok(p.done, `chunk ${size}: reached the end`);
      assert.deepEqual(
        keyRecords(got).map((k) => [s(k.key), k.value.toString('hex'), k.expireMs]),
        whole,
        `chunk size ${size}`,
      );
    }
  });

  test('truncated anywhere: a "truncated" error, never a silent success', () => {
    for (let cut = 0; cut < file.length; cut++) {
      assert.throws(
        () => parseRdbBuffer(file.subarray(0, cut)),
        (e: unknown) => e instanceof RdbError && e.kind === 'truncated',
        `cut at ${cut}`,
      );
    }
  });

  test('checksum: a flipped bit is caught; a zero checksum means disabled; old versions have none', () => {
    assert.throws(
      () => parseRdbBuffer(rdbFile(10, ALL, { crc: 'bad' })),
      (e: unknown) => e instanceof RdbError && e.kind === 'checksum',
    );
    const damaged = Buffer.from(file);
    damaged[40] ^= 0x01;
    assert.throws(() => parseRdbBuffer(damaged), RdbError);
    const zero = parseRdbBuffer(rdbFile(10, ALL.slice(0, 3), { crc: 'zero' }));
    assert.deepEqual(zero[zero.length - 1], { kind: 'eof', checksum: 'disabled', trailingBytes: 0 });
    const v4 = Buffer.concat([Buffer.from('REDIS0004'), Buffer.from([0xfe, 0, 0x00]), str('k'), str('v'), Buffer.from([0xff])]);
    assert.deepEqual(
      parseRdbBuffer(v4).map((r) => r.kind),
      ['selectdb', 'key', 'eof'],
    );
  });

  test('unreadable input: bad signature, future version, unknown type, old-API module value', () => {
    assert.throws(() => parseRdbBuffer(Buffer.from('RODIS0010\xff', 'latin1')), /signature/);
    assert.throws(
      () => parseRdbBuffer(Buffer.from('REDIS0099\xff', 'latin1')),
      (e: unknown) => e instanceof RdbError && e.kind === 'unsupported',
    );
    assert.throws(() => parseRdbBuffer(rdbFile(10, [{ type: 30, key: 'k', value: str('v') }])), /unknown value type 30/);
    assert.throws(() => parseRdbBuffer(rdbFile(10, [{ type: 6, key: 'k', value: b(bigLen(moduleId()), len(0)) }])), /module type 'testtype1'/);
  });

  test('readRdbFile streams a file (small reads, values bigger than a read) and reports truncation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcm-rdb-'));
    try {
      const big = { type: 0, key: 'big', value: str('B'.repeat(300_000)) };
      const data = rdbFile(10, [...ALL, big]);
      const path = join(dir, 'a.rdb');
      writeFileSync(path, data);
      const recs: RdbRecord[] = [];
      const it = readRdbFile(path, { chunkSize: 1024 });
      let info;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          info = r.value;
          break;
        }
        recs.push(r.value);
      }
      assert.deepEqual(info, { size: data.length, version: 10 });
      assert.equal(keyRecords(recs).find((k) => s(k.key) === 'big')!.value.length, big.value.length);
      assert.equal(keyRecords(recs).length, ALL.length + 1);
      writeFileSync(path, data.subarray(0, data.length - 200_000));
      await assert.rejects(
        async () => {
          for await (const _ of readRdbFile(path)) {
            /* drain */
          }
        },
        (e: unknown) => e instanceof RdbError && e.kind === 'truncated',
      );
      writeFileSync(path, Buffer.concat([data, Buffer.from('stale tail of an older, longer file')]));
      const tail: RdbRecord[] = [];
      for await (const r of readRdbFile(path)) tail.push(r);
      assert.deepEqual(tail[tail.length - 1], { kind: 'eof', checksum: 'ok', trailingBytes: 35 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DUMP payloads', () => {
  test('type + value + version + CRC64, and back', () => {
    const p = dumpPayload(0, str('hello'), 10);
    assert.equal(p.toString('hex').slice(0, 16), '000568656c6c6f0a');
    assert.equal(p.length, 1 + 6 + 2 + 8);
    assert.equal(p.readBigUInt64LE(p.length - 8), crc64(p.subarray(0, p.length - 8)));
    const back = parseDumpPayload(p);
    assert.equal(back.type, 0);
    assert.equal(back.rdbVersion, 10);
    assert.equal(decodeRdbValue(back.type, back.value).type, 'string');
    const bad = Buffer.from(p);
    bad[3] ^= 1;
    assert.throws(() => parseDumpPayload(bad), /checksum/);
  });

  test('a known payload: DUMP of the string "hello" as Redis 7.0 writes it', () => {
    // redis-cli DUMP of SET k hello on 7.0.15: "\x00\x05hello\n\x00" + CRC64
    const p = dumpPayload(0, str('hello'), 10);
    assert.equal(p.subarray(0, 9).toString('latin1'), '\x00\x05hello\n\x00');
  });
});

describe('a real RDB file written by Redis 7.0.15 (test/fixtures/rdb)', () => {
  const data = readFileSync(join(__dirname, '..', 'fixtures', 'rdb', 'redis-7.0.15-types.rdb'));
  const recs = parseRdbBuffer(data);
  const keys = keyRecords(recs);
  const value = (name: string): RdbValue => {
    const k = keys.find((x) => s(x.key) === name);
    assert.ok(k, name);
    return decodeRdbValue(k.type, k.value);
  };

  test('structure: version 10, aux fields, the function library, two databases, checksum ok', () => {
    assert.equal(data.subarray(0, 9).toString(), 'REDIS0010');
    const aux = Object.fromEntries(recs.flatMap((r) => (r.kind === 'aux' ? [[r.name, r.value.toString()]] : [])));
    assert.equal(aux['redis-ver'], '7.0.15');
    const fn = recs.find((r) => r.kind === 'function');
    assert.match(fn && fn.kind === 'function' ? fn.code.toString() : '', /name=fixturelib/);
    assert.equal(keys.length, 16);
    assert.deepEqual(
      keys.filter((k) => k.db === 1).map((k) => s(k.key)),
      ['db1:key'],
    );
    assert.deepEqual(recs[recs.length - 1], { kind: 'eof', checksum: 'ok', trailingBytes: 0 });
    assert.equal(keys.find((k) => s(k.key) === 'str:ttl')!.expireMs, 4102444800000);
  });

  test('values of every 7.0 encoding', () => {
    const str1 = (n: string): string => {
      const v = value(n);
      assert.ok(v.type === 'string');
      return v.value.toString('latin1');
    };
    assert.equal(str1('str:plain'), 'hello world');
    assert.equal(str1('str:int'), '-12345');
    assert.equal(str1('12345'), 'key stored as an integer');
    assert.equal(str1('str:lzf'), 'abcdefghij'.repeat(50));
    assert.equal(str1('str:bin'), Buffer.from([0, 1, 2, 255, 254, 13, 10]).toString('latin1'));
    const list = (n: string): string[] => {
      const v = value(n);
      assert.ok(v.type === 'list');
      return v.items.map((x) => x.toString());
    };
    assert.deepEqual(list('list:small'), ['a', 'b', '1', '-5', '100000', '9223372036854775807', '-9223372036854775808', 'x'.repeat(70)]);
    assert.deepEqual(
      list('list:big'),
      Array.from({ length: 300 }, (_, i) => `item:${i}:` + 'y'.repeat(80)),
    );
    const set = (n: string): string[] => {
      const v = value(n);
      assert.ok(v.type === 'set');
      return v.members.map((x) => x.toString()).sort();
    };
    assert.deepEqual(set('set:int'), ['-100000', '1', '2', '3', '7000000000']);
    assert.deepEqual(set('set:str'), ['alpha', 'beta', 'gamma']);
    const zset = (n: string): [string, number][] => {
      const v = value(n);
      assert.ok(v.type === 'zset');
      return v.entries.map(([m, sc]) => [m.toString(), sc]);
    };
    assert.deepEqual(zset('zset:small'), [
      ['e', -Infinity],
      ['c', -3],
      ['a', 1],
      ['b', 2.5],
      ['d', Infinity],
    ]);
    assert.deepEqual(
      zset('zset:big').sort((x, y) => x[1] - y[1]),
      Array.from({ length: 200 }, (_, i) => [`m${i}`, i / 4]),
    );
    const hash = (n: string): [string, string][] => {
      const v = value(n);
      assert.ok(v.type === 'hash');
      return v.fields.map(([f, x]) => [f.toString(), x.toString()] as [string, string]).sort();
    };
    assert.deepEqual(hash('hash:small'), [
      ['f1', 'v1'],
      ['f2', '2'],
      ['f3', ''],
    ]);
    assert.equal(hash('hash:big').length, 200);
    const st = value('stream:1');
    assert.ok(st.type === 'stream');
    assert.equal(st.length, 20);
    assert.equal(st.entries.length, 20);
    assert.deepEqual(st.entries.map((e) => `${e.id.ms}-${e.id.seq}`).slice(0, 3), ['1700000000000-1', '1700000000000-3', '1700000000000-4']);
    assert.deepEqual(
      st.entries[st.entries.length - 1]!.fields.map(([f, x]) => [f.toString(), x.toString()]),
      [
        ['other', 'fields'],
        ['x', '1'],
      ],
    );
    assert.deepEqual(st.maxDeletedId, { ms: 1700000000000, seq: 2 });
    assert.equal(st.entriesAdded, 21);
    assert.deepEqual(
      st.groups.map((g) => [g.name.toString(), g.pending.length, g.consumers.map((c) => [c.name.toString(), c.pending.length])]),
      [
        [
          'g1',
          4,
          [
            ['alice', 2],
            ['bob', 2],
          ],
        ],
        ['g2', 0, []],
      ],
    );
  });

  test('every key survives DUMP-payload framing (value bytes, version 10, CRC64)', () => {
    for (const k of keys) {
      const p = dumpPayload(k.type, k.value, 10);
      const back = parseDumpPayload(p);
      assert.ok(back.value.equals(k.value));
    }
  });
});
