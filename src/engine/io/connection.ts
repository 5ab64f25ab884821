/**
 * One plain ioredis connection per node: no cluster mode, no redirect
 * following, no reconnects, no offline queue. AUTH is sent explicitly so that
 * failures are reported in redis-cli's words.
 */
import Redis, { type RedisOptions } from 'ioredis';
import { EngineError } from '../model/errors';
import { resolveAddress, type ConnectionOptions } from './options';
import { authError, connectError } from './socketErrors';
import { nodeTlsOptions } from './tlsOptions';
import type { Arg, NodeClient, PipelineResult } from '../exec/nodeClient';

export type { Arg, NodeClient, PipelineResult } from '../exec/nodeClient';

class IoredisNodeClient implements NodeClient {
  /** Whether the node ever answered: a node that closes the connection before its first reply was never really reached. */
  private answered = false;

  constructor(
    readonly addr: string,
    private readonly redis: Redis,
    /** The socket's last error (a TLS alert, a reset), as ioredis reported it. */
    private readonly socketError: () => unknown,
  ) {}

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
    try {
      const reply = await this.redis.call(command, ...args);
      this.answered = true;
      return reply;
    } catch (e) {
      if (e instanceof Error && !/Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE/.test(e.message)) this.answered = true;
      throw this.failure(e);
    }
  }

  async pipeline(commands: readonly (readonly [string, ...Arg[]])[], options: { buffers?: boolean } = {}): Promise<PipelineResult[]> {
    const p = this.redis.pipeline();
    for (const [cmd, ...args] of commands) {
      if (options.buffers) p.callBuffer(cmd, ...args);
      else p.call(cmd, ...args);
    }
    let res: [Error | null, unknown][] | null;
    try {
      res = await p.exec();
    } catch (e) {
      throw this.failure(e);
    }
    this.answered = true;
    return (res ?? []).map(([e, v]) => (e ? { ok: false as const, error: e.message } : { ok: true as const, value: v }));
  }

  close(): void {
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
  const client = new IoredisNodeClient(addr, redis, () => lastError);
  if (opts.password !== undefined && opts.password !== '') {
    const args = opts.user ? [opts.user, opts.password] : [opts.password];
    try {
      await redis.call('AUTH', ...args);
    } catch (e) {
      client.close();
      throw authError(e instanceof Error ? e.message : String(e), addr, true);
    }
  }
  return client;
}
