/**
 * Fetching a master's RDB snapshot through the replication handshake, on a
 * raw socket (ioredis cannot read the replication stream): AUTH (as a RESP
 * array, so any password works), `SYNC`, then the payload framed either as
 * `$<length>` or as `$EOF:<40-byte mark>` … mark (diskless transfer). Bare
 * `\n` keep-alives sent while the master prepares the snapshot are skipped.
 * The payload is streamed to a file, which is truncated, fsynced and closed;
 * the socket is closed at once so the master stops feeding us as a replica.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { EngineError } from '../model/errors';
import { resolveAddress, type ConnectionOptions } from './options';
import { authError, connectError } from './socketErrors';
import { nodeTlsOptions } from './tlsOptions';

export type SyncFraming = { readonly mode: 'length'; readonly length: number } | { readonly mode: 'eof' };

export interface RdbSyncOptions extends ConnectionOptions {
  /** Fail when nothing arrives for this long, keep-alives included (default 60000 ms). */
  readonly idleTimeoutMs?: number;
  /** Called once the master announced the payload (redis-cli prints "SYNC sent to master, writing …"). */
  readonly onFraming?: (framing: SyncFraming) => void;
  /**
   * Announce `REPLCONF capa eof` before SYNC, so a master with repl-diskless-sync
   * streams the snapshot without writing it to its disk (`$EOF:` framing).
   * Off by default: redis-cli sends a bare SYNC (a disk-based transfer).
   */
  readonly diskless?: boolean;
  /** Called as payload bytes are written. */
  readonly onBytes?: (bytes: number) => void;
  readonly signal?: AbortSignal;
}

export interface RdbSyncResult {
  readonly framing: SyncFraming;
  /** Payload bytes written to the file. */
  readonly bytes: number;
}

/** Node's errno codes → the strerror text redis-cli prints. */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EMFILE: 'Too many open files',
  EEXIST: 'File exists',
  EIO: 'Input/output error',
};

export function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return (code && STRERROR[code]) ?? (e instanceof Error ? e.message : String(e));
}

function resp(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.from(a, 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

function openSocket(host: string, port: number, opts: ConnectionOptions): Promise<net.Socket> {
  const target = resolveAddress(host, port, opts.addressMap);
  const timeoutMs = opts.connectTimeoutMs ?? 10000;
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    const onError = (e: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    const onConnect = (): void => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.setKeepAlive(true, 15000);
      socket.setNoDelay(true);
      resolve(socket);
    };
    if (opts.tls) {
      socket = tls.connect({ host: target.host, port: target.port, ...nodeTlsOptions(opts.tls, target.host) }, onConnect);
    } else {
      socket = net.connect({ host: target.host, port: target.port, family: opts.family }, onConnect);
    }
    socket.once('error', onError);
    const timer = setTimeout(() => onError(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })), timeoutMs);
  });
}

