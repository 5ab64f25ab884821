/**
 * Strict numbers for every option and argument. Deliberate difference from
 * redis-cli, which reads them with atoi/atof (`10x` is 10, `1.5` is 1, `abc`
 * is 0): here a trailing character, a fraction where a whole number is meant,
 * an empty value or a value out of range is refused before anything is
 * changed, with a message naming the option and the accepted range.
 */
import { ArgError, type ParsedArgs } from './args';

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The accepted ranges, one place (the help and README quote them). */
export const RANGES = {
  slots: { min: 1, max: 16384 },
  timeoutMs: { min: 1, max: 2_147_483_647 },
  pipeline: { min: 1, max: 2_147_483_647 },
  replicas: { min: 0, max: 100 },
  nodeTimeoutMs: { min: 100, max: 2_147_483_647 },
  port: { min: 1, max: 65535 },
  masters: { min: 1, max: 100 },
} as const satisfies Record<string, IntRange>;

/** A whole number in `range`, or an ArgError naming `what` and the range. */
export function parseInteger(text: string, what: string, range: IntRange): number {
  const t = text.trim();
  const n = INT.test(t) ? Number(t) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new ArgError(`${what} must be a whole number from ${range.min} to ${range.max} (got "${text}").`);
  }
  return n;
}

/** A decimal number with `min < n <= max` (or `min <= n` when `minInclusive`). */
export function parseDecimal(text: string, what: string, range: { min: number; max: number; minInclusive?: boolean }): number {
  const t = text.trim();
  const n = DECIMAL.test(t) ? Number(t) : Number.NaN;
  const low = range.minInclusive ? n >= range.min : n > range.min;
  if (!Number.isFinite(n) || !low || n > range.max) {
    const lowText = range.minInclusive ? `from ${range.min}` : `greater than ${range.min}`;
    throw new ArgError(`${what} must be a number ${lowText} and at most ${range.max} (got "${text}").`);
  }
  return n;
}

/** An integer option's value, or `fallback` when it is not given. */
export function intOption<T extends number | undefined>(p: ParsedArgs, name: string, range: IntRange, fallback: T): number | T {
  const text = p.values[name];
  return text === undefined ? fallback : parseInteger(text, name, range);
}

/** A decimal option's value, or `fallback` when it is not given. */
export function decimalOption<T extends number | undefined>(
  p: ParsedArgs,
  name: string,
  range: { min: number; max: number; minInclusive?: boolean },
  fallback: T,
): number | T {
  const text = p.values[name];
  return text === undefined ? fallback : parseDecimal(text, name, range);
}
