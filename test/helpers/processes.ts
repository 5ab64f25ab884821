/**
 * Starting, stopping and killing daemonized redis-server processes, each in
 * its own temp dir (mkdtemp 'rcm-test-') on its own verified-free ports.
 */

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allocatePortPair, LOCALHOST } from './ports';
import { binariesOf, DEFAULT_KIND, type ServerKind } from './serverKinds';
import { ping, rawCommands, type AuthArgs } from './rawCommand';
import { addRecord, allRecords, bindHandle, pidFilePath, procState, readPidFile, recordOf, sigkill, type NodeHandle, type NodeRecord } from './registry';
import { waitFor, WaitAborted } from './wait';

export interface StartOptions {
  /** Which server runs the node (default redis7, Debian's redis-server). */
  kind?: ServerKind;
  /** Address to bind (default 127.0.0.1); another loopback address such as 127.0.0.2 acts as a second host. */
  host?: string;
  /** requirepass + masterauth. */
  password?: string;
  /** An extra ACL user with full access (`user NAME on >PASSWORD ~* &* +@all`). */
  aclUser?: { name: string; password: string };
  /** cluster-enabled (default true). */
  cluster?: boolean;
  /** cluster-node-timeout in ms (default 2000). */
  nodeTimeout?: number;
  /** Raw config lines appended to the generated redis.conf. */
  extraConfig?: string[];
  /** The server program (default `redis-server` on PATH), e.g. ~/.cache/rcm-servers/valkey9/bin/valkey-server. */
  binary?: string;
  /** How long to wait for each node to answer PING (default 15000 ms). */
  startTimeoutMs?: number;
}

/** Quotes a config value for redis.conf (sdssplitargs syntax). */
function q(value: string): string {
  let out = '"';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (byte >= 0x20 && byte < 0x7f) out += ch;
    else out += '\\x' + byte.toString(16).padStart(2, '0');
  }
  return out + '"';
}

function configText(dir: string, port: number, busPort: number, opts: StartOptions): string {
  const lines = [
    `bind ${opts.host ?? LOCALHOST}`,
    `port ${port}`,
    'daemonize yes',
    `dir ${q(dir)}`,
    `pidfile ${q(pidFilePath(dir))}`,
    `logfile ${q(path.join(dir, 'redis.log'))}`,
    'save ""',
    'appendonly no',
    'repl-diskless-sync-delay 0', // replicas link up at once instead of after 5 s
  ];
  // Outgoing connections from the bind address, so peers see this node's own IP
  // (without it a 127.0.0.2 node would appear as 127.0.0.1 to its peers).
  if (opts.host !== undefined && opts.host !== LOCALHOST) lines.push(`bind-source-addr ${opts.host}`);
  if (opts.cluster !== false) {
    lines.push('cluster-enabled yes', `cluster-port ${busPort}`, 'cluster-config-file nodes.conf', `cluster-node-timeout ${opts.nodeTimeout ?? 2000}`);
  }
  if (opts.password !== undefined) lines.push(`requirepass ${q(opts.password)}`, `masterauth ${q(opts.password)}`);
  if (opts.aclUser) lines.push(`user ${q(opts.aclUser.name)} on ${q('>' + opts.aclUser.password)} ~* &* +@all`);
  lines.push(...(opts.extraConfig ?? []));
  return lines.join('\n') + '\n';
}

/** Runs the server (the kind's, or an explicit binary) on a config file; with daemonize the parent exits once forked. */
function launch(confPath: string, server: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(server, [confPath], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(
          new Error(
            server === 'redis-server'
              ? 'redis-server was not found on PATH; install Redis >= 7.0 to run the integration tests'
              : `${server} is missing; run test/servers/build-servers.sh`,
          ),
        );
      }
      const output = `${stdout}${stderr}`.trim();
      reject(new Error(`${server} ${confPath} failed (exit ${String(err.code)}):\n${output || err.message}`));
    });
  });
}

