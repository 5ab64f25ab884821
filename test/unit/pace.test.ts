import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePace, UNLIMITED_LANES } from '../../src/engine';
import { createPaceController, PACE_LADDER, type PaceController } from '../../src/engine/exec/pace';

/** Feeds `n` probes of `ms` to each node at time `at`, then decides. */
function feed(c: PaceController, nodes: string[], ms: number, at: number, n = 4) {
  for (let i = 0; i < n; i++) for (const id of nodes) c.observeProbe(id, ms, at);
  return c.decide(at);
}

test('probes well under the budget climb one rung per settle period, up to the top', () => {
  const c = createPaceController({ maxClientLatencyMs: 1, startLevel: 0, settleMs: 100 });
  assert.equal(c.current().level, 0);
  assert.equal(feed(c, ['a', 'b'], 0.2, 0)?.level, 1);
  assert.equal(feed(c, ['a', 'b'], 0.2, 50), null, 'no change before the settle time');
  let at = 100;
  for (let i = 0; i < 20; i++, at += 100) feed(c, ['a', 'b'], 0.2, at);
  assert.equal(c.current().level, PACE_LADDER.length - 1);
  assert.equal(c.current().lanes, UNLIMITED_LANES);
  assert.match(c.current().reason, /0.00 ms above their floor < 60% of budget 1 ms: speeding up/);
});

test('a probe over the budget on any node drops two rungs and names the node', () => {
  const c = createPaceController({ maxClientLatencyMs: 1, startLevel: 5, settleMs: 100 });
  c.observeProbe('b', 0.1, 0); // b's floor: its round trip with no MIGRATE in the way
  for (let i = 0; i < 4; i++) {
    c.observeProbe('a', 0.1, 0);
    c.observeProbe('b', 3, 0);
  }
  const p = c.decide(0)!;
  assert.equal(p.level, 3);
  assert.ok(Math.abs(p.probeMs! - 2.9) < 1e-9);
  assert.match(p.reason, /probes 2.90 ms above their floor > budget 1 ms: slowing down/);
  assert.equal(p.node, 'b');
  assert.ok(p.batchKeys < PACE_LADDER[5]!.batchKeys);
});

test('one stray slow probe among several does not slow the pace (second-largest sample)', () => {
  const c = createPaceController({ maxClientLatencyMs: 1, startLevel: 4, settleMs: 0 });
  c.observeProbe('a', 0, 0);
  for (let i = 0; i < 6; i++) c.observeProbe('a', 0.7, 0);
  c.observeProbe('a', 50, 0);
  assert.equal(c.decide(0), null, '0.7 ms is within the budget and above 60% of it: hold');
});

test('within the budget but above 60% of it: the pace holds', () => {
  const c = createPaceController({ maxClientLatencyMs: 2, startLevel: 3, settleMs: 0 });
  c.observeProbe('a', 0.2, 0);
  assert.equal(feed(c, ['a'], 1.7, 0), null);
  assert.equal(c.current().level, 3);
});

test('a slow network or busy host alone (a high floor) does not slow the move', () => {
  const c = createPaceController({ maxClientLatencyMs: 1, startLevel: 2, settleMs: 0 });
  assert.equal(feed(c, ['a'], 4, 0)!.why, 'under-budget');
});

test('no client traffic on the probed nodes: speeds up even over the budget', () => {
  const c = createPaceController({ maxClientLatencyMs: 1, startLevel: 2, settleMs: 0 });
  c.observeProbe('a', 0, 0);
  c.observeProbe('b', 0, 0);
  c.observeOps('a', 3, 0);
  c.observeOps('b', 0, 0);
  const p = feed(c, ['a', 'b'], 5, 0)!;
  assert.equal(p.level, 3);
  assert.match(p.reason, /no client traffic/);
  c.observeOps('b', 5000, 1);
  assert.equal(feed(c, ['a', 'b'], 5, 1)!.level, 1, 'clients appear: the budget applies again');
});

test('samples taken before a change do not judge the new pace; forgotten nodes do not count', () => {
  const c = createPaceController({ maxClientLatencyMs: 1, startLevel: 4, settleMs: 0 });
  c.observeProbe('a', 0, 0);
  assert.equal(feed(c, ['a'], 5, 0)!.level, 2);
  assert.equal(c.decide(1), null, 'no fresh probes yet');
  c.observeProbe('b', 9, 2);
  c.forget('b');
  assert.equal(feed(c, ['a'], 0.1, 3)!.level, 3);
});

test('fast mode starts at the top and never changes; describePace reads well', () => {
  const c = createPaceController({ maxClientLatencyMs: 1, fast: true });
  assert.equal(c.current().level, PACE_LADDER.length - 1);
  assert.equal(feed(c, ['a'], 100, 0), null);
  assert.match(c.current().reason, /fast mode/);
  assert.equal(describePace(c.current()), 'batch 1000 keys, 2 MIGRATEs in flight, all pairs at once');
  assert.equal(
    describePace({ ...PACE_LADDER[0]!, level: 0, why: 'start', reason: '', probeMs: null, budgetMs: 1 }),
    'batch 10 keys, 1 MIGRATE in flight, 1 pair at once',
  );
});

test('the ladder only grows: every rung is at least as fast as the one below', () => {
  for (let i = 1; i < PACE_LADDER.length; i++) {
    const [lo, hi] = [PACE_LADDER[i - 1]!, PACE_LADDER[i]!];
    assert.ok(hi.batchKeys > lo.batchKeys && hi.inFlight >= lo.inFlight && hi.lanes >= lo.lanes, `rung ${i}`);
  }
});
