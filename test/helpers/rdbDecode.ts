/**
 * Decoding serialized values (the bytes of a key record, or of a DUMP
 * payload without its footer) into plain data: strings, lists, sets, sorted
 * sets, hashes (including their ziplist, listpack, intset and zipmap
 * encodings) and streams (entries, consumer groups, pending entries).
 */
import { ByteCursor, RdbError } from '../../src/engine/data/rdbCursor';
import { moduleTypeName, RdbType } from '../../src/engine/data/rdbFormat';

export interface StreamId {
  readonly ms: number;
  readonly seq: number;
}

export interface StreamGroup {
  readonly name: Buffer;
  readonly lastId: StreamId;
  /** RDB_TYPE_STREAM_LISTPACKS_2 and later; null when the server does not know it (stored as 2^64-1). */
  readonly entriesRead?: number | null;
  readonly pending: readonly { readonly id: StreamId; readonly deliveryTime: number; readonly deliveryCount: number }[];
  readonly consumers: readonly { readonly name: Buffer; readonly seenTime: number; readonly activeTime?: number; readonly pending: readonly StreamId[] }[];
}

export type RdbValue =
  | { readonly type: 'string'; readonly value: Buffer }
  | { readonly type: 'list'; readonly items: readonly Buffer[] }
  | { readonly type: 'set'; readonly members: readonly Buffer[] }
  | { readonly type: 'zset'; readonly entries: readonly (readonly [Buffer, number])[] }
  | { readonly type: 'hash'; readonly fields: readonly (readonly [Buffer, Buffer])[] }
  | {
      readonly type: 'stream';
      readonly entries: readonly { readonly id: StreamId; readonly fields: readonly (readonly [Buffer, Buffer])[] }[];
      readonly length: number;
      readonly lastId: StreamId;
      readonly firstId?: StreamId;
      readonly maxDeletedId?: StreamId;
      readonly entriesAdded?: number;
      readonly groups: readonly StreamGroup[];
    }
  | { readonly type: 'module'; readonly moduleName: string };

/** A listpack/ziplist element: bytes, or an integer (bigint beyond ±2^53). */
export type PackedElement = Buffer | number | bigint;

function valueCursor(buf: Buffer, what: string): ByteCursor {
  return new ByteCursor(buf, 0, buf.length, (needed) => {
    throw new RdbError('corrupt', `${what} ends early (needs byte ${needed} of ${buf.length})`, buf.length);
  });
}

export function elementBytes(e: PackedElement): Buffer {
  return Buffer.isBuffer(e) ? e : Buffer.from(String(e));
}

function elementNumber(e: PackedElement): number {
  if (typeof e === 'number') return e;
  if (typeof e === 'bigint') return Number(e);
  const s = e.toString('latin1');
  if (/^[+]?inf$/i.test(s)) return Infinity;
  if (/^-inf$/i.test(s)) return -Infinity;
  const n = Number(s);
  if (Number.isNaN(n)) throw new RdbError('corrupt', `"${s}" is not a number`, 0);
  return n;
}

