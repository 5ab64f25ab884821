import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLoadRebalance, type MovePlan, type SlotLoadReport } from '../../src/engine';
import { renderLoadShares } from '../../src/engine/render/loadText';
import { buildPlanView } from '../../src/extension/webview/planView';
import { master, topology } from '../fixtures/topologyBuilder';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function layout() {
  const topo = topology([
    master(A, 7000, [{ start: 0, end: 5460 }]),
    master(B, 7001, [{ start: 5461, end: 10922 }]),
    master(C, 7002, [{ start: 10923, end: 16383 }]),
  ]);
  const owner = (s: number) => (s <= 5460 ? A : s <= 10922 ? B : C);
  const keys = (s: number) => (s <= 5460 ? 7 + (s % 5) : 2);
  const slots = Array.from({ length: 16384 }, (_, slot) => ({
    slot,
    ownerId: owner(slot),
    keys: keys(slot),
    memory: keys(slot) * 90,
    cpuUs: keys(slot) * 3,
    source: { keys: 'measured' as const, memory: 'sampled' as const, cpu: 'measured' as const },
  }));
  const masters = [A, B, C].map((id, i) => ({
    id,
    host: '127.0.0.1',
    port: 7000 + i,
    slots: 5461,
    keys: slots.filter((s) => s.ownerId === id).reduce((n, s) => n + s.keys, 0),
    memory: slots.filter((s) => s.ownerId === id).reduce((n, s) => n + s.memory, 0),
    cpuUs: slots.filter((s) => s.ownerId === id).reduce((n, s) => n + s.cpuUs, 0),
    method: 'slot-stats' as const,
  }));
  const report: SlotLoadReport = { slots, masters, complete: true, hasCpu: true };
  return { topo, report };
}

test('the panel shows the same before/after shares as rcm prints, and gets the per-slot figures', () => {
  const { topo, report } = layout();
  const plan = planLoadRebalance(topo, report, { measure: 'cpu' }) as MovePlan;
  assert.equal(plan.kind, 'rebalance');
  const view = buildPlanView({
    kind: 'loadRebalance',
    clusterName: 'c',
    topology: topo,
    plan,
    settings: { timeoutMs: 60000, replace: false },
    slotLoad: report,
  });
  const cli = renderLoadShares(plan.load!, topo);
  assert.equal(view.loadShares?.measure, 'cpu');
  assert.equal(view.loadShares!.bars.length, 3);
  for (const b of view.loadShares!.bars) {
    const addr = topo.nodes.find((n) => n.id === b.id)!;
    assert.ok(
      cli.includes(`${addr.host}:${addr.port} cpu ${b.beforeText} -> ${b.afterText} (target ${b.targetText})`),
      `${b.beforeText} → ${b.afterText} in:\n${cli}`,
    );
  }
  assert.equal(view.slotLoad!.keys[0], 7);
  assert.equal(view.slotLoad!.memory[16383], 180);
  assert.equal(view.slotLoad!.cpu![1], 24);
  assert.equal(view.slotLoad!.memoryEstimated, true);
  // Without load figures nothing extra is sent.
  const plain = buildPlanView({
    kind: 'reshard',
    clusterName: 'c',
    topology: topo,
    plan: { ...plan, load: undefined },
    settings: { timeoutMs: 60000, replace: false },
  });
  assert.equal(plain.slotLoad, undefined);
  assert.equal(plain.loadShares, undefined);
});
