/** The executor's opt-in profile (exec/profile.ts): round trips and time per phase, on the fake port. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MigrationEvent, MovePlan } from '../../src/engine';
import { executePlan } from '../../src/engine/exec/executor';
import { renderProfile, type RunProfile } from '../../src/engine/exec/profile';
import { FakeCluster } from '../fixtures/fakeSlotPort';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const plan = (slots: number[]): MovePlan => ({
  version: 1,
  kind: 'reshard',
  entry: { host: 'fake', port: 1 },
  nodes: [],
  moves: slots.map((slot) => ({ slot, sourceId: 'A', targetId: 'B' })),
  groups: [],
  totalSlots: slots.length,
});

test('profile: counts every port call by phase, once, at the end; none without the option', async () => {
  const run = async (profile: boolean) => {
    const c = new FakeCluster();
    c.addNode('A', range(0, 19), 3);
    c.addNode('B', range(20, 39));
    c.addNode('C', range(40, 59));
    let migrates = 0;
    c.migrateHook = () => {
      migrates++;
      return null;
    };
    const events: MigrationEvent[] = [];
    const res = await executePlan(plan(range(0, 19)), c, { windowSlots: 10, pipeline: 100, profile, onEvent: (e) => events.push(e) });
    assert.equal(res.status, 'done');
    return { migrates, profiles: events.filter((e): e is Extract<MigrationEvent, { type: 'profile' }> => e.type === 'profile').map((e) => e.profile) };
  };
  assert.deepEqual((await run(false)).profiles, []);
  const { migrates, profiles } = await run(true);
  assert.equal(profiles.length, 1);
  const p: RunProfile = profiles[0]!;
  assert.equal(p.slots, 20);
  assert.equal(p.phases.migrate?.calls, migrates, 'one migrate call per MIGRATE (one slot each)');
  // Two windows: IMPORTING and MIGRATING each; SETSLOT NODE on the target, the source and the other master.
  assert.equal(p.phases['window-open']?.calls, 4);
  assert.equal(p.phases['setslot-node']?.calls, 6);
  assert.ok((p.phases['epoch-guard']?.roundTrips ?? 0) >= 8, 'the epoch guard: two checks per window, both nodes');
  assert.ok((p.phases['key-listing']?.calls ?? 0) >= 2, 'GETKEYSINSLOT');
  const text = renderProfile(p);
  assert.match(text, /^rcm: profile: 20 slots in .* round trips \(\d+\.\d\d\/slot\)\n/);
  assert.match(text, /rcm: profile: migrate +20 calls +20 round trips \(1\.00\/slot\)/);
});
