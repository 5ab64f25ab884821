/**
 * The local redis-server processes of a sandbox: finding the binary,
 * starting a daemonized server on a config file, and stopping exactly one
 * pid after checking it still is a redis-server.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { EngineError } from '../model/errors';

export const INSTALL_HINT =
  'Install Redis 7 or newer, e.g. "sudo apt-get install redis-server" (Debian/Ubuntu), "sudo dnf install redis" (Fedora) or "brew install redis" (macOS), then try again.';

function notInstalled(bin: string): EngineError {
  return new EngineError({ code: 'not-installed', message: `${bin} was not found on PATH. ${INSTALL_HINT}` });
}

/** `redis-server --version` → e.g. "7.0.15"; throws a not-installed EngineError when missing. */
export function redisServerVersion(bin = 'redis-server'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, ['--version'], { timeout: 10_000 }, (e, stdout) => {
      if (e) {
        const code = (e as NodeJS.ErrnoException).code;
        reject(
          code === 'ENOENT' || code === 'EACCES' ? notInstalled(bin) : new EngineError({ code: 'usage', message: `${bin} --version failed: ${e.message}` }),
        );
        return;
      }
      resolve(/v=(\S+)/.exec(stdout)?.[1] ?? stdout.trim());
    });
  });
}

/** Runs `redis-server conf`; with `daemonize yes` it returns once the server forked. */
export function launchDaemon(bin: string, confPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(bin, [confPath], { timeout: 15_000 }, (e, stdout, stderr) => {
      if (!e) return resolve();
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return reject(notInstalled(bin));
      reject(new EngineError({ code: 'usage', message: `${bin} ${confPath} failed: ${`${stdout}${stderr}`.trim() || e.message}` }));
    });
  });
}

export function readPidFile(path: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when `pid` runs and (where /proc exists) is a redis-server: never signal a reused pid. */
export function isRedisServer(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!fs.existsSync('/proc/self')) return true;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return cmd.includes('redis-server') && state !== 'Z';
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to `timeoutMs`, then SIGKILL. Only touches a pid that is a redis-server. */
export async function stopRedisServer(pid: number, timeoutMs = 5000): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isRedisServer(pid)) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRedisServer(pid)) return 'stopped';
    await delay(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
  return 'killed';
}
