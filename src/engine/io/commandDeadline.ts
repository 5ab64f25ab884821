/**
 * How long a node may stay silent while it owes us a reply (io/connection.ts). A node frozen by SIGSTOP, or
 * stalled past any reason, still accepts TCP connections and writes (the kernel does that), so without a
 * deadline every command to it waits forever. The deadline counts silence, not the whole call: a long
 * pipeline whose replies keep coming never trips it; a reply that does not come within the deadline of
 * the slowest command still pending does.
 *
 * Commands that carry their own timeout get it on top of the base: MIGRATE's timeout bounds each of its
 * socket operations (write of the payload, read of the reply), so a big key (whose timeout
 * model/bigKeys.ts raises) keeps the source silent for up to about twice it, plus the serialisation that
 * the base covers; WAIT / WAITAOF and the blocking list/zset/stream reads wait for their timeout (0 = forever:
 * no deadline, as redis-cli); DEBUG SLEEP for its seconds.
 */
import type { Arg } from '../exec/nodeClient';

/** The base deadline when nothing else is said (ConnectionOptions.commandTimeoutMs). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

const argNumber = (a: Arg | undefined): number => {
  const n = Number(a === undefined ? NaN : Buffer.isBuffer(a) ? a.toString('utf8') : a);
  return Number.isFinite(n) && n >= 0 ? n : NaN;
};

/** Seconds-valued timeout of a blocking read: the last argument (BLPOP k1 k2 5), or after BLOCK (XREAD BLOCK ms). */
const BLOCKING_LAST_ARG_SECONDS = new Set(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BZPOPMIN', 'BZPOPMAX']);
/** Seconds-valued timeout first (BLMPOP 5 2 k1 k2 LEFT). */
const BLOCKING_FIRST_ARG_SECONDS = new Set(['BLMPOP', 'BZMPOP']);

/** The extra silence one command may legitimately need, ms; Infinity for a command that may block forever. */
export function commandAllowanceMs(command: string, args: readonly Arg[]): number {
  const name = command.toUpperCase();
  if (name === 'MIGRATE') {
    const t = argNumber(args[4]);
    return Number.isNaN(t) ? 0 : 2 * t;
  }
  if (name === 'WAIT' || name === 'WAITAOF') {
    const t = argNumber(args[name === 'WAIT' ? 1 : 2]);
    return t === 0 ? Infinity : Number.isNaN(t) ? 0 : t;
  }
  if (BLOCKING_LAST_ARG_SECONDS.has(name) || BLOCKING_FIRST_ARG_SECONDS.has(name)) {
    const t = argNumber(BLOCKING_FIRST_ARG_SECONDS.has(name) ? args[0] : args[args.length - 1]);
    return t === 0 ? Infinity : Number.isNaN(t) ? 0 : t * 1000;
  }
  if (name === 'XREAD' || name === 'XREADGROUP') {
    const at = args.findIndex((a) => String(a).toUpperCase() === 'BLOCK');
    if (at < 0) return 0;
    const t = argNumber(args[at + 1]);
    return t === 0 ? Infinity : Number.isNaN(t) ? 0 : t;
  }
  if (name === 'DEBUG' && String(args[0] ?? '').toUpperCase() === 'SLEEP') {
    const t = argNumber(args[1]);
    return Number.isNaN(t) ? 0 : t * 1000;
  }
  return 0;
}

/** The silence allowed while `commands` are pending: base plus the largest allowance; Infinity when base is 0 (no deadline). */
export function silenceDeadlineMs(baseMs: number, commands: readonly (readonly [string, ...Arg[]])[]): number {
  if (!(baseMs > 0)) return Infinity;
  let extra = 0;
  for (const [cmd, ...args] of commands) extra = Math.max(extra, commandAllowanceMs(cmd, args));
  return baseMs + extra;
}
