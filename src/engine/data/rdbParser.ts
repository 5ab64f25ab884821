/**
 * A streaming RDB parser: feed it the file in chunks of any size, take
 * records out one by one. It finds the boundaries of every value type Redis
 * ≤ 7.2 writes (and of module values written with module API v2) without
 * decoding the values: a key record carries the value's serialized bytes,
 * which are exactly what DUMP/RESTORE payloads contain. The CRC64 of the
 * file is computed as it goes and checked at the end.
 *
 * A record is parsed from a committed position; when the buffered bytes end
 * inside it, `next()` returns null and the record is parsed again once more
 * bytes were pushed (records are small; big ones are read in one go because
 * the parser says how many bytes it needs).
 */
import { Crc64 } from './crc64';
import { ByteCursor, RdbError } from './rdbCursor';
import { ModuleOpcode, moduleTypeName, RDB_MAX_VERSION, RdbOpcode, RdbType } from './rdbFormat';

export type RdbRecord =
  | { readonly kind: 'aux'; readonly name: string; readonly value: Buffer }
  | { readonly kind: 'selectdb'; readonly db: number }
  | { readonly kind: 'resizedb'; readonly dbSize: number; readonly expiresSize: number }
  | { readonly kind: 'slot-info'; readonly slot: number; readonly size: number; readonly expiresSize: number }
  /** A function library (FUNCTION LOAD source). */
  | { readonly kind: 'function'; readonly code: Buffer }
  | { readonly kind: 'module-aux'; readonly moduleName: string }
  | RdbKeyRecord
  | { readonly kind: 'eof'; readonly checksum: 'ok' | 'disabled' | 'absent'; readonly trailingBytes: number };

export interface RdbKeyRecord {
  readonly kind: 'key';
  readonly db: number;
  readonly key: Buffer;
  /** The RDB value type (see RdbType). */
  readonly type: number;
  /** The value's serialized bytes (after the key), as in a DUMP payload. */
  readonly value: Buffer;
  /** Absolute expiry in ms since the epoch, or null. */
  readonly expireMs: number | null;
  /** LRU idle seconds / LFU frequency when the file carries them. */
  readonly lruIdle: number | null;
  readonly lfuFreq: number | null;
  /** For module values: the module type name (the value cannot be restored without the module). */
  readonly moduleName?: string;
  /** File offset of the record. */
  readonly offset: number;
}

const NEED_MORE = Symbol('need-more');

export class RdbParser {
  /** RDB version from the header (0 until it was read). */
  version = 0;
  private buf: Buffer = Buffer.alloc(0);
  /** Committed position in buf. */
  private pos = 0;
  /** Absolute file offset of buf[0]. */
  private base = 0;
  private ended = false;
  private finished = false;
  private db = 0;
  private expire: number | null = null;
  private idle: number | null = null;
  private freq: number | null = null;
  private readonly crc = new Crc64();
  /** Absolute offset the last incomplete record needs to reach. */
  private neededEnd = 0;
  private readonly cursor: ByteCursor;

  constructor() {
    this.cursor = new ByteCursor(this.buf, 0, 0, (needed) => {
      this.neededEnd = this.base + needed;
      throw NEED_MORE;
    });
  }

  /** Bytes consumed so far (file offset of the next record). */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes buffered beyond the committed position. */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  /** After next() returned null: how many more bytes the current record needs at least. */
  get shortBy(): number {
    return Math.max(1, this.neededEnd - (this.base + this.buf.length));
  }

  /** The absolute file offset the current record needs to reach. */
  get neededOffset(): number {
    return this.neededEnd;
  }

  get done(): boolean {
    return this.finished;
  }

  push(chunk: Buffer): void {
    if (this.ended) throw new Error('RdbParser: push after end');
    if (this.pos === this.buf.length) {
      this.base += this.pos;
      this.buf = chunk;
    } else {
      const rest = this.buf.subarray(this.pos);
      this.base += this.pos;
      this.buf = Buffer.concat([rest, chunk]);
    }
    this.pos = 0;
  }

  /** No more data will come: an incomplete record is now a truncation error. */
  end(): void {
    this.ended = true;
  }

  /** The next record; null when more data is needed (or after the EOF record). */
  next(): RdbRecord | null {
    if (this.finished) return null;
    const c = this.cursor;
    c.buf = this.buf;
    c.base = this.base;
    c.end = this.buf.length;
    for (;;) {
      c.pos = this.pos;
      try {
        if (this.version === 0) {
          this.readHeader(c);
          this.commit(c.pos);
          continue;
        }
        const rec = this.readUnit(c);
        if (rec === undefined) continue; // an opcode that only sets state (expire, idle, freq)
        return rec;
      } catch (e) {
        if (e !== NEED_MORE) throw e;
        if (this.ended) {
          throw new RdbError(
            'truncated',
            `the file ends at byte ${this.base + this.buf.length} inside a record that starts at byte ${this.offset} (${this.neededEnd - this.base - this.buf.length} more bytes needed): the file is truncated`,
            this.offset,
          );
        }
        return null;
      }
    }
  }

