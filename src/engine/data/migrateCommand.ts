/**
 * import's decisions, pure: the MIGRATE command a standalone source is sent, and what its failure means.
 */
import type { Arg } from '../model/command';
import { keyHashSlot } from './keySlot';

export interface MigrateFlags {
  readonly timeoutMs: number;
  /** Keep the keys in the source (COPY). */
  readonly copy: boolean;
  /** The cluster's credentials, passed on to the target (AUTH / AUTH2). */
  readonly user?: string;
  readonly password?: string;
}

/** MIGRATE host port "" 0 timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] KEYS (the keys follow). */
export function migrateHead(target: { readonly host: string; readonly port: number }, flags: MigrateFlags, replace: boolean): Arg[] {
  const auth: Arg[] = flags.password ? (flags.user ? ['AUTH2', flags.user, flags.password] : ['AUTH', flags.password]) : [];
  return [target.host, target.port, '', 0, flags.timeoutMs, ...(flags.copy ? ['COPY'] : []), ...(replace ? ['REPLACE'] : []), ...auth, 'KEYS'];
}

/** Attempts of one batch after a transient failure (the first one included). */
export const MIGRATE_ATTEMPTS = 4;

/**
 * What a failed MIGRATE of `keys` calls for:
 * - 'busy-key': some key exists on the target (the others were moved, or in COPY mode none);
 * - 'split-by-slot': the server refused keys of several slots in one MIGRATE: one MIGRATE per slot;
 * - 'retry': a transient failure (moving is idempotent: moved keys are gone from the source);
 * - 'fatal': anything else, or a transient failure past the last attempt.
 */
export function classifyMigrateError(text: string, keys: readonly Buffer[], attempt: number): 'busy-key' | 'split-by-slot' | 'retry' | 'fatal' {
  if (/BUSYKEY/.test(text)) return 'busy-key';
  if (/CROSSSLOT/.test(text) && new Set(keys.map((k) => keyHashSlot(k))).size > 1) return 'split-by-slot';
  if (/IOERR|timeout|TRYAGAIN|LOADING/i.test(text) && attempt + 1 < MIGRATE_ATTEMPTS) return 'retry';
  return 'fatal';
}

/** Keys grouped by hash slot, in first-seen order. */
export function groupBySlot(keys: readonly Buffer[]): Buffer[][] {
  const bySlot = new Map<number, Buffer[]>();
  for (const k of keys) {
    const slot = keyHashSlot(k);
    let g = bySlot.get(slot);
    if (!g) bySlot.set(slot, (g = []));
    g.push(k);
  }
  return [...bySlot.values()];
}
