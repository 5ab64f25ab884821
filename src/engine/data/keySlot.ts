/**
 * Redis Cluster key → hash slot: CRC16 (XMODEM: polynomial 0x1021, initial
 * value 0, no reflection) of the key, or of the part between the first `{`
 * and the next `}` when that part is not empty, modulo 16384.
 */
import { SLOT_COUNT } from '../model/slots';

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

export function crc16(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ data[i]!) & 0xff]!;
  return crc;
}

/** The hash slot of a key (strings are hashed as UTF-8). */
export function keyHashSlot(key: Uint8Array | string): number {
  const k = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const open = k.indexOf(0x7b);
  if (open !== -1) {
    const close = k.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(k, open + 1, close) % SLOT_COUNT;
  }
  return crc16(k) % SLOT_COUNT;
}
