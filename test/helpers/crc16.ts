/**
 * Redis Cluster key hashing: CRC16-CCITT (XMODEM variant: poly 0x1021,
 * init 0, no reflection, no final xor) of the key — or of the first
 * non-empty `{hashtag}` — modulo 16384.
 */

export const SLOT_COUNT = 16384;

const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[i] = crc;
  }
  return table;
})();

/** CRC16-CCITT/XMODEM of the given bytes. */
export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  }
  return crc;
}

/** The part of the key that is hashed: the first non-empty {tag}, else the whole key. */
function hashedPart(key: Uint8Array): Uint8Array {
  const open = key.indexOf(0x7b); // '{'
  if (open === -1) return key;
  const close = key.indexOf(0x7d, open + 1); // '}'
  if (close === -1 || close === open + 1) return key;
  return key.subarray(open + 1, close);
}

/** Cluster slot (0..16383) of a key; strings are hashed as UTF-8. */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return crc16(hashedPart(bytes)) % SLOT_COUNT;
}

/**
 * A deterministic key name `${prefix}:${n}` that hashes to `slot`
 * (the smallest such n). The prefix must not contain a `{tag}`.
 */
export function keyInSlot(slot: number, prefix = 'key'): string {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
    throw new RangeError(`keyInSlot: slot ${slot} is not in 0..${SLOT_COUNT - 1}`);
  }
  for (let n = 0; n < 10_000_000; n++) {
    const key = `${prefix}:${n}`;
    if (keySlot(key) === slot) return key;
  }
  throw new Error(`keyInSlot: no key with prefix '${prefix}' hashes to slot ${slot}`);
}
