/** Running the real redis-cli (the reference implementation) from tests. */

import { execFile } from 'node:child_process';
import { binariesOf, DEFAULT_KIND, type ServerKind } from './serverKinds';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  password?: string;
  timeoutMs?: number;
  input?: string;
  /** Whose CLI runs (default redis7's redis-cli): redis-cli 8.x for redis8, valkey-cli for valkey9. */
  kind?: ServerKind;
}

/** Runs the kind's CLI (`redis-cli ...args` by default) with TERM=dumb (no colours); never rejects on a non-zero exit. */
export function runRedisCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const auth = opts.password !== undefined ? ['-a', opts.password, '--no-auth-warning'] : [];
  const cli = binariesOf(opts.kind ?? DEFAULT_KIND).cli;
  return new Promise((resolve, reject) => {
    const child = execFile(cli, [...auth, ...args], { env: { ...process.env, TERM: 'dumb' }, timeout: opts.timeoutMs ?? 30_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        return reject(err.code === 'ENOENT' ? new Error(`${cli} was not found`) : err);
      }
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
    // `input` is written to stdin and then it is closed ('' = end of input at once); without it stdin stays open.
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** `redis-cli --cluster check ADDR [extra...]`. */
export function redisCliCheck(addr: string, opts: { password?: string; extra?: string[]; kind?: ServerKind } = {}): Promise<CliResult> {
  return runRedisCli(['--cluster', 'check', addr, ...(opts.extra ?? [])], { password: opts.password, kind: opts.kind });
}
