/**
 * The command deadline of every engine connection (src/engine/io/commandDeadline.ts, io/connection.ts):
 * the allowances, pure; then real ioredis connections (connectNode) to an in-process RESP server on
 * 127.0.0.1 that answers each command after a scripted delay, or never (a frozen node: the kernel accepts
 * the connection and the commands, nothing comes back).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EngineError } from '../../src/engine';
import { commandAllowanceMs, silenceDeadlineMs } from '../../src/engine/io/commandDeadline';
import { connectNode } from '../../src/engine/io/connection';
import { ArgError, parseArgs } from '../../src/cli/args';
import { connectionOptions } from '../../src/cli/connection';

test('allowances: MIGRATE twice its timeout, WAIT and blocking reads their timeout (0 = forever), others none', () => {
  assert.equal(commandAllowanceMs('MIGRATE', ['127.0.0.1', 7001, '', 0, 60000, 'KEYS', 'a']), 120_000);
  assert.equal(commandAllowanceMs('migrate', ['h', '1', 'k', '0', '250']), 500);
  assert.equal(commandAllowanceMs('WAIT', [1, 1000]), 1000);
  assert.equal(commandAllowanceMs('WAIT', [1, 0]), Infinity);
  assert.equal(commandAllowanceMs('WAITAOF', [1, 0, 200]), 200);
  assert.equal(commandAllowanceMs('BLPOP', ['a', 'b', '2.5']), 2500);
  assert.equal(commandAllowanceMs('BLMPOP', ['0', '1', 'a', 'LEFT']), Infinity);
  assert.equal(commandAllowanceMs('XREAD', ['COUNT', '1', 'BLOCK', '300', 'STREAMS', 's', '$']), 300);
  assert.equal(commandAllowanceMs('XREAD', ['STREAMS', 's', '0']), 0);
  assert.equal(commandAllowanceMs('DEBUG', ['SLEEP', '2']), 2000);
  assert.equal(commandAllowanceMs('CLUSTER', ['SETSLOT', '1', 'STABLE']), 0);
  assert.equal(commandAllowanceMs('MIGRATE', ['h', '1']), 0, 'a malformed MIGRATE gets the base only');
  assert.equal(silenceDeadlineMs(1000, [['PING'], ['MIGRATE', 'h', 1, '', 0, 300, 'KEYS', 'k']]), 1600, 'a pipeline: base + its largest allowance');
  assert.equal(silenceDeadlineMs(0, [['PING']]), Infinity, 'base 0: no deadline');
});

/** Without the deadline these calls would wait forever: the runner fails them instead. */
const BOUNDED = { timeout: 10_000 };

test('rcm --command-timeout S: seconds to ms, 0 waits forever, absent leaves the default, bad values refused in one line', () => {
  const opts = (...a: string[]) => connectionOptions(parseArgs(['check', '127.0.0.1:7000', ...a]), {});
  assert.equal(opts('--command-timeout', '2.5').commandTimeoutMs, 2500);
  assert.equal(opts('--command-timeout', '0').commandTimeoutMs, 0);
  assert.equal(opts().commandTimeoutMs, undefined);
  assert.throws(
    () => opts('--command-timeout', '-1'),
    (e: unknown) => e instanceof ArgError && /^--command-timeout must be a number from 0/.test(e.message),
  );
});

type Script = (name: string, args: string[]) => { delayMs: number; reply?: string } | 'never';

const servers: net.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** Minimal RESP server: parses arrays of bulk strings, answers in order, each reply `delayMs` after the previous one (or its arrival). */
async function respServer(script: Script): Promise<{ port: number; received: string[] }> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = '';
    let chain = Promise.resolve();
    let frozen = false;
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const cmd = parseOne();
        if (!cmd) return;
        received.push(cmd.join(' '));
        const what = frozen ? 'never' : script(cmd[0]!.toUpperCase(), cmd.slice(1));
        if (what === 'never') {
          frozen = true; // everything after it waits too, as on a stopped process
          continue;
        }
        chain = chain.then(
          () =>
            new Promise<void>((res) =>
              setTimeout(() => {
                if (!sock.destroyed) sock.write(what.reply ?? '+OK\r\n');
                res();
              }, what.delayMs),
            ),
        );
      }
    });
    function parseOne(): string[] | undefined {
      let at = 0;
      const line = (): string | undefined => {
        const end = buf.indexOf('\r\n', at);
        if (end < 0) return undefined;
        const l = buf.slice(at, end);
        at = end + 2;
        return l;
      };
      const head = line();
      if (head === undefined || !head.startsWith('*')) return undefined;
      const out: string[] = [];
      for (let i = 0; i < Number(head.slice(1)); i++) {
        const len = line();
        if (len === undefined) return undefined;
        const n = Number(len.slice(1));
        if (buf.length < at + n + 2) return undefined;
        out.push(buf.slice(at, at + n));
        at += n + 2;
      }
      buf = buf.slice(at);
      return out;
    }
  });
  servers.push(server);
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { port: (server.address() as net.AddressInfo).port, received };
}

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof EngineError, String(e));
    return e;
  }
  assert.fail('expected the call to fail');
}

