/**
 * `rcm sandbox up|status|down`: a local cluster from the redis-server on PATH,
 * built with our create, checked by redis-cli; down stops exactly the
 * recorded processes and removes the directory.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sandboxDown } from '../../src/engine';
import { redisCliCheck } from '../helpers/redisCluster';
import { runRcm } from '../helpers/rcm';
import { freeBasePort } from '../helpers/topologyOps';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rcm-sandbox-test-'));
const dir = path.join(root, 'cluster');

after(async () => {
  // Only if a test failed half-way: stop what the sandbox recorded.
  if (fs.existsSync(path.join(dir, 'sandbox.json'))) await sandboxDown({ dir }).catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return !fs.existsSync('/proc/self');
  }
}

test('sandbox up, status, a second up refused, down', async () => {
  const port = await freeBasePort(6);
  const up = await runRcm(['sandbox', 'up', '--masters', '3', '--replicas', '1', '--port', String(port), '--dir', dir]);
  assert.equal(up.code, 0, up.stdout + up.stderr);
  assert.match(up.stdout, /\[OK\] All 16384 slots covered\.\n\[OK\] Sandbox cluster ready: 3 masters, 3 replicas\.\n/);
  assert.ok(up.stdout.includes(`Entry node: 127.0.0.1:${port}\nTry:  rcm check 127.0.0.1:${port}\nStop: rcm sandbox down --dir ${dir}`), up.stdout);

  const state = JSON.parse(fs.readFileSync(path.join(dir, 'sandbox.json'), 'utf8'));
  const pids: number[] = state.nodes.map((n: { pid: number }) => n.pid);
  assert.equal(pids.length, 6);
  assert.ok(pids.every(alive));
  assert.deepEqual(
    state.nodes.map((n: { port: number }) => n.port),
    [0, 1, 2, 3, 4, 5].map((i) => port + i),
  );

  const check = await redisCliCheck(`127.0.0.1:${port}`);
  assert.equal(check.code, 0, check.stdout);
  assert.equal(check.stdout.match(/^S: /gm)?.length, 3);

  const status = await runRcm(['sandbox', 'status', '--dir', dir]);
  assert.equal(status.code, 0);
  assert.match(status.stdout, /\[OK\] All 6 nodes are running\./);

  const again = await runRcm(['sandbox', 'up', '--port', String(port), '--dir', dir]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /A sandbox is already running in .*: stop it first with "rcm sandbox down --dir /);

  const down = await runRcm(['sandbox', 'down', '--dir', dir]);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  assert.match(down.stdout, new RegExp(`pids ${pids.join(' ')}\\)\\n\\[OK\\] Sandbox stopped and .* removed\\.\\n$`));
  for (const pid of pids) {
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(pid), `pid ${pid} still runs`);
  }
  assert.ok(!fs.existsSync(dir));
  const gone = await runRcm(['sandbox', 'status', '--dir', dir]);
  assert.equal(gone.code, 1);
});

test('without redis-server on PATH: a clear error naming how to install it', async () => {
  const res = await runRcm(['sandbox', 'up', '--port', '7000', '--dir', dir], { env: { PATH: root } });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /redis-server was not found on PATH\..*apt-get install redis-server/);
  assert.ok(!fs.existsSync(dir));
});

test('bad sizes are refused before anything starts', async () => {
  const res = await runRcm(['sandbox', 'up', '--masters', '2', '--dir', dir]);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /at least 3 masters/);
  const usage = await runRcm(['sandbox', 'restart']);
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /^Usage: rcm sandbox up/);
});
