/**
 * One plain ioredis connection per node: no cluster mode, no redirect
 * following, no reconnects, no offline queue. AUTH is sent explicitly so that
 * failures are reported in redis-cli's words.
 */
import Redis, { type RedisOptions } from 'ioredis';
import { EngineError } from '../model/errors';
import { DEFAULT_COMMAND_TIMEOUT_MS, silenceDeadlineMs } from './commandDeadline';
import { resolveAddress, type ConnectionOptions } from './options';
import { authError, connectError } from './socketErrors';
import { nodeTlsOptions } from './tlsOptions';
import type { Arg, NodeClient, PipelineResult } from '../exec/nodeClient';

export type { Arg, NodeClient, PipelineResult } from '../exec/nodeClient';

class IoredisNodeClient implements NodeClient {
  /** Whether the node ever answered: a node that closes the connection before its first reply was never really reached. */
  private answered = false;
  /** Calls and pipelines awaiting their reply: how long the node may stay silent for each (io/commandDeadline.ts). */
  private readonly pending = new Map<number, number>();
  private nextCall = 0;
  /** When the node last sent anything, or when a reply became due after a time with none due. */
  private quietSince = 0;
  private watchdog: NodeJS.Timeout | undefined;
  /** Set once the node stayed silent past its deadline: the connection is closed and every later call fails with it. */
  private silent: EngineError | undefined;

  constructor(
    readonly addr: string,
    private readonly redis: Redis,
    /** The socket's last error (a TLS alert, a reset), as ioredis reported it. */
    private readonly socketError: () => unknown,
    private readonly commandTimeoutMs: number,
  ) {
    redis.stream.on('data', () => {
      this.quietSince = Date.now();
    });
  }

  private begin(commands: readonly (readonly [string, ...Arg[]])[]): number {
    if (this.silent) throw this.silent;
    const id = this.nextCall++;
    if (this.pending.size === 0) this.quietSince = Date.now();
    this.pending.set(id, silenceDeadlineMs(this.commandTimeoutMs, commands));
    if (!this.watchdog) this.arm();
    return id;
  }

  private end(id: number): void {
    const allowed = this.pending.get(id);
    this.pending.delete(id);
    // The slowest command done: a shorter deadline now applies (a timer set for the longer one would fire late).
    if (this.watchdog && (this.pending.size === 0 || allowed! > this.allowedMs())) {
      clearTimeout(this.watchdog);
      this.watchdog = undefined;
      if (this.pending.size > 0) this.arm();
    }
  }

  private allowedMs(): number {
    let ms = 0;
    for (const d of this.pending.values()) ms = Math.max(ms, d);
    return ms;
  }

  private arm(): void {
    const allowed = this.allowedMs();
    if (allowed === Infinity || this.pending.size === 0) return;
    this.watchdog = setTimeout(() => this.bark(), Math.max(1, this.quietSince + allowed - Date.now()));
    this.watchdog.unref();
  }

  /** The watchdog's check: replies came meanwhile (re-arm for the rest), or the node is frozen (close, fail every pending call). */
  private bark(): void {
    this.watchdog = undefined;
    const allowed = this.allowedMs();
    if (this.pending.size === 0 || allowed === Infinity) return;
    if (Date.now() - this.quietSince < allowed) return this.arm();
    const secs = Math.round(allowed / 100) / 10;
    this.silent = new EngineError({
      code: 'timeout',
      node: this.addr,
      cause: `no reply in ${secs} s`,
      message: `Node ${this.addr} did not answer within ${secs} s (frozen, or too busy to reply)`,
    });
    this.redis.disconnect(false);
  }

  /**
   * The connect sends no command (no ready check, no CLIENT SETINFO), so a server that drops the connection at
   * once (plain TCP to a TLS port) shows only at the first command: that is a connect failure, not a lost link.
   */
  private failure(e: unknown): EngineError {
    const err = replyError(e, this.addr);
    if (this.answered || err.code !== 'connection-lost') return err;
    return connectError(this.socketError() ?? Object.assign(new Error(err.detail ?? err.message), { code: 'ECONNRESET' }), this.addr);
  }