  private commit(to: number): void {
    this.crc.update(this.buf, this.pos, to);
    this.pos = to;
  }

  private readHeader(c: ByteCursor): void {
    const head = c.bytes(9);
    if (head.toString('latin1', 0, 5) !== 'REDIS') {
      throw new RdbError('corrupt', 'not an RDB file (the "REDIS" signature is missing)', 0);
    }
    const digits = head.toString('latin1', 5, 9);
    const version = /^\d{4}$/.test(digits) ? Number(digits) : NaN;
    if (!(version >= 1 && version <= RDB_MAX_VERSION)) {
      throw new RdbError('unsupported', `RDB format version "${digits}" is not supported (1..${RDB_MAX_VERSION})`, 5);
    }
    this.version = version;
  }

  /** Parses one opcode or key at the committed position; undefined for a state-only opcode. */
  private readUnit(c: ByteCursor): RdbRecord | undefined {
    const start = c.pos;
    const type = c.u8();
    switch (type) {
      case RdbOpcode.EXPIRETIME_MS: {
        const t = c.msTime();
        this.commit(c.pos);
        this.expire = t;
        return undefined;
      }
      case RdbOpcode.EXPIRETIME: {
        const t = c.secTime() * 1000;
        this.commit(c.pos);
        this.expire = t;
        return undefined;
      }
      case RdbOpcode.IDLE: {
        const v = c.len();
        this.commit(c.pos);
        this.idle = v;
        return undefined;
      }
      case RdbOpcode.FREQ: {
        const v = c.u8();
        this.commit(c.pos);
        this.freq = v;
        return undefined;
      }
      case RdbOpcode.SELECTDB: {
        const db = c.len();
        this.commit(c.pos);
        this.db = db;
        return { kind: 'selectdb', db };
      }
      case RdbOpcode.RESIZEDB: {
        const dbSize = c.len();
        const expiresSize = c.len();
        this.commit(c.pos);
        return { kind: 'resizedb', dbSize, expiresSize };
      }
      case RdbOpcode.SLOT_INFO: {
        const slot = c.len();
        const size = c.len();
        const expiresSize = c.len();
        this.commit(c.pos);
        return { kind: 'slot-info', slot, size, expiresSize };
      }
      case RdbOpcode.AUX: {
        const name = c.string().toString('latin1');
        const value = c.string();
        this.commit(c.pos);
        return { kind: 'aux', name, value };
      }
      case RdbOpcode.MODULE_AUX: {
        const id = c.lenBig();
        const whenOpcode = c.len();
        c.len(); // when
        if (whenOpcode !== ModuleOpcode.UINT) c.corrupt(`bad "when" opcode ${whenOpcode} in module AUX data`);
        skipModuleValue(c);
        this.commit(c.pos);
        return { kind: 'module-aux', moduleName: moduleTypeName(id) };
      }
      case RdbOpcode.FUNCTION2: {
        const code = c.string();
        this.commit(c.pos);
        return { kind: 'function', code };
      }
      case RdbOpcode.FUNCTION_PRE_GA: {
        // Redis 7.0 release candidates: name, engine, optional description, code.
        const name = c.string().toString();
        const engine = c.string().toString();
        if (c.len() !== 0) c.skipString();
        const body = c.string();
        this.commit(c.pos);
        return { kind: 'function', code: Buffer.concat([Buffer.from(`#!${engine} name=${name}\n`), body]) };
      }
      case RdbOpcode.EOF: {
        let checksum: 'ok' | 'disabled' | 'absent' = 'absent';
        if (this.version >= 5) {
          c.need(8);
          this.crc.update(this.buf, this.pos, c.pos); // the checksum covers the EOF opcode
          const stored = c.bytes(8);
          if (stored.readBigUInt64LE(0) === 0n) checksum = 'disabled';
          else if (this.crc.matchesLE(stored, 0)) checksum = 'ok';
          else {
            throw new RdbError(
              'checksum',
              `CRC64 mismatch: the file says ${stored.readBigUInt64LE(0).toString(16)}, the content gives ${this.crc.value().toString(16)}`,
              this.base + c.pos - 8,
            );
          }
          this.pos = c.pos;
        } else {
          this.commit(c.pos);
        }
        this.finished = true;
        return { kind: 'eof', checksum, trailingBytes: this.buf.length - this.pos };
      }
      default: {
        const key = c.string();
        const valueStart = c.pos;
        const moduleName = skipValue(c, type, start);
        const rec: RdbKeyRecord = {
          kind: 'key',
          db: this.db,
          key,
          type,
          value: this.buf.subarray(valueStart, c.pos),
          expireMs: this.expire,
          lruIdle: this.idle,
          lfuFreq: this.freq,
          ...(moduleName !== undefined ? { moduleName } : {}),
          offset: this.base + start,
        };
        this.commit(c.pos);
        this.expire = null;
        this.idle = null;
        this.freq = null;
        return rec;
      }
    }
  }
}