function int64(buf: Buffer, at: number): number | bigint {
  const v = buf.readBigInt64LE(at);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** The elements of a listpack blob. */
export function decodeListpack(lp: Buffer): PackedElement[] {
  if (lp.length < 7) throw new RdbError('corrupt', 'listpack shorter than its header', 0);
  const total = lp.readUInt32LE(0);
  if (total !== lp.length) throw new RdbError('corrupt', `listpack says ${total} bytes, has ${lp.length}`, 0);
  const out: PackedElement[] = [];
  let p = 6;
  const need = (n: number): void => {
    if (p + n > lp.length) throw new RdbError('corrupt', 'listpack entry past the end', p);
  };
  for (;;) {
    need(1);
    const b = lp[p]!;
    if (b === 0xff) break;
    let entryLen: number;
    if ((b & 0x80) === 0) {
      // 0xxxxxxx: 7-bit unsigned
      out.push(b & 0x7f);
      entryLen = 1;
    } else if ((b & 0xc0) === 0x80) {
      // 10xxxxxx: 6-bit length string
      const n = b & 0x3f;
      need(1 + n);
      out.push(Buffer.from(lp.subarray(p + 1, p + 1 + n)));
      entryLen = 1 + n;
    } else if ((b & 0xe0) === 0xc0) {
      // 110xxxxx yyyyyyyy: 13-bit signed
      need(2);
      let v = ((b & 0x1f) << 8) | lp[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(v);
      entryLen = 2;
    } else if ((b & 0xf0) === 0xe0) {
      // 1110xxxx yyyyyyyy: 12-bit length string
      need(2);
      const n = ((b & 0x0f) << 8) | lp[p + 1]!;
      need(2 + n);
      out.push(Buffer.from(lp.subarray(p + 2, p + 2 + n)));
      entryLen = 2 + n;
    } else {
      switch (b) {
        case 0xf0: {
          // 32-bit length string
          need(5);
          const n = lp.readUInt32LE(p + 1);
          need(5 + n);
          out.push(Buffer.from(lp.subarray(p + 5, p + 5 + n)));
          entryLen = 5 + n;
          break;
        }
        case 0xf1:
          need(3);
          out.push(lp.readInt16LE(p + 1));
          entryLen = 3;
          break;
        case 0xf2:
          need(4);
          out.push(lp.readIntLE(p + 1, 3));
          entryLen = 4;
          break;
        case 0xf3:
          need(5);
          out.push(lp.readInt32LE(p + 1));
          entryLen = 5;
          break;
        case 0xf4:
          need(9);
          out.push(int64(lp, p + 1));
          entryLen = 9;
          break;
        default:
          throw new RdbError('corrupt', `invalid listpack encoding byte 0x${b.toString(16)}`, p);
      }
    }
    // The back-length: the entry length in 7-bit groups.
    const back = entryLen < 128 ? 1 : entryLen < 16384 ? 2 : entryLen < 2097152 ? 3 : entryLen < 268435456 ? 4 : 5;
    p += entryLen + back;
  }
  return out;
}

/** The elements of a ziplist blob (RDB types 10, 12, 13 and quicklist v1 nodes). */
export function decodeZiplist(zl: Buffer): PackedElement[] {
  if (zl.length < 11) throw new RdbError('corrupt', 'ziplist shorter than its header', 0);
  const out: PackedElement[] = [];
  let p = 10;
  const need = (n: number): void => {
    if (p + n > zl.length) throw new RdbError('corrupt', 'ziplist entry past the end', p);
  };
  for (;;) {
    need(1);
    if (zl[p] === 0xff) break;
    // previous entry length: 1 byte, or 0xfe + 4 bytes
    p += zl[p] === 0xfe ? 5 : 1;
    need(1);
    const b = zl[p]!;
    switch (b >> 6) {
      case 0: {
        const n = b & 0x3f;
        need(1 + n);
        out.push(Buffer.from(zl.subarray(p + 1, p + 1 + n)));
        p += 1 + n;
        continue;
      }
      case 1: {
        need(2);
        const n = ((b & 0x3f) << 8) | zl[p + 1]!;
        need(2 + n);
        out.push(Buffer.from(zl.subarray(p + 2, p + 2 + n)));
        p += 2 + n;
        continue;
      }
      case 2: {
        need(5);
        const n = zl.readUInt32BE(p + 1);
        need(5 + n);
        out.push(Buffer.from(zl.subarray(p + 5, p + 5 + n)));
        p += 5 + n;
        continue;
      }
      default:
        break;
    }
    switch (b) {
      case 0xc0:
        need(3);
        out.push(zl.readInt16LE(p + 1));
        p += 3;
        break;
      case 0xd0:
        need(5);
        out.push(zl.readInt32LE(p + 1));
        p += 5;
        break;
      case 0xe0:
        need(9);
        out.push(int64(zl, p + 1));
        p += 9;
        break;
      case 0xf0:
        need(4);
        out.push(zl.readIntLE(p + 1, 3));
        p += 4;
        break;
      case 0xfe:
        need(2);
        out.push(zl.readInt8(p + 1));
        p += 2;
        break;
      default:
        if (b >= 0xf1 && b <= 0xfd) {
          out.push((b & 0x0f) - 1);
          p += 1;
          break;
        }
        throw new RdbError('corrupt', `invalid ziplist encoding byte 0x${b.toString(16)}`, p);
    }
  }
  return out;
}

/** The members of an intset blob. */
export function decodeIntset(is: Buffer): (number | bigint)[] {
  if (is.length < 8) throw new RdbError('corrupt', 'intset shorter than its header', 0);
  const width = is.readUInt32LE(0);
  const n = is.readUInt32LE(4);
  if (![2, 4, 8].includes(width) || 8 + width * n !== is.length) throw new RdbError('corrupt', `intset of ${n} × ${width} bytes has ${is.length} bytes`, 0);
  const out: (number | bigint)[] = [];
  for (let i = 0; i < n; i++) {
    const at = 8 + i * width;
    out.push(width === 2 ? is.readInt16LE(at) : width === 4 ? is.readInt32LE(at) : int64(is, at));
  }
  return out;
}

/** Field/value pairs of a zipmap blob (RDB type 9, Redis < 2.6). */
export function decodeZipmap(zm: Buffer): [Buffer, Buffer][] {
  const out: [Buffer, Buffer][] = [];
  let p = 1;
  const need = (n: number): void => {
    if (p + n > zm.length) throw new RdbError('corrupt', 'zipmap entry past the end', p);
  };
  const len = (): number => {
    need(1);
    const b = zm[p]!;
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      need(5);
      const n = zm.readUInt32LE(p + 1);
      p += 5;
      return n;
    }
    return -1;
  };
  for (;;) {
    const klen = len();
    if (klen < 0) break;
    need(klen);
    const field = Buffer.from(zm.subarray(p, p + klen));
    p += klen;
    const vlen = len();
    if (vlen < 0) throw new RdbError('corrupt', 'zipmap ends after a field', p);
    need(1);
    const free = zm[p]!;
    p += 1;
    need(vlen + free);
    out.push([field, Buffer.from(zm.subarray(p, p + vlen))]);
    p += vlen + free;
  }
  return out;
}

function pairs<T>(items: readonly T[], what: string): [T, T][] {
  if (items.length % 2 !== 0) throw new RdbError('corrupt', `${what} has an odd number of elements`, 0);
  const out: [T, T][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i]!, items[i + 1]!]);
  return out;
}