function logTail(dir: string, lines = 15): string {
  try {
    return fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const PORT_IN_USE = /Failed listening on port|Address already in use|Could not create server TCP listening socket/i;

/** Starts one node; retries on fresh ports if it lost a port race. Cleans up after itself on failure. */
async function startOne(opts: StartOptions, auth: AuthArgs): Promise<NodeHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rcm-test-'));
  const host = opts.host ?? LOCALHOST;
  const server = opts.binary ?? binariesOf(opts.kind ?? DEFAULT_KIND).server;
  const record: NodeRecord = { dir, host, port: 0, auth, server, pid: null, state: 'starting', stopping: null };
  addRecord(record);
  try {
    for (let attempt = 1; ; attempt++) {
      const { port, busPort } = await allocatePortPair(host);
      record.port = port;
      const confPath = path.join(dir, 'redis.conf');
      fs.rmSync(path.join(dir, 'redis.log'), { force: true });
      fs.rmSync(pidFilePath(dir), { force: true }); // never read a previous attempt's pid
      fs.writeFileSync(confPath, configText(dir, port, busPort, opts));
      await launch(confPath, server);
      try {
        await waitFor(
          `redis-server on port ${port} to answer PING`,
          async () => {
            record.pid ??= readPidFile(dir);
            if (record.pid !== null && (await ping(port, auth, 500, host))) return true;
            if (PORT_IN_USE.test(logTail(dir, 50))) throw new WaitAborted(`port clash on ${port}/${busPort}`);
            return record.pid === null ? 'no pidfile yet' : 'no PONG yet';
          },
          opts.startTimeoutMs ?? 15_000,
          50,
        );
      } catch (err) {
        if (record.pid !== null) sigkill(record.pid);
        if (err instanceof WaitAborted && attempt < 3) {
          record.pid = null;
          continue;
        }
        throw new Error(`${(err as Error).message}\n--- ${dir}/redis.log ---\n${logTail(dir)}`);
      }
      record.state = 'running';
      const handle: NodeHandle = {
        host,
        port,
        busPort: opts.cluster === false ? 0 : busPort,
        pid: record.pid!,
        dir,
        addr: `${host}:${port}`,
        kind: opts.kind ?? DEFAULT_KIND,
      };
      bindHandle(handle, record);
      return handle;
    }
  } catch (err) {
    await stopRecord(record);
    throw err;
  }
}

/** AUTH arguments the harness itself uses for a node started with `opts`. */
function adminAuth(opts: StartOptions): AuthArgs {
  if (opts.password !== undefined) return [opts.password];
  if (opts.aclUser) return [opts.aclUser.name, opts.aclUser.password];
  return [];
}

/** Starts `count` redis-server processes in parallel and waits until each answers PING. */
export async function startNodes(count: number, opts: StartOptions = {}): Promise<NodeHandle[]> {
  const auth = adminAuth(opts);
  const results = await Promise.allSettled(Array.from({ length: count }, () => startOne(opts, auth)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopNodes(started);
    throw failed.reason;
  }
  return started;
}

/** Waits until a pid is no longer running; optionally until it is reaped too. */
function waitProc(pid: number, until: 'dead' | 'reaped', timeoutMs: number): Promise<void> {
  return waitFor(
    `pid ${pid} to be ${until}`,
    () => {
      const state = procState(pid);
      return state === 'gone' || (until === 'dead' && state === 'zombie') ? true : state;
    },
    timeoutMs,
    50,
  );
}

/** Stops one record exactly once: SHUTDOWN NOSAVE NOW, then SIGKILL, then rm -rf its dir. */
function stopRecord(record: NodeRecord): Promise<void> {
  if (record.state === 'stopped') return Promise.resolve();
  if (record.stopping) return record.stopping;
  const wasUp = record.state === 'running' || record.state === 'starting';
  record.state = 'stopping';
  record.stopping = (async () => {
    const pid = record.pid ?? readPidFile(record.dir);
    if (pid !== null) {
      if (wasUp && procState(pid) === 'running') {
        await rawCommands(record.port, record.auth, [['SHUTDOWN', 'NOSAVE', 'NOW']], 1000, record.host);
        await waitProc(pid, 'dead', 2000).catch(() => sigkill(pid));
      }
      // Daemons are reaped by init; a zombie is dead, so tolerate a slow reaper.
      await waitProc(pid, 'reaped', 10_000).catch(() => undefined);
    }
    await fs.promises.rm(record.dir, { recursive: true, force: true });
    record.state = 'stopped';
  })();
  return record.stopping;
}

function stopRecords(records: readonly NodeRecord[]): Promise<void> {
  return Promise.all(records.map(stopRecord)).then(() => undefined);
}

/** Stops the given nodes (each at most once, idempotent) and removes their temp dirs. */
export function stopNodes(handles: readonly NodeHandle[]): Promise<void> {
  return stopRecords(handles.map(recordOf));
}

/** Stops every node this process started and has not stopped yet. */
export function stopAllNodes(): Promise<void> {
  return stopRecords(allRecords());
}

/** SIGKILLs a node on purpose; it stays down, and stopNodes later only removes its dir. */
export async function killNode(handle: NodeHandle): Promise<void> {
  const record = recordOf(handle);
  if (record.state !== 'running') throw new Error(`killNode: ${handle.addr} is ${record.state}`);
  record.state = 'killed';
  sigkill(handle.pid);
  await waitProc(handle.pid, 'dead', 5000);
  await waitProc(handle.pid, 'reaped', 10_000).catch(() => undefined);
}

/** Starts a node killed with killNode again, from its own dir and config (nodes.conf, data); waits for PING. */
export async function restartNode(handle: NodeHandle): Promise<void> {
  const record = recordOf(handle);
  if (record.state !== 'killed') throw new Error(`restartNode: ${handle.addr} is ${record.state}`);
  fs.rmSync(pidFilePath(record.dir), { force: true });
  record.pid = null;
  record.state = 'starting';
  await launch(path.join(record.dir, 'redis.conf'), record.server);
  await waitFor(
    `redis-server on port ${record.port} to answer PING again`,
    async () => {
      record.pid ??= readPidFile(record.dir);
      return record.pid !== null && (await ping(record.port, record.auth, 500, record.host)) ? true : 'no PONG yet';
    },
    15_000,
    50,
  );
  record.state = 'running';
}

/** The node's current pid (it changes when restartNode starts it again; handle.pid keeps the first). */
export function currentPid(handle: NodeHandle): number {
  return recordOf(handle).pid ?? handle.pid;
}
