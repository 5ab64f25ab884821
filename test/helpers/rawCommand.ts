/**
 * Minimal RESP over a raw socket, for liveness probes and SHUTDOWN where a
 * full client (reconnects, error events) would only get in the way.
 * Only single-line replies (+OK, +PONG, -ERR ...) are understood.
 */

import * as net from 'node:net';
import { LOCALHOST } from './ports';

/** AUTH arguments: [] (none), [password] or [user, password]. */
export type AuthArgs = readonly string[];

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}

/**
 * Sends the commands (preceded by AUTH when `auth` is non-empty) and resolves
 * with the reply lines received before `expected` lines arrived, the peer
 * closed, or `timeoutMs` elapsed. Never rejects.
 */
export function rawCommands(port: number, auth: AuthArgs, commands: string[][], timeoutMs = 1000, host = LOCALHOST): Promise<string[]> {
  const all = auth.length > 0 ? [['AUTH', ...auth], ...commands] : commands;
  return new Promise((resolve) => {
    let buffer = '';
    const lines = (): string[] => buffer.split('\r\n').slice(0, -1);
    const socket = net.connect({ host, port });
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(lines());
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(all.map(encode).join('')));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (lines().length >= all.length) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}

/** True when the server answers PING with PONG (after AUTH if given). */
export async function ping(port: number, auth: AuthArgs, timeoutMs = 500, host = LOCALHOST): Promise<boolean> {
  const replies = await rawCommands(port, auth, [['PING']], timeoutMs, host);
  return replies[replies.length - 1] === '+PONG';
}
