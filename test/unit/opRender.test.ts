/**
 * The renderers of the operations' events (render/*Text.ts): each event gives exactly redis-cli's chunks.
 * The integration parity tests (contract, nodeOps, create, addDelNode…) compare the whole output with the CLI's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderEvents } from '../../src/engine/render/events';
import { err, out } from '../../src/engine/render/output';
import { renderSetTimeoutEvent } from '../../src/engine/render/setTimeoutText';
import type { SetTimeoutEvent } from '../../src/engine/ops/setTimeout';

const node = (port: number) => ({ id: String(port).repeat(8).slice(0, 40), addr: `127.0.0.1:${port}` });

test('set-timeout: refusal, per-node lines in order, the tally and the unpersisted warning', () => {
  assert.deepEqual(renderSetTimeoutEvent({ kind: 'set-timeout-refused', timeoutMs: 50 }), [
    err('Setting a node timeout of less than 100 milliseconds is a bad idea.\n'),
  ]);
  const events: SetTimeoutEvent[] = [
    { kind: 'load', skipped: [], orphanReplicas: [] },
    { kind: 'set-timeout-start' },
    { kind: 'set-timeout-node', result: { node: node(7000), ok: true, persisted: true } },
    { kind: 'set-timeout-node', result: { node: node(7001), ok: true, persisted: false, rewriteError: 'ERR no config file' } },
    { kind: 'set-timeout-node', result: { node: node(7002), ok: false, persisted: false, error: 'NOPERM' } },
    { kind: 'set-timeout-done', ok: 2, failed: 1, unpersisted: 1 },
  ];
  const chunks = renderEvents(events, renderSetTimeoutEvent);
  assert.deepEqual(chunks.slice(0, 4), [
    out('>>> Reconfiguring node timeout in every cluster node...\n', 'info'),
    out('*** New timeout set for 127.0.0.1:7000\n', 'warn'),
    out('*** New timeout set for 127.0.0.1:7001 (in effect, not persisted: ERR no config file)\n', 'warn'),
    out('ERR setting node-timeout for 127.0.0.1:7002: NOPERM\n', 'error'),
  ]);
  assert.deepEqual(chunks[4], out('>>> New node timeout set. 2 OK, 1 ERR.\n', 'info'));
  assert.match(chunks[5]!.text, /^\*\*\* 1 node\(s\) could not save the new timeout/);
  assert.equal(chunks.length, 6);
  assert.equal(renderSetTimeoutEvent({ kind: 'set-timeout-done', ok: 3, failed: 0, unpersisted: 0 }).length, 1);
});
