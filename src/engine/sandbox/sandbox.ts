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
import { out, type OutputChunk } from '../render/output';
import { runCreate, type CreateReport } from '../ops/create';
import { renderCreateEvent } from '../render/createText';
import { printingTo } from '../render/events';
import { OutputLog, type TextOpHooks, type TextOpReport, type WaitOptions } from '../ops/opOutput';
import { isRedisServer, launchDaemon, readPidFile, redisServerVersion, stopRedisServer } from './redisServer';
import { defaultSandboxDir, readState, redisConf, writeState, type SandboxNodeState, type SandboxState } from './state';

export interface SandboxOptions extends Pick<TextOpHooks, 'onOutput'>, WaitOptions {
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

export interface SandboxUpReport extends TextOpReport {
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

  const log = new OutputLog(opts.onOutput);
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
    log.emit(out(`>>> Started ${count} redis-server ${redisVersion} processes on ${host}:${port}-${port + count - 1} (${dir})\n`, 'info'));
    // The sandbox still prints its own text (not an op of redis-cli's); create's events are rendered into it.
    const create = await runCreate({
      ...opts,
      addresses: nodes.map((n) => `${host}:${n.port}`),
      replicas,
      onEvent: printingTo(renderCreateEvent, (c) => log.emit(c)),
    });
    if (create.exitCode !== 0) throw usage('Creating the sandbox cluster failed (see above); its processes were stopped.');
    const down = opts.dir === undefined ? (port === 7000 ? 'rcm sandbox down' : `rcm sandbox down --port ${port}`) : `rcm sandbox down --dir ${dir}`;
    log.emit(
      out(`[OK] Sandbox cluster ready: ${masters} masters, ${masters * replicas} replicas.\n`, 'ok'),
      out(`Entry node: ${host}:${port}\nTry:  rcm check ${host}:${port}\nStop: ${down}   (stops these ${count} processes and deletes ${dir})\n`),
    );
    return { state, create, output: log.chunks, exitCode: 0 };
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

export interface SandboxDownReport extends TextOpReport {
  readonly dir: string;
  readonly stopped: readonly { readonly port: number; readonly pid: number | null; readonly result: string }[];
}

/** Stops the recorded processes (only those) and removes the directory. */
export async function sandboxDown(dirOrPort: { dir?: string; port?: number } = {}, hooks: Pick<TextOpHooks, 'onOutput'> = {}): Promise<SandboxDownReport> {
  const dir = path.resolve(dirOrPort.dir ?? defaultSandboxDir(dirOrPort.port ?? 7000));
  const state = readState(dir);
  if (!state) throw usage(`No sandbox in ${dir} (no sandbox.json there).`);
  const log = new OutputLog(hooks.onOutput);
  const pids = state.nodes.map((n) => n.pid).filter((p) => p !== null);
  log.emit(out(`>>> Stopping ${state.nodes.length} redis-server processes (pids ${pids.join(' ')})\n`, 'info'));
  const stopped = await stopAll(state);
  fs.rmSync(dir, { recursive: true, force: true });
  log.emit(out(`[OK] Sandbox stopped and ${dir} removed.\n`, 'ok'));
  return { dir, stopped, output: log.chunks, exitCode: 0 };
}

export interface SandboxStatusReport extends TextOpReport {
  readonly dir: string;
  readonly state: SandboxState | null;
  readonly nodes: readonly { readonly port: number; readonly pid: number | null; readonly running: boolean }[];
}

/** Which recorded processes still run. Exit 0 only when all do. */
export function sandboxStatus(dirOrPort: { dir?: string; port?: number } = {}): SandboxStatusReport {
  const dir = path.resolve(dirOrPort.dir ?? defaultSandboxDir(dirOrPort.port ?? 7000));
  const state = readState(dir);
  if (!state) return { dir, state, nodes: [], output: [out(`No sandbox in ${dir}.\n`)], exitCode: 1 };
  const nodes = state.nodes.map((n) => ({ port: n.port, pid: n.pid, running: n.pid !== null && isRedisServer(n.pid) }));
  const output: OutputChunk[] = [
    out(`Sandbox in ${dir}: ${state.masters} masters, ${state.masters * state.replicas} replicas, redis-server ${state.redisVersion}\n`),
  ];
  for (const n of nodes) output.push(out(`${state.host}:${n.port}  pid ${n.pid ?? '-'}  ${n.running ? 'running' : 'stopped'}\n`));
  const up = nodes.filter((n) => n.running).length;
  output.push(
    up === nodes.length
      ? out(`[OK] All ${up} nodes are running. Try: rcm check ${state.host}:${state.nodes[0]!.port}\n`, 'ok')
      : out(`[ERR] ${nodes.length - up} of ${nodes.length} nodes are not running.\n`, 'error'),
  );
  return { dir, state, nodes, output, exitCode: up === nodes.length ? 0 : 1 };
}
