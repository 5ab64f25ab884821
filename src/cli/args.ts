/**
 * Command-line parsing with redis-cli's grammar: options anywhere; after the
 * subcommand the first run of non-dash tokens are its arguments (if an option
 * follows the name directly, the first later run is taken); later stray
 * tokens are ignored. A leading `--cluster` is accepted, so
 * `redis-cli --cluster check h:p` and `rcm check h:p` read the same.
 */

/** Options that take a value (the next token, unconditionally). */
const VALUE_OPTIONS = new Set([
  '-a',
  '--pass',
  '--user',
  '--cacert',
  '--cacertdir',
  '--cert',
  '--key',
  '--sni',
  '-t',
  '--connect-timeout',
  '--command-timeout',
  '--address-map',
  '-d',
  '--tls-ciphers',
  '--tls-ciphersuites',
  '--masters',
  '--replicas',
  '--port',
  '--dir',
  '--cluster-replicas',
  '--cluster-from',
  '--cluster-to',
  '--cluster-slots',
  '--cluster-timeout',
  '--cluster-pipeline',
  '--cluster-threshold',
  '--cluster-master-id',
  '--cluster-from-user',
  '--cluster-from-pass',
  '--plan-out',
  '--journal',
  '--budget-ms',
  '--migration-strategy',
  '--max-client-latency-ms',
  '--cluster-from-cacert',
  '--cluster-from-cert',
  '--cluster-from-key',
  '--cluster-from-sni',
  '--cluster-balance-by',
  '--by',
  '--top',
  '--load-budget-ms',
]);

/** Flags (no value). */
const FLAG_OPTIONS = new Set([
  '--tls',
  '--insecure',
  '--json',
  '--help',
  '--no-auth-warning',
  '--askpass',
  '--verbose',
  '--cluster-yes',
  '--cluster-search-multiple-owners',
  '--cluster-fix-with-unreachable-masters',
  '--cluster-use-empty-masters',
  '--cluster-simulate',
  '--cluster-replace',
  '--cluster-copy',
  '--cluster-slave',
  '--cluster-only-masters',
  '--cluster-only-replicas',
  '--cluster-from-askpass',
  '--force',
  '--takeover',
  '--fast',
  '--cluster-from-tls',
  '--cluster-from-insecure',
  '--debug',
  '--tls-skip-hostname-check',
  '-4',
  '-6',
]);

/** valkey-cli 9's names for redis-cli's options (src/valkey-cli.c accepts both); read as redis-cli's. */
const VALKEY_NAMES: Readonly<Record<string, string>> = {
  '--cluster-replica': '--cluster-slave',
  '--cluster-primary-id': '--cluster-master-id',
  '--cluster-only-primaries': '--cluster-only-masters',
  '--cluster-use-empty-primaries': '--cluster-use-empty-masters',
  '--cluster-fix-with-unreachable-primaries': '--cluster-fix-with-unreachable-masters',
};

export interface ParsedArgs {
  readonly subcommand: string | null;
  readonly args: readonly string[];
  readonly values: Readonly<Record<string, string>>;
  readonly multi: Readonly<Record<string, readonly string[]>>;
  readonly flags: ReadonlySet<string>;
  /** `--cluster-weight` entries (`id-prefix=weight`). */
  readonly weights: readonly string[];
}

/**
 * A command-line error: printed as one `rcm: …` line, or as is when
 * `verbatim` (redis-cli's own text for the same mistake).
 */
export class ArgError extends Error {
  constructor(
    message: string,
    readonly verbatim = false,
  ) {
    super(message);
  }
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  let subcommand: string | null = null;
  let args: string[] = [];
  let argsTaken = false;
  const values: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const flags = new Set<string>();
  const weights: string[] = [];
  let weightSeen = false;
  let clusterSeen = false;

  for (let i = 0; i < argv.length; i++) {
    const tok = VALKEY_NAMES[argv[i]!] ?? argv[i]!;
    if (tok === '--cluster') {
      if (clusterSeen || i === argv.length - 1) throw new ArgError('usage', true);
      clusterSeen = true;
      subcommand = argv[++i]!;
      continue;
    }
    if (tok.startsWith('-') && tok.length > 1) {
      if (tok === '--cluster-weight') {
        if (weightSeen) {
          throw new ArgError(
            'WARNING: you cannot use --cluster-weight more than once.\nYou can set more weights by adding them as a space-separated list, ie:\n--cluster-weight n1=w n2=w',
            true,
          );
        }
        weightSeen = true;
        while (i + 1 < argv.length && argv[i + 1]!.includes('=') && !argv[i + 1]!.startsWith('--')) weights.push(argv[++i]!);
        // redis-cli stops at an entry without '=' and then ignores it: the rebalance ran with equal weights.
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('-') && (argsTaken || weights.length === 0)) {
          throw new ArgError(`--cluster-weight entry '${next}' is not <node id prefix>=<weight>.`);
        }
        continue;
      }
      if (VALUE_OPTIONS.has(tok)) {
        if (i === argv.length - 1) throw new ArgError(`Unrecognized option or bad number of args for: '${tok}'`, true);
        const v = argv[++i]!;
        values[tok] = v;
        (multi[tok] ??= []).push(v);
        continue;
      }
      if (FLAG_OPTIONS.has(tok)) {
        flags.add(tok);
        continue;
      }
      if (tok === '-h') {
        flags.add('--help');
        continue;
      }
      throw new ArgError(`Unrecognized option or bad number of args for: '${tok}'`, true);
    }
    if (subcommand === null) {
      subcommand = tok;
      continue;
    }
    if (argsTaken) continue;
    const run: string[] = [];
    while (i < argv.length && !(argv[i]!.startsWith('-') && argv[i]!.length > 1)) run.push(argv[i++]!);
    i--;
    args = run;
    argsTaken = true;
  }
  return { subcommand, args, values, multi, flags, weights };
}
