/**
 * The join wait on a fake clock: it keeps redis-cli's one dot per second and gives up at its deadline,
 * counting time only by the injected clock (no real sleep happens).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForJoin, type JoinEvent } from '../../src/engine/ops/joinWait';
import { EventLog } from '../../src/engine/ops/opOutput';
import { renderEvents } from '../../src/engine/render/events';
import { renderJoinEvent } from '../../src/engine/render/joinText';
import type { Clock } from '../../src/engine/exec/port';
import { FakeNodeClient } from '../fixtures/fakeNodeClient';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

/** One node's CLUSTER NODES: itself and the peer, owning `slots` itself. */
function nodesText(self: string, peer: string, selfPort: number, slots: string): string {
  return [
    `${self} 127.0.0.1:${selfPort}@${selfPort + 10000} myself,master - 0 0 1 connected ${slots}`,
    `${peer} 127.0.0.1:${selfPort === 7000 ? 7001 : 7000}@${selfPort === 7000 ? 17001 : 17000} master - 0 0 2 connected`,
  ].join('\n');
}

function fakeClock(): Clock & { sleeps: number } {
  let t = 1_000_000;
  const c = {
    sleeps: 0,
    now: () => t,
    sleep: async (ms: number) => {
      c.sleeps++;
      t += ms;
    },
  };
  return c;
}

test('waitForJoin gives up at its deadline on the injected clock, one dot per second', async () => {
  // Each node claims slots 0-100 for itself: they never agree.
  const a = new FakeNodeClient('127.0.0.1:7000', (cmd) => (cmd === 'CLUSTER' ? nodesText(A, B, 7000, '0-100') : null));
  const b = new FakeNodeClient('127.0.0.1:7001', (cmd) => (cmd === 'CLUSTER' ? nodesText(B, A, 7001, '0-100') : null));
  const clock = fakeClock();
  const log = new EventLog<JoinEvent>();
  const r = await waitForJoin([a, b], { log, clock, joinTimeoutMs: 3000, pollIntervalMs: 500 });
  assert.equal(r.ok, false);
  assert.equal(r.waitedMs, 3000);
  assert.equal(clock.sleeps, 6, 'polled every 500 ms of the fake clock until 3000 ms');
  const text = renderEvents(log.events, renderJoinEvent)
    .map((c) => c.text)
    .join('');
  assert.ok(text.startsWith('Waiting for the cluster to join\n...\n[ERR]'), text);
  assert.match(text, /\[ERR\] Gave up waiting after 3 s: the nodes do not agree about the slots configuration yet\./);
});

test('waitForJoin returns as soon as the nodes agree, without sleeping', async () => {
  const a = new FakeNodeClient('127.0.0.1:7000', () => nodesText(A, B, 7000, '0-16383'));
  const b = new FakeNodeClient('127.0.0.1:7001', () =>
    [`${B} 127.0.0.1:7001@17001 myself,master - 0 0 2 connected`, `${A} 127.0.0.1:7000@17000 master - 0 0 1 connected 0-16383`].join('\n'),
  );
  const clock = fakeClock();
  const r = await waitForJoin([a, b], { log: new EventLog<JoinEvent>(), clock });
  assert.deepEqual(r, { ok: true, waitedMs: 0 });
  assert.equal(clock.sleeps, 0);
});
