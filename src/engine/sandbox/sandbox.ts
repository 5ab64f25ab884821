/**
 * A throw-away local cluster: daemonized redis-server processes in their own
 * directory, joined with our own `create`. `down` stops exactly the pids
 * recorded in DIR/sandbox.json and removes the directory.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { EngineError } from '../model/errors';
import { connectNode } from '../io/connection';
import { runCreate, type CreateEvent, type CreateReport } from '../ops/create';
import { EventLog, type OpHooks, type OpReport, type WaitOptions } from '../ops/opOutput';
import { isRedisServer, launchDaemon, readPidFile, redisServerVersion, stopRedisServer } from './redisServer';
import { defaultSandboxDir, readState, redisConf, writeState, type SandboxNodeState, type SandboxState } from './state';

/** What sandbox up reports, create's events included (render/sandboxText.ts prints it). */
export type SandboxUpEvent =
  | CreateEvent
  | { readonly kind: 'sandbox-started'; readonly count: number; readonly version: string; readonly host: string; readonly port: number; readonly dir: string }
  /** `down`: the command that stops it. */
  | {
      readonly kind: 'sandbox-ready';
      readonly masters: number;
      readonly replicas: number;
      readonly host: string;
      readonly port: number;
      readonly down: string;
      readonly count: number;
      readonly dir: string;
    };

export type SandboxDownEvent =
  { readonly kind: 'sandbox-stopping'; readonly nodes: number; readonly pids: readonly number[] } | { readonly kind: 'sandbox-stopped'; readonly dir: string };

export type SandboxStatusEvent =
  | { readonly kind: 'sandbox-none'; readonly dir: string }
  | { readonly kind: 'sandbox-status'; readonly dir: string; readonly state: SandboxState; readonly nodes: SandboxStatusReport['nodes'] };

export interface SandboxOptions extends Pick<OpHooks<SandboxUpEvent>, 'onEvent'>, WaitOptions {
  readonly masters?: number;
  readonly replicas?: number;
  /** First client port; nodes use port … port+N-1 and bus ports +10000. */
  readonly port?: number;
  readonly dir?: string;
  readonly host?: string;
  /** The redis-server binary (default: the one on PATH). */
  readonly redisServer?: string;
  readonly nodeTimeoutMs?: number;
}

export interface SandboxUpReport extends OpReport<SandboxUpEvent> {
  readonly state: SandboxState;
  readonly create: CreateReport;
}

const usage = (message: string): EngineError => new EngineError({ code: 'usage', message });

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function waitForPing(host: string, node: SandboxNodeState, deadline: number): Promise<number> {
  for (;;) {
    const pid = readPidFile(path.join(node.dir, 'redis.pid'));
    if (pid !== null) {
      try {
        const c = await connectNode(host, node.port, { connectTimeoutMs: 1000 });
        try {
          if ((await c.call('PING')) === 'PONG') return pid;
        } finally {
          c.close();
        }
      } catch {
        /* not listening yet */
      }
    }
    if (Date.now() > deadline) throw usage(`redis-server on ${host}:${node.port} did not start; see ${path.join(node.dir, 'redis.log')}`);
    await delay(50);
  }
}