test('a node that never answers: the call fails with a timeout naming the node, within the deadline; later calls fail at once', BOUNDED, async () => {
  const srv = await respServer((name) => (name === 'PING' ? { delayMs: 0, reply: '+PONG\r\n' } : 'never'));
  const c = await connectNode('127.0.0.1', srv.port, { commandTimeoutMs: 300 });
  try {
    assert.equal(await c.call('PING'), 'PONG');
    const t0 = Date.now();
    const e = await rejection(c.call('CLUSTER', 'NODES'));
    const took = Date.now() - t0;
    assert.equal(e.code, 'timeout');
    assert.equal(e.node, `127.0.0.1:${srv.port}`);
    assert.match(e.message, new RegExp(`^Node 127\\.0\\.0\\.1:${srv.port} did not answer within 0\\.3 s`));
    assert.ok(took >= 280 && took < 3000, `failed after ${took} ms (deadline 300 ms)`);
    const t1 = Date.now();
    const again = await rejection(c.pipeline([['PING'], ['PING']]));
    assert.equal(again.code, 'timeout');
    assert.ok(Date.now() - t1 < 100, 'a connection that timed out fails at once');
  } finally {
    c.close();
  }
});

test('a frozen node in a pipeline: the pipeline rejects (not per-command "Connection is closed")', BOUNDED, async () => {
  const srv = await respServer((name) => (name === 'INFO' ? 'never' : { delayMs: 0 }));
  const c = await connectNode('127.0.0.1', srv.port, { commandTimeoutMs: 200 });
  try {
    const e = await rejection(
      c.pipeline([
        ['SET', 'a', '1'],
        ['INFO', 'replication'],
        ['SET', 'b', '2'],
      ]),
    );
    assert.equal(e.code, 'timeout');
  } finally {
    c.close();
  }
});

test('replies that keep coming never trip the deadline, though the whole pipeline takes longer than it', async () => {
  const srv = await respServer(() => ({ delayMs: 120 }));
  const c = await connectNode('127.0.0.1', srv.port, { commandTimeoutMs: 250 });
  try {
    const t0 = Date.now();
    const res = await c.pipeline(Array.from({ length: 6 }, (_, i) => ['SET', `k${i}`, 'v'] as const));
    assert.ok(Date.now() - t0 >= 600, 'the pipeline took longer than one deadline');
    assert.deepEqual(
      res.map((r) => r.ok),
      [true, true, true, true, true, true],
    );
  } finally {
    c.close();
  }
});

test('MIGRATE gets twice its own timeout on top of the base; base 0 waits as long as it takes', BOUNDED, async () => {
  const srv = await respServer((name) => ({ delayMs: name === 'MIGRATE' || name === 'GET' ? 450 : 0 }));
  const c = await connectNode('127.0.0.1', srv.port, { commandTimeoutMs: 200 });
  try {
    // 450 ms of silence: past the base (200 ms), within 200 + 2 × 300.
    assert.equal(await c.call('MIGRATE', '127.0.0.1', 1, '', 0, 300, 'KEYS', 'k'), 'OK');
    const e = await rejection(c.call('GET', 'k'));
    assert.equal(e.code, 'timeout', 'the same silence on a plain command is a timeout');
  } finally {
    c.close();
  }
  const none = await connectNode('127.0.0.1', srv.port, { commandTimeoutMs: 0 });
  try {
    assert.equal(await none.call('GET', 'k'), 'OK');
  } finally {
    none.close();
  }
});