function rawStreamId(b: Buffer, at = 0): StreamId {
  return { ms: Number(b.readBigUInt64BE(at)), seq: Number(b.readBigUInt64BE(at + 8)) };
}

const STREAM_ITEM_FLAG_DELETED = 1;
const STREAM_ITEM_FLAG_SAMEFIELDS = 2;

/** A 64-bit counter or id part (exact up to 2^53). */
function u64(c: ByteCursor): number {
  return Number(c.lenBig());
}

function decodeStream(c: ByteCursor, type: number): RdbValue {
  const entries: { id: StreamId; fields: [Buffer, Buffer][] }[] = [];
  const nodes = c.len();
  for (let i = 0; i < nodes; i++) {
    const master = c.string();
    if (master.length !== 16) c.corrupt('stream node key is not a 16-byte id');
    const base = rawStreamId(master);
    const lp = decodeListpack(c.string());
    let k = 0;
    const next = (): PackedElement => {
      if (k >= lp.length) throw new RdbError('corrupt', 'stream listpack ends inside an entry', 0);
      return lp[k++]!;
    };
    const num = (): number => elementNumber(next());
    const count = num();
    const deleted = num();
    const masterFieldCount = num();
    const masterFields: Buffer[] = [];
    for (let f = 0; f < masterFieldCount; f++) masterFields.push(elementBytes(next()));
    next(); // master entry terminator
    for (let e = 0; e < count + deleted; e++) {
      const flags = num();
      const id = { ms: base.ms + num(), seq: base.seq + num() };
      const fields: [Buffer, Buffer][] = [];
      if (flags & STREAM_ITEM_FLAG_SAMEFIELDS) {
        for (const f of masterFields) fields.push([f, elementBytes(next())]);
      } else {
        const n = num();
        for (let f = 0; f < n; f++) fields.push([elementBytes(next()), elementBytes(next())]);
      }
      next(); // lp-count
      if (!(flags & STREAM_ITEM_FLAG_DELETED)) entries.push({ id, fields });
    }
  }
  const length = u64(c);
  const lastId = { ms: u64(c), seq: u64(c) };
  let firstId: StreamId | undefined;
  let maxDeletedId: StreamId | undefined;
  let entriesAdded: number | undefined;
  if (type >= RdbType.STREAM_LISTPACKS_2) {
    firstId = { ms: u64(c), seq: u64(c) };
    maxDeletedId = { ms: u64(c), seq: u64(c) };
    entriesAdded = u64(c);
  }
  const groups: StreamGroup[] = [];
  const groupCount = c.len();
  for (let g = 0; g < groupCount; g++) {
    const name = c.string();
    const groupLast = { ms: u64(c), seq: u64(c) };
    let entriesRead: number | null | undefined;
    if (type >= RdbType.STREAM_LISTPACKS_2) {
      const v = c.lenBig();
      entriesRead = v === 0xffffffffffffffffn ? null : Number(v);
    }
    const pending: { id: StreamId; deliveryTime: number; deliveryCount: number }[] = [];
    const pelSize = c.len();
    for (let p = 0; p < pelSize; p++) {
      const id = rawStreamId(c.bytes(16));
      pending.push({ id, deliveryTime: c.msTime(), deliveryCount: u64(c) });
    }
    const consumers: { name: Buffer; seenTime: number; activeTime?: number; pending: StreamId[] }[] = [];
    const consumerCount = c.len();
    for (let k = 0; k < consumerCount; k++) {
      const cname = c.string();
      const seenTime = c.msTime();
      const activeTime = type >= RdbType.STREAM_LISTPACKS_3 ? c.msTime() : undefined;
      const own: StreamId[] = [];
      const ownCount = c.len();
      for (let p = 0; p < ownCount; p++) own.push(rawStreamId(c.bytes(16)));
      consumers.push({ name: cname, seenTime, ...(activeTime !== undefined ? { activeTime } : {}), pending: own });
    }
    groups.push({ name, lastId: groupLast, ...(entriesRead !== undefined ? { entriesRead } : {}), pending, consumers });
  }
  return {
    type: 'stream',
    entries,
    length,
    lastId,
    ...(firstId ? { firstId, maxDeletedId, entriesAdded } : {}),
    groups,
  };
}