  async call(command: string, ...args: Arg[]): Promise<unknown> {
    const id = this.begin([[command, ...args]]);
    try {
      const reply = await this.redis.call(command, ...args);
      this.answered = true;
      return reply;
    } catch (e) {
      if (this.silent) throw this.silent;
      if (e instanceof Error && !/Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE/.test(e.message)) this.answered = true;
      throw this.failure(e);
    } finally {
      this.end(id);
    }
  }

  /** AUTH on connect, under the same deadline; a refusal in redis-cli's words. */
  async auth(args: readonly string[]): Promise<void> {
    const id = this.begin([['AUTH', ...args]]);
    try {
      await this.redis.call('AUTH', ...args);
    } catch (e) {
      throw this.silent ?? authError(e instanceof Error ? e.message : String(e), this.addr, true);
    } finally {
      this.end(id);
    }
  }

  async pipeline(commands: readonly (readonly [string, ...Arg[]])[], options: { buffers?: boolean } = {}): Promise<PipelineResult[]> {
    const p = this.redis.pipeline();
    for (const [cmd, ...args] of commands) {
      if (options.buffers) p.callBuffer(cmd, ...args);
      else p.call(cmd, ...args);
    }
    let res: [Error | null, unknown][] | null;
    const id = this.begin(commands);
    try {
      res = await p.exec();
    } catch (e) {
      throw this.silent ?? this.failure(e);
    } finally {
      this.end(id);
    }
    // A frozen node's pipeline ends with "Connection is closed" for every command: the deadline is the answer.
    if (this.silent) throw this.silent;
    this.answered = true;
    return (res ?? []).map(([e, v]) => (e ? { ok: false as const, error: e.message } : { ok: true as const, value: v }));
  }

  close(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.redis.disconnect(false);
  }
}

function replyError(e: unknown, addr: string): EngineError {
  if (e instanceof EngineError) return e;
  const text = e instanceof Error ? e.message : String(e);
  if (/Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE/.test(text)) {
    return new EngineError({ code: 'connection-lost', node: addr, cause: text, message: `Lost the connection to ${addr}: ${text}` });
  }
  if (/^NOAUTH/.test(text)) return authError(text, addr, false);
  return new EngineError({ code: 'reply-error', node: addr, cause: text, message: `Node ${addr} replied with error: ${text}` });
}

/** Connects to `host:port` (after the address map) and authenticates. */
export async function connectNode(host: string, port: number, opts: ConnectionOptions = {}): Promise<NodeClient> {
  const addr = `${host}:${port}`;
  const target = resolveAddress(host, port, opts.addressMap);
  const options: RedisOptions = {
    host: target.host,
    port: target.port,
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    autoResubscribe: false,
    // No CLIENT SETINFO on connect: ioredis would delay readiness by a round trip for it (an error on
    // Redis 7.0, which lacks it) after reading a package.json it cannot find inside our bundle.
    disableClientInfo: true,
    keepAlive: 15000,
    connectTimeout: opts.connectTimeoutMs ?? 10000,
    stringNumbers: true,
    disconnectTimeout: 500,
    ...(opts.family ? { family: opts.family } : {}),
  };
  if (opts.tls) {
    options.tls = nodeTlsOptions(opts.tls, target.host);
  }
  const redis = new Redis(options);
  let lastError: unknown;
  redis.on('error', (e) => {
    lastError = e;
  });
  try {
    await redis.connect();
  } catch (e) {
    // After a failed connect the socket is already gone; disconnecting again would
    // only arm ioredis's 2 s "destroy the stream" timer and keep the process alive.
    if (redis.status !== 'end') redis.disconnect(false);
    throw connectError(lastError ?? e, addr);
  }
  const client = new IoredisNodeClient(addr, redis, () => lastError, opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  if (opts.password !== undefined && opts.password !== '') {
    const args = opts.user ? [opts.user, opts.password] : [opts.password];
    try {
      await client.auth(args);
    } catch (e) {
      client.close();
      throw e;
    }
  }
  return client;
}