/** Module value (API v2): typed opcodes until EOF. */
function skipModuleValue(c: ByteCursor): void {
  for (;;) {
    const op = c.len();
    switch (op) {
      case ModuleOpcode.EOF:
        return;
      case ModuleOpcode.SINT:
      case ModuleOpcode.UINT:
        c.lenBig();
        break;
      case ModuleOpcode.FLOAT:
        c.skip(4);
        break;
      case ModuleOpcode.DOUBLE:
        c.skip(8);
        break;
      case ModuleOpcode.STRING:
        c.skipString();
        break;
      default:
        c.corrupt(`unknown module value opcode ${op}`);
    }
  }
}

/** Skips one stream value (types 15, 19, 21). Ids and counters are 64-bit. */
function skipStream(c: ByteCursor, type: number): void {
  const nodes = c.len();
  for (let i = 0; i < nodes; i++) {
    c.skipString(); // master id (16 bytes)
    c.skipString(); // listpack
  }
  c.skipLen(); // length
  c.skipLen(); // last id ms
  c.skipLen(); // last id seq
  if (type >= RdbType.STREAM_LISTPACKS_2) {
    c.skipLen();
    c.skipLen(); // first id
    c.skipLen();
    c.skipLen(); // max deleted id
    c.skipLen(); // entries added
  }
  const groups = c.len();
  for (let g = 0; g < groups; g++) {
    c.skipString(); // name
    c.skipLen();
    c.skipLen(); // last delivered id
    if (type >= RdbType.STREAM_LISTPACKS_2) c.skipLen(); // entries read (2^64-1 when unknown)
    const pel = c.len();
    for (let p = 0; p < pel; p++) {
      c.skip(16 + 8); // raw id, delivery time
      c.skipLen(); // delivery count
    }
    const consumers = c.len();
    for (let k = 0; k < consumers; k++) {
      c.skipString(); // name
      c.skip(8); // seen time
      if (type >= RdbType.STREAM_LISTPACKS_3) c.skip(8); // active time
      const own = c.len();
      c.skip(own * 16);
    }
  }
}

/** Skips the value of `type`; returns the module name for module values. */
function skipValue(c: ByteCursor, type: number, recordStart: number): string | undefined {
  switch (type) {
    case RdbType.STRING:
    case RdbType.HASH_ZIPMAP:
    case RdbType.LIST_ZIPLIST:
    case RdbType.SET_INTSET:
    case RdbType.ZSET_ZIPLIST:
    case RdbType.HASH_ZIPLIST:
    case RdbType.HASH_LISTPACK:
    case RdbType.ZSET_LISTPACK:
    case RdbType.SET_LISTPACK:
      c.skipString();
      return undefined;
    case RdbType.LIST:
    case RdbType.SET:
    case RdbType.LIST_QUICKLIST: {
      const n = c.len();
      for (let i = 0; i < n; i++) c.skipString();
      return undefined;
    }
    case RdbType.ZSET: {
      const n = c.len();
      for (let i = 0; i < n; i++) {
        c.skipString();
        c.skipOldDouble();
      }
      return undefined;
    }
    case RdbType.ZSET_2: {
      const n = c.len();
      for (let i = 0; i < n; i++) {
        c.skipString();
        c.skip(8);
      }
      return undefined;
    }
    case RdbType.HASH: {
      const n = c.len();
      for (let i = 0; i < n; i++) {
        c.skipString();
        c.skipString();
      }
      return undefined;
    }
    case RdbType.LIST_QUICKLIST_2: {
      const n = c.len();
      for (let i = 0; i < n; i++) {
        const container = c.len();
        if (container !== 1 && container !== 2) c.corrupt(`unknown quicklist node container ${container}`);
        c.skipString();
      }
      return undefined;
    }
    case RdbType.STREAM_LISTPACKS:
    case RdbType.STREAM_LISTPACKS_2:
    case RdbType.STREAM_LISTPACKS_3:
      skipStream(c, type);
      return undefined;
    case RdbType.MODULE_2: {
      const id = c.lenBig();
      skipModuleValue(c);
      return moduleTypeName(id);
    }
    case RdbType.MODULE: {
      const id = c.lenBig();
      throw new RdbError(
        'unsupported',
        `a value of module type '${moduleTypeName(id)}' saved with the old module API cannot be read without the module`,
        c.base + recordStart,
      );
    }
    default:
      throw new RdbError('unsupported', `unknown value type ${type}`, c.base + recordStart);
  }
}
