/**
 * A read position over a buffer with the RDB primitive encodings: lengths,
 * strings (raw, integer-encoded, LZF-compressed), doubles and times. Running
 * out of bytes calls `short(neededEnd)`, which the streaming parser turns
 * into "read more" and the value decoder into a corruption error.
 */
import { lzfDecompress, LzfError } from './lzf';

export class RdbError extends Error {
  constructor(
    /** truncated: the data ends too early; corrupt: impossible bytes; checksum: CRC64 mismatch; unsupported: a valid thing we cannot read. */
    readonly kind: 'truncated' | 'corrupt' | 'checksum' | 'unsupported',
    message: string,
    /** Byte offset in the file (or value) where the problem was found. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'RdbError';
  }
}

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

export class ByteCursor {
  pos: number;
  end: number;

  constructor(
    public buf: Buffer,
    pos: number,
    end: number,
    /** Called when `neededEnd` > end; must throw. */
    private readonly short: (neededEnd: number) => never,
    /** Added to `pos` in error messages (absolute file offset of buf[0]). */
    public base = 0,
  ) {
    this.pos = pos;
    this.end = end;
  }

  need(n: number): void {
    if (this.pos + n > this.end) this.short(this.pos + n);
  }

  corrupt(message: string): never {
    throw new RdbError('corrupt', message, this.base + this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) this.short(this.pos + 1);
    return this.buf[this.pos++]!;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /**
   * An RDB length. Returns the length (≥ 0), or for a special encoding
   * (top bits 11) -1 - encoding, so callers can tell them apart without
   * allocating.
   */
  lenOrEnc(): number {
    const b = this.u8();
    switch (b >> 6) {
      case 0:
        return b & 0x3f;
      case 1:
        return ((b & 0x3f) << 8) | this.u8();
      case 2: {
        if (b === 0x80) {
          this.need(4);
          const v = this.buf.readUInt32BE(this.pos);
          this.pos += 4;
          return v;
        }
        if (b === 0x81) {
          this.need(8);
          const hi = this.buf.readUInt32BE(this.pos);
          const lo = this.buf.readUInt32BE(this.pos + 4);
          this.pos += 8;
          if (hi >= 0x200000) this.corrupt(`length ${hi * 2 ** 32 + lo} is too large`);
          return hi * 2 ** 32 + lo;
        }
        this.pos--;
        return this.corrupt(`unknown length encoding 0x${b.toString(16)}`);
      }
      default:
        return -1 - (b & 0x3f);
    }
  }

  /** A plain length (a special encoding here is corruption). */
  len(): number {
    const n = this.lenOrEnc();
    if (n < 0) {
      this.pos--;
      this.corrupt('a string encoding where a length was expected');
    }
    return n;
  }

  /** Skips a length of any size (64-bit stream ids and counters). */
  skipLen(): void {
    const b = this.u8();
    const kind = b >> 6;
    if (kind === 1) this.skip(1);
    else if (b === 0x80) this.skip(4);
    else if (b === 0x81) this.skip(8);
    else if (kind !== 0) {
      this.pos--;
      this.corrupt(`unknown length encoding 0x${b.toString(16)}`);
    }
  }

  /** A 64-bit length as BigInt (module ids, stream ids and counters). */
  lenBig(): bigint {
    this.need(1);
    const b = this.buf[this.pos];
    if (b === 0x81) {
      this.need(9);
      const v = this.buf.readBigUInt64BE(this.pos + 1);
      this.pos += 9;
      return v;
    }
    return BigInt(this.len());
  }

  /** An RDB string, decoded (integers as decimal text, LZF decompressed). */
  string(): Buffer {
    const n = this.lenOrEnc();
    if (n >= 0) return this.bytes(n);
    const enc = -1 - n;
    switch (enc) {
      case ENC_INT8: {
        this.need(1);
        return Buffer.from(String(this.buf.readInt8(this.pos++)));
      }
      case ENC_INT16: {
        this.need(2);
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        return Buffer.from(String(v));
      }
      case ENC_INT32: {
        this.need(4);
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        return Buffer.from(String(v));
      }
      case ENC_LZF: {
        const clen = this.len();
        const ulen = this.len();
        const at = this.pos;
        const packed = this.bytes(clen);
        try {
          return lzfDecompress(packed, ulen);
        } catch (e) {
          if (e instanceof LzfError) throw new RdbError('corrupt', `invalid LZF compressed string: ${e.message}`, this.base + at);
          throw e;
        }
      }
      default:
        this.pos--;
        return this.corrupt(`unknown string encoding ${enc}`);
    }
  }

  /** Skips an RDB string without decoding it. */
  skipString(): void {
    const n = this.lenOrEnc();
    if (n >= 0) {
      this.skip(n);
      return;
    }
    switch (-1 - n) {
      case ENC_INT8:
        this.skip(1);
        return;
      case ENC_INT16:
        this.skip(2);
        return;
      case ENC_INT32:
        this.skip(4);
        return;
      case ENC_LZF: {
        const clen = this.len();
        this.len();
        this.skip(clen);
        return;
      }
      default:
        this.pos--;
        this.corrupt(`unknown string encoding ${-1 - n}`);
    }
  }

  /** The old textual double of RDB_TYPE_ZSET: a length byte (253 nan, 254 +inf, 255 -inf) and ASCII. */
  oldDouble(): number {
    const n = this.u8();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    return Number(this.bytes(n).toString('latin1'));
  }

  skipOldDouble(): void {
    const n = this.u8();
    if (n < 253) this.skip(n);
  }

  /** IEEE 754 double, little-endian. */
  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A signed 64-bit little-endian millisecond time. */
  msTime(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  /** A signed 32-bit little-endian second time (old EXPIRETIME). */
  secTime(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
}
