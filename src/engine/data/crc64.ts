/**
 * CRC-64 as Redis computes it for RDB files and DUMP payloads: the "Jones"
 * polynomial (0xad93d23594c935a9), reflected input and output, initial value
 * 0, no final xor. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca.
 *
 * The 64-bit register is kept as two unsigned 32-bit halves so that the hot
 * loop stays in small integers (no BigInt per byte).
 */

/** The reflected form of the polynomial, split in halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const T_LO = new Uint32Array(256);
const T_HI = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let lo = i;
  let hi = 0;
  for (let bit = 0; bit < 8; bit++) {
    const lsb = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (lsb) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  T_LO[i] = lo;
  T_HI[i] = hi;
}

/** A running CRC-64 (feed it bytes in any number of pieces). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(data: Uint8Array, start = 0, end = data.length): this {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = start; i < end; i++) {
      const idx = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx]!;
      hi = (hi >>> 8) ^ T_HI[idx]!;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  /** The value as an unsigned 64-bit BigInt. */
  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** Writes the value little-endian (as Redis stores it) into `out` at `offset`. */
  writeLE(out: Buffer, offset: number): void {
    out.writeUInt32LE(this.lo, offset);
    out.writeUInt32LE(this.hi, offset + 4);
  }

  /** True when the 8 bytes at `offset` hold this value little-endian. */
  matchesLE(buf: Uint8Array, offset: number): boolean {
    const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    return b.readUInt32LE(offset) === this.lo && b.readUInt32LE(offset + 4) === this.hi;
  }
}

/** CRC-64 of one buffer. */
export function crc64(data: Uint8Array): bigint {
  return new Crc64().update(data).value();
}
