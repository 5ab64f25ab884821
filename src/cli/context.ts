/** What every CLI subcommand receives. */
import { colourize, entryAddress, type ConnectionOptions, type OutputChunk } from '../engine';
import type { ParsedArgs } from './args';
import type { Profile } from './profile';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** Reads one answer from standard input (prompts); undefined at EOF. */
  readAnswer?: (maxBytes: number) => Promise<string | undefined>;
  isTTY?: boolean;
  /** Called when a read-only subcommand has written its output: the process may end without closing its connections. */
  readOnlyDone?: () => void;
}

export interface CommandContext {
  readonly args: ParsedArgs;
  readonly io: Io;
  /** Connection options for cluster nodes (password already resolved). */
  readonly conn: ConnectionOptions;
  readonly json: boolean;
  /** The run's phase profile (RCM_PROFILE=1; a no-op otherwise). */
  readonly profile?: Profile;
}

/** A subcommand: validates its arguments itself and returns the exit code. */
export interface CliCommand {
  readonly name: string;
  /** redis-cli's arity rule: [min, max] positional args (max Infinity = unbounded). */
  readonly arity: readonly [number, number];
  /** Only reads the cluster (info, check): rcm exits as soon as its output is written. */
  readonly readOnly?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

/**
 * Writes the chunks in order, each run of chunks on the same stream as one write (a 100-node check is about
 * 160 lines: one write each cost a system call and a wake-up of the reader apiece).
 */
export function writeChunks(io: Io, chunks: readonly OutputChunk[]): void {
  const colours = (io.env.TERM ?? '').includes('xterm');
  let run: string[] = [];
  let stream: OutputChunk['stream'] | undefined;
  const flush = (): void => {
    if (run.length > 0) (stream === 'stdout' ? io.stdout : io.stderr)(run.join(''));
    run = [];
  };
  for (const c of chunks) {
    if (c.stream !== stream) flush();
    stream = c.stream;
    run.push(colourize(c, colours));
  }
  flush();
}

export function writeJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The entry address of a subcommand, or null after printing redis-cli's error.
 * `either`: `host:port` or `host port` (check, info, fix, reshard, rebalance);
 * `host:port`: only the first argument, in that form (the other subcommands).
 */
export function entryArgument(ctx: CommandContext, form: 'either' | 'host:port'): { host: string; port: number } | null {
  return addressArgument(ctx, form === 'either' ? ctx.args.args : ctx.args.args.slice(0, 1));
}

/** An address from `args` (parse/address.ts), or null after redis-cli's error and one `rcm:` line with the reason. */
export function addressArgument(ctx: CommandContext, args: readonly string[]): { host: string; port: number } | null {
  const entry = entryAddress(args);
  if (entry.ok) return { host: entry.host, port: entry.port };
  ctx.io.stderr(`${ADDRESS_ERROR}rcm: bad address "${args.join(' ')}": ${entry.reason}.\n`);
  return null;
}

export const ADDRESS_ERROR =
  '[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space separated IP and port (ie. 120.0.0.1 7000)\n';