/** Starts the processes and creates the cluster. Throws (after cleaning up) when it cannot. */
export async function sandboxUp(opts: SandboxOptions = {}): Promise<SandboxUpReport> {
  const masters = opts.masters ?? 3;
  const replicas = opts.replicas ?? 1;
  const port = opts.port ?? 7000;
  const host = opts.host ?? '127.0.0.1';
  const dir = path.resolve(opts.dir ?? defaultSandboxDir(port));
  const bin = opts.redisServer ?? 'redis-server';
  const count = masters * (replicas + 1);
  if (!Number.isInteger(masters) || masters < 3) throw usage(`A cluster needs at least 3 masters (got --masters ${masters}).`);
  if (!Number.isInteger(replicas) || replicas < 0) throw usage(`--replicas must be 0 or more (got ${replicas}).`);
  if (!Number.isInteger(port) || port < 1 || port + count - 1 + 10000 > 65535) {
    throw usage(`--port ${port} does not leave room for ${count} client ports and their bus ports (+10000) below 65536.`);
  }
  const redisVersion = await redisServerVersion(bin);
  const previous = readState(dir);
  if (previous?.nodes.some((n) => n.pid !== null && isRedisServer(n.pid))) {
    throw usage(`A sandbox is already running in ${dir}: stop it first with "rcm sandbox down --dir ${dir}".`);
  }
  if (previous) fs.rmSync(dir, { recursive: true, force: true });
  else if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw usage(`${dir} exists and is not a sandbox directory; choose another with --dir.`);
  for (let p = port; p < port + count; p++) {
    for (const q of [p, p + 10000]) if (!(await portFree(host, q))) throw usage(`Port ${q} on ${host} is in use; choose another base port with --port.`);
  }

  const log = new EventLog(opts.onEvent);
  const nodes: SandboxNodeState[] = Array.from({ length: count }, (_, i) => ({ port: port + i, pid: null, dir: path.join(dir, String(port + i)) }));
  let state: SandboxState = { version: 1, dir, host, masters, replicas, redisVersion, createdAt: new Date().toISOString(), nodes };
  fs.mkdirSync(dir, { recursive: true });
  writeState(state);
  try {
    await Promise.all(
      nodes.map(async (n) => {
        fs.mkdirSync(n.dir, { recursive: true });
        const conf = path.join(n.dir, 'redis.conf');
        fs.writeFileSync(conf, redisConf(host, n.port, n.dir, opts.nodeTimeoutMs ?? 5000));
        await launchDaemon(bin, conf);
      }),
    );
    const deadline = Date.now() + 15_000;
    const pids = await Promise.all(nodes.map((n) => waitForPing(host, n, deadline)));
    state = { ...state, nodes: nodes.map((n, i) => ({ ...n, pid: pids[i]! })) };
    writeState(state);
    log.emit({ kind: 'sandbox-started', count, version: redisVersion, host, port, dir });
    const create = await runCreate({
      ...opts,
      addresses: nodes.map((n) => `${host}:${n.port}`),
      replicas,
      onEvent: (e) => log.emit(e),
    });
    if (create.exitCode !== 0) throw usage('Creating the sandbox cluster failed (see above); its processes were stopped.');
    const down = opts.dir === undefined ? (port === 7000 ? 'rcm sandbox down' : `rcm sandbox down --port ${port}`) : `rcm sandbox down --dir ${dir}`;
    log.emit({ kind: 'sandbox-ready', masters, replicas, host, port, down, count, dir });
    return { state, create, events: log.events, exitCode: 0 };
  } catch (e) {
    await stopAll(readState(dir) ?? state);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function stopAll(state: SandboxState): Promise<{ port: number; pid: number | null; result: string }[]> {
  return Promise.all(
    state.nodes.map(async (n) => {
      const pid = n.pid ?? readPidFile(path.join(n.dir, 'redis.pid'));
      return { port: n.port, pid, result: pid === null ? 'not-running' : await stopRedisServer(pid) };
    }),
  );
}

export interface SandboxDownReport extends OpReport<SandboxDownEvent> {
  readonly dir: string;
  readonly stopped: readonly { readonly port: number; readonly pid: number | null; readonly result: string }[];
}

/** Stops the recorded processes (only those) and removes the directory. */
export async function sandboxDown(
  dirOrPort: { dir?: string; port?: number } = {},
  hooks: Pick<OpHooks<SandboxDownEvent>, 'onEvent'> = {},
): Promise<SandboxDownReport> {
  const dir = path.resolve(dirOrPort.dir ?? defaultSandboxDir(dirOrPort.port ?? 7000));
  const state = readState(dir);
  if (!state) throw usage(`No sandbox in ${dir} (no sandbox.json there).`);
  const log = new EventLog(hooks.onEvent);
  const pids = state.nodes.map((n) => n.pid).filter((p) => p !== null);
  log.emit({ kind: 'sandbox-stopping', nodes: state.nodes.length, pids });
  const stopped = await stopAll(state);
  fs.rmSync(dir, { recursive: true, force: true });
  log.emit({ kind: 'sandbox-stopped', dir });
  return { dir, stopped, events: log.events, exitCode: 0 };
}

export interface SandboxStatusReport extends OpReport<SandboxStatusEvent> {
  readonly dir: string;
  readonly state: SandboxState | null;
  readonly nodes: readonly { readonly port: number; readonly pid: number | null; readonly running: boolean }[];
}

/** Which recorded processes still run. Exit 0 only when all do. */
export function sandboxStatus(dirOrPort: { dir?: string; port?: number } = {}): SandboxStatusReport {
  const dir = path.resolve(dirOrPort.dir ?? defaultSandboxDir(dirOrPort.port ?? 7000));
  const state = readState(dir);
  if (!state) return { dir, state, nodes: [], events: [{ kind: 'sandbox-none', dir }], exitCode: 1 };
  const nodes = state.nodes.map((n) => ({ port: n.port, pid: n.pid, running: n.pid !== null && isRedisServer(n.pid) }));
  const up = nodes.filter((n) => n.running).length;
  return { dir, state, nodes, events: [{ kind: 'sandbox-status', dir, state, nodes }], exitCode: up === nodes.length ? 0 : 1 };
}
