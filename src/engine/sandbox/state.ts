/** The sandbox's record of what it started: DIR/sandbox.json. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineError } from '../model/errors';

export interface SandboxNodeState {
  readonly port: number;
  /** null until the server wrote its pidfile. */
  readonly pid: number | null;
  readonly dir: string;
}

export interface SandboxState {
  readonly version: 1;
  readonly dir: string;
  readonly host: string;
  readonly masters: number;
  readonly replicas: number;
  readonly redisVersion: string;
  readonly createdAt: string;
  readonly nodes: readonly SandboxNodeState[];
}

export const STATE_FILE = 'sandbox.json';

/** os.tmpdir()/rcm-sandbox-<port>. */
export function defaultSandboxDir(port: number): string {
  return path.join(os.tmpdir(), `rcm-sandbox-${port}`);
}

export function writeState(state: SandboxState): void {
  const file = path.join(state.dir, STATE_FILE);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** The state in `dir`, or null when there is no sandbox.json. */
export function readState(dir: string): SandboxState | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, STATE_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const state = JSON.parse(text) as SandboxState;
    if (state.version !== 1 || !Array.isArray(state.nodes)) throw new Error('unknown format');
    return { ...state, dir };
  } catch (e) {
    throw new EngineError({ code: 'invalid-reply', message: `${path.join(dir, STATE_FILE)} is not a sandbox record: ${(e as Error).message}` });
  }
}

/** Quotes a value for redis.conf. */
export function confQuote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function redisConf(host: string, port: number, dir: string, nodeTimeoutMs: number): string {
  return [
    `bind ${host}`,
    `port ${port}`,
    'daemonize yes',
    `dir ${confQuote(dir)}`,
    `pidfile ${confQuote(path.join(dir, 'redis.pid'))}`,
    `logfile ${confQuote(path.join(dir, 'redis.log'))}`,
    'save ""',
    'appendonly no',
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    `cluster-node-timeout ${nodeTimeoutMs}`,
    'repl-diskless-sync-delay 0',
    '',
  ].join('\n');
}
