/**
 * Bookkeeping of every redis-server this harness started, so each is
 * stopped exactly once, plus a synchronous last-resort cleanup on process
 * exit / fatal signals. Only pids read from our own pidfiles are touched.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuthArgs } from './rawCommand';
import type { ServerKind } from './serverKinds';

/** A started redis-server. `busPort` is 0 for non-cluster nodes. */
export interface NodeHandle {
  /** '127.0.0.1' unless started with another loopback `host` (e.g. '127.0.0.2' as a second "machine"). */
  readonly host: string;
  readonly port: number;
  readonly busPort: number;
  readonly pid: number;
  readonly dir: string;
  /** 'HOST:PORT' */
  readonly addr: string;
  /** Which server runs it (serverKinds.ts). */
  readonly kind: ServerKind;
}

export type NodeState = 'starting' | 'running' | 'killed' | 'stopping' | 'stopped';

/** Internal record; exists from mkdtemp on, before the pid is known. */
export interface NodeRecord {
  dir: string;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  port: number;
  auth: AuthArgs;
  /** The server binary that runs it (restartNode starts the same one). */
  server: string;
  pid: number | null;
  state: NodeState;
  stopping: Promise<void> | null;
}

const records: NodeRecord[] = [];
const byHandle = new WeakMap<NodeHandle, NodeRecord>();

export function addRecord(record: NodeRecord): void {
  installExitHooks();
  records.push(record);
}

export function bindHandle(handle: NodeHandle, record: NodeRecord): void {
  byHandle.set(handle, record);
}

export function recordOf(handle: NodeHandle): NodeRecord {
  const record = byHandle.get(handle);
  if (!record) throw new Error(`Node ${handle.addr} was not started by this harness`);
  return record;
}

export function allRecords(): readonly NodeRecord[] {
  return records;
}

/** Lifecycle state of a node started by this harness. */
export function nodeState(handle: NodeHandle): NodeState {
  return recordOf(handle).state;
}

export function pidFilePath(dir: string): string {
  return path.join(dir, 'redis.pid');
}

/** The pid in a node dir's pidfile, or null. */
export function readPidFile(dir: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFilePath(dir), 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export type ProcState = 'running' | 'zombie' | 'gone';

/** Whether `pid` is still a (possibly zombie) redis-server; a reused pid counts as gone. */
export function procState(pid: number): ProcState {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: exists but is not ours, so certainly not our redis. means it exists but is not ours: certainly not our redis.
    return 'gone';
  }
  let comm: string;
  let stat: string;
  try {
    comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return fs.existsSync('/proc/self') ? 'gone' : 'running'; // no procfs: trust kill(0)
  }
  if (!/^(redis|valkey)-server/.test(comm)) return 'gone'; // Debian's or the built redis-server, or valkey-server
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X' ? 'zombie' : 'running';
}

/** SIGKILLs `pid` if it is still our running redis-server. */
export function sigkill(pid: number): void {
  if (procState(pid) !== 'running') return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Synchronous cleanup of everything not yet stopped (exit handler). */
function cleanupSync(): void {
  for (const record of records) {
    if (record.state === 'stopped') continue;
    const pid = record.pid ?? readPidFile(record.dir);
    if (pid !== null) sigkill(pid);
    try {
      fs.rmSync(record.dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
    record.state = 'stopped';
  }
}

let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanupSync();
      process.removeListener(signal, onSignal);
      // Re-raise with the default action unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
