/**
 * DUMP payloads, as RESTORE expects them:
 *   [type byte][serialized value][RDB version, 2 bytes LE][CRC64 of all before, 8 bytes LE]
 * The serialized value is byte for byte what an RDB file holds after the key.
 */
import { Crc64 } from './crc64';
import { RdbError } from './rdbCursor';

export function dumpPayload(type: number, value: Uint8Array, rdbVersion: number): Buffer {
  const n = value.length;
  const out = Buffer.allocUnsafe(1 + n + 10);
  out[0] = type;
  out.set(value, 1);
  out.writeUInt16LE(rdbVersion, 1 + n);
  new Crc64().update(out, 0, n + 3).writeLE(out, n + 3);
  return out;
}

/** Splits a DUMP payload into type, value and version, checking the CRC64. */
export function parseDumpPayload(payload: Buffer): { type: number; value: Buffer; rdbVersion: number } {
  if (payload.length < 11) throw new RdbError('corrupt', 'DUMP payload shorter than its footer', 0);
  const end = payload.length - 10;
  const crc = new Crc64().update(payload, 0, end + 2);
  if (!crc.matchesLE(payload, end + 2)) throw new RdbError('checksum', 'DUMP payload checksum mismatch', end + 2);
  return { type: payload[0]!, value: payload.subarray(1, end), rdbVersion: payload.readUInt16LE(end) };
}