/** Reads a socket chunk by chunk with an idle deadline. */
class SocketReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(
    socket: net.Socket,
    private readonly addr: string,
    idleTimeoutMs: number,
  ) {
    socket.setTimeout(idleTimeoutMs, () => {
      socket.destroy(Object.assign(new Error(`no data from ${addr} for ${idleTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    this.iterator = socket[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Buffered bytes not consumed yet, then the next chunks. null at end of stream. */
  async chunk(): Promise<Buffer | null> {
    if (this.pending.length > 0) {
      const b = this.pending;
      this.pending = Buffer.alloc(0);
      return b;
    }
    const r = await this.iterator.next();
    return r.done ? null : r.value;
  }

  unread(b: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([b, this.pending]) : b;
  }

  /** One line without its `\r\n`; with `skipKeepAlives`, bare `\n` bytes before it are dropped. */
  async line(skipKeepAlives: boolean): Promise<string> {
    let acc: Buffer = Buffer.alloc(0);
    for (;;) {
      const b = await this.chunk();
      if (b === null) {
        throw new EngineError({
          code: 'sync-failed',
          node: this.addr,
          cause: 'connection closed',
          message: `${this.addr} closed the connection during the replication handshake`,
        });
      }
      let data = acc.length ? Buffer.concat([acc, b]) : b;
      if (skipKeepAlives) {
        let i = 0;
        while (i < data.length && data[i] === 0x0a) i++;
        data = data.subarray(i);
      }
      const nl = data.indexOf(0x0a);
      if (nl === -1) {
        acc = data;
        if (acc.length > 4096)
          throw new EngineError({ code: 'sync-failed', node: this.addr, message: `${this.addr} sent an overlong line during the replication handshake` });
        continue;
      }
      if (nl + 1 < data.length) this.unread(data.subarray(nl + 1));
      return data.subarray(0, nl).toString('latin1').replace(/\r$/, '');
    }
  }
}

async function writeAll(fh: FileHandle, b: Buffer): Promise<void> {
  let off = 0;
  while (off < b.length) {
    const { bytesWritten } = await fh.write(b, off, b.length - off);
    off += bytesWritten;
  }
}

/**
 * Sends SYNC to the node at host:port and writes the RDB payload to `path`
 * (created or truncated). Throws EngineError: unreachable/tls-failed/auth-*
 * when connecting, sync-failed for a refused SYNC or a broken transfer,
 * file-error for the file.
 */
export async function syncRdbToFile(host: string, port: number, path: string, opts: RdbSyncOptions = {}): Promise<RdbSyncResult> {
  const addr = `${host}:${port}`;
  let socket: net.Socket;
  try {
    socket = await openSocket(host, port, opts);
  } catch (e) {
    throw connectError(e, addr);
  }
  const onAbort = (): void => {
    socket.destroy(Object.assign(new Error('cancelled'), { code: 'ABORT_ERR' }));
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let fh: FileHandle | undefined;
  try {
    opts.signal?.throwIfAborted();
    const reader = new SocketReader(socket, addr, opts.idleTimeoutMs ?? 60000);
    if (opts.password !== undefined && opts.password !== '') {
      socket.write(resp(opts.user ? ['AUTH', opts.user, opts.password] : ['AUTH', opts.password]));
      const reply = await reader.line(false);
      if (reply.startsWith('-')) throw authError(reply.slice(1), addr, true);
    }
    if (opts.diskless) {
      socket.write(resp(['REPLCONF', 'capa', 'eof']));
      const reply = await reader.line(false);
      if (reply.startsWith('-'))
        throw new EngineError({ code: 'sync-failed', node: addr, cause: reply, message: `REPLCONF capa eof refused by ${addr}: ${reply}` });
    }
    socket.write('SYNC\r\n');
    const head = await reader.line(true);
    if (head.startsWith('-')) {
      throw new EngineError({ code: 'sync-failed', node: addr, cause: head, message: `SYNC with master failed: ${head}` });
    }
    let framing: SyncFraming;
    let mark: Buffer | null = null;
    if (head.startsWith('$EOF:')) {
      mark = Buffer.from(head.slice(5), 'latin1');
      if (mark.length !== 40)
        throw new EngineError({ code: 'sync-failed', node: addr, cause: head, message: `${addr} sent an EOF mark of ${mark.length} bytes instead of 40` });
      framing = { mode: 'eof' };
    } else if (/^\$\d+$/.test(head)) {
      framing = { mode: 'length', length: Number(head.slice(1)) };
    } else {
      throw new EngineError({
        code: 'sync-failed',
        node: addr,
        cause: head,
        message: `${addr} answered SYNC with "${head.slice(0, 80)}" instead of a bulk payload`,
      });
    }
    try {
      fh = await fsp.open(path, 'w');
    } catch (e) {
      throw new EngineError({ code: 'file-error', cause: strerror(e), message: `Error opening '${path}': ${strerror(e)}` });
    }
    opts.onFraming?.(framing);
    let written = 0;
    const write = async (b: Buffer): Promise<void> => {
      if (b.length === 0) return;
      try {
        await writeAll(fh!, b);
      } catch (e) {
        throw new EngineError({ code: 'file-error', cause: strerror(e), message: `Error writing data to file: ${strerror(e)}` });
      }
      written += b.length;
      opts.onBytes?.(written);
    };
    const lost = (e?: unknown): EngineError => {
      const why = e instanceof Error ? e.message : 'connection closed';
      if ((e as NodeJS.ErrnoException | undefined)?.code === 'ABORT_ERR')
        return new EngineError({ code: 'cancelled', node: addr, message: `RDB transfer from ${addr} cancelled` });
      return new EngineError({
        code: 'sync-failed',
        node: addr,
        cause: why,
        message: `I/O Error reading RDB payload from socket (${addr}: ${why}, after ${written} bytes)`,
      });
    };
    /** The next chunk of the payload; a closed or failed socket is a lost transfer. */
    const next = async (): Promise<Buffer> => {
      let b: Buffer | null;
      try {
        b = await reader.chunk();
      } catch (e) {
        throw lost(e);
      }
      if (b === null) throw lost();
      return b;
    };
    if (framing.mode === 'length') {
      let left = framing.length;
      while (left > 0) {
        const b = await next();
        const take = b.length > left ? b.subarray(0, left) : b;
        await write(take);
        left -= take.length;
      }
    } else {
      // Hold back the last 40 bytes: they may be (the start of) the mark.
      let tail: Buffer = Buffer.alloc(0);
      for (;;) {
        const b = await next();
        const data = tail.length ? Buffer.concat([tail, b]) : b;
        const at = data.indexOf(mark!);
        if (at !== -1) {
          await write(data.subarray(0, at));
          break;
        }
        const keep = Math.min(40, data.length);
        await write(data.subarray(0, data.length - keep));
        tail = Buffer.from(data.subarray(data.length - keep));
      }
    }
    socket.destroy();
    try {
      await fh.truncate(written);
      await fh.sync();
    } catch (e) {
      throw new EngineError({ code: 'file-error', cause: strerror(e), message: `Fail to fsync '${path}': ${strerror(e)}` });
    }
    return { framing, bytes: written };
  } catch (e) {
    if (e instanceof EngineError) throw e;
    if ((e as NodeJS.ErrnoException | undefined)?.code === 'ABORT_ERR' || opts.signal?.aborted) {
      throw new EngineError({ code: 'cancelled', node: addr, message: `RDB transfer from ${addr} cancelled` });
    }
    const why = e instanceof Error ? e.message : String(e);
    throw new EngineError({ code: 'sync-failed', node: addr, cause: why, message: `Replication handshake with ${addr} failed: ${why}` });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    socket.destroy();
    await fh?.close().catch(() => undefined);
  }
}
