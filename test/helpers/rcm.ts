/** Running the built `rcm` CLI (dist/cli.js) as a real process, like redis-cli. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliResult } from './redisCli';

export const RCM_PATH = join(__dirname, '..', '..', 'dist', 'cli.js');

export function runRcm(args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  if (!existsSync(RCM_PATH)) throw new Error(`${RCM_PATH} is missing: run "npm run build" first`);
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [RCM_PATH, ...args],
      {
        env: { ...process.env, TERM: 'dumb', ...opts.env },
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** stderr without rcm's own explanation lines (`rcm: …`), for comparison with redis-cli. */
export function redisCliStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('rcm: '))
    .join('\n');
}

/** `rcm reshard` of `slots` slots from one master to another (node ids), answering yes. */
export function reshardArgs(entry: string, fromId: string, toId: string, slots: number, ...extra: string[]): string[] {
  return ['reshard', entry, '--cluster-from', fromId, '--cluster-to', toId, '--cluster-slots', String(slots), '--cluster-yes', ...extra];
}
