/**
 * restore's decisions, pure: what to do with one key record of a backup (skip it, and why, or the RESTORE
 * command that loads it), and what a RESTORE reply means.
 */
import type { Arg, Command } from '../model/command';
import { dumpPayload } from './dumpPayload';
import type { RdbKeyRecord } from './rdbParser';

export type KeyDecision =
  | { readonly kind: 'other-db'; readonly db: number }
  | { readonly kind: 'module'; readonly moduleName: string }
  | { readonly kind: 'expired' }
  | { readonly kind: 'restore'; readonly command: Command; readonly payloadBytes: number };

/**
 * RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s | FREQ f]: the payload is the value's bytes from the
 * file + RDB version + CRC64 (a DUMP payload). A cluster has only database 0; module values need the module.
 */
export function decideKey(rec: RdbKeyRecord, rdbVersion: number, nowMs: number, replace: boolean): KeyDecision {
  if (rec.db !== 0) return { kind: 'other-db', db: rec.db };
  if (rec.moduleName !== undefined) return { kind: 'module', moduleName: rec.moduleName };
  if (rec.expireMs !== null && rec.expireMs <= nowMs) return { kind: 'expired' };
  const payload = dumpPayload(rec.type, rec.value, rdbVersion);
  const args: Arg[] = [rec.key, rec.expireMs ?? 0, payload];
  if (replace) args.push('REPLACE');
  if (rec.expireMs !== null) args.push('ABSTTL');
  if (rec.lruIdle !== null) args.push('IDLETIME', rec.lruIdle);
  else if (rec.lfuFreq !== null) args.push('FREQ', rec.lfuFreq);
  return { kind: 'restore', command: ['RESTORE', ...args], payloadBytes: payload.length };
}

export type RestoreReply =
  { readonly kind: 'restored' } | { readonly kind: 'existing' } | { readonly kind: 'failed'; readonly error: string; readonly hint: string };

/** One RESTORE reply: done, the key existed (left untouched), or a failure with a hint at its likely cause. */
export function classifyRestoreReply(reply: { ok: true } | { ok: false; error: string }, rdbVersions: string): RestoreReply {
  if (reply.ok) return { kind: 'restored' };
  if (reply.error.startsWith('BUSYKEY')) return { kind: 'existing' };
  const hint = /payload version or checksum/i.test(reply.error)
    ? ` (the backup is in RDB format version ${rdbVersions}: a server older than the one that wrote it cannot load it)`
    : /Bad data format/i.test(reply.error)
      ? ' (the server cannot load this value: was the backup written by a newer Redis?)'
      : '';
  return { kind: 'failed', error: reply.error, hint };
}