/** Decodes the serialized value of RDB type `type`. Throws RdbError on malformed data. */
export function decodeRdbValue(type: number, value: Buffer): RdbValue {
  const c = valueCursor(value, 'value');
  const strings = (n: number): Buffer[] => {
    const out: Buffer[] = [];
    for (let i = 0; i < n; i++) out.push(c.string());
    return out;
  };
  let result: RdbValue;
  switch (type) {
    case RdbType.STRING:
      result = { type: 'string', value: c.string() };
      break;
    case RdbType.LIST:
      result = { type: 'list', items: strings(c.len()) };
      break;
    case RdbType.SET:
      result = { type: 'set', members: strings(c.len()) };
      break;
    case RdbType.ZSET:
    case RdbType.ZSET_2: {
      const n = c.len();
      const entries: [Buffer, number][] = [];
      for (let i = 0; i < n; i++) entries.push([c.string(), type === RdbType.ZSET ? c.oldDouble() : c.double()]);
      result = { type: 'zset', entries };
      break;
    }
    case RdbType.HASH: {
      const n = c.len();
      const fields: [Buffer, Buffer][] = [];
      for (let i = 0; i < n; i++) fields.push([c.string(), c.string()]);
      result = { type: 'hash', fields };
      break;
    }
    case RdbType.HASH_ZIPMAP:
      result = { type: 'hash', fields: decodeZipmap(c.string()) };
      break;
    case RdbType.LIST_ZIPLIST:
      result = { type: 'list', items: decodeZiplist(c.string()).map(elementBytes) };
      break;
    case RdbType.SET_INTSET:
      result = { type: 'set', members: decodeIntset(c.string()).map((v) => Buffer.from(String(v))) };
      break;
    case RdbType.SET_LISTPACK:
      result = { type: 'set', members: decodeListpack(c.string()).map(elementBytes) };
      break;
    case RdbType.ZSET_ZIPLIST:
    case RdbType.ZSET_LISTPACK: {
      const blob = c.string();
      const items = type === RdbType.ZSET_ZIPLIST ? decodeZiplist(blob) : decodeListpack(blob);
      result = { type: 'zset', entries: pairs(items, 'sorted set').map(([m, s]) => [elementBytes(m), elementNumber(s)] as [Buffer, number]) };
      break;
    }
    case RdbType.HASH_ZIPLIST:
    case RdbType.HASH_LISTPACK: {
      const blob = c.string();
      const items = type === RdbType.HASH_ZIPLIST ? decodeZiplist(blob) : decodeListpack(blob);
      result = { type: 'hash', fields: pairs(items.map(elementBytes), 'hash') };
      break;
    }
    case RdbType.LIST_QUICKLIST: {
      const n = c.len();
      const items: Buffer[] = [];
      for (let i = 0; i < n; i++) for (const e of decodeZiplist(c.string())) items.push(elementBytes(e));
      result = { type: 'list', items };
      break;
    }
    case RdbType.LIST_QUICKLIST_2: {
      const n = c.len();
      const items: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        const container = c.len();
        const blob = c.string();
        if (container === 1)
          items.push(blob); // a plain node: one big element
        else if (container === 2) for (const e of decodeListpack(blob)) items.push(elementBytes(e));
        else c.corrupt(`unknown quicklist node container ${container}`);
      }
      result = { type: 'list', items };
      break;
    }
    case RdbType.STREAM_LISTPACKS:
    case RdbType.STREAM_LISTPACKS_2:
    case RdbType.STREAM_LISTPACKS_3:
      result = decodeStream(c, type);
      break;
    case RdbType.MODULE_2:
    case RdbType.MODULE:
      return { type: 'module', moduleName: moduleTypeName(c.lenBig()) };
    default:
      throw new RdbError('unsupported', `unknown value type ${type}`, 0);
  }
  if (c.pos !== value.length) throw new RdbError('corrupt', `${value.length - c.pos} bytes left after the value`, c.pos);
  return result;
}
