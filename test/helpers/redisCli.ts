/** Running the real redis-cli (the reference implementation) from tests. */

import { execFile } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `redis-cli ...args` with TERM=dumb (no colours); never rejects on a non-zero exit. */
export function runRedisCli(args: readonly string[], opts: { password?: string; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  const auth = opts.password !== undefined ? ['-a', opts.password, '--no-auth-warning'] : [];
  return new Promise((resolve, reject) => {
    const child = execFile('redis-cli', [...auth, ...args], { env: { ...process.env, TERM: 'dumb' }, timeout: opts.timeoutMs ?? 30_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          return reject(err.code === 'ENOENT' ? new Error('redis-cli was not found on PATH') : err);
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      });
    // `input` is written to stdin and then it is closed ('' = end of input at once); without it stdin stays open.
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** `redis-cli --cluster check ADDR [extra...]`. */
export function redisCliCheck(addr: string, opts: { password?: string; extra?: string[] } = {}): Promise<CliResult> {
  return runRedisCli(['--cluster', 'check', addr, ...(opts.extra ?? [])], { password: opts.password });
}
