import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../src/engine';
import { assertAllowed, assertClusterReady, dryRunVerdict, probeCommands, probeVerdict, runCommands } from '../../src/engine/exec/preflight';
import { fakeId, master, topology } from '../fixtures/topologyBuilder';

const a = fakeId('a');
const b = fakeId('b');
const rules = { allowOpenSlots: false, requireReachableMasters: true, entry: '127.0.0.1:7000' };

function thrown(f: () => void): EngineError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof EngineError);
    return e;
  }
  assert.fail('expected an EngineError');
}

test('preflight: an open slot refuses a new run (one line, how to finish) but not a resume or fix', () => {
  const t = topology([
    master(a, 7000, [{ start: 0, end: 8191 }], { migrating: [{ slot: 42, peerId: b }] }),
    master(b, 7001, [{ start: 8192, end: 16383 }], { importing: [{ slot: 42, peerId: a }] }),
  ]);
  const e = thrown(() => assertClusterReady(t, rules));
  assert.equal(e.code, 'lease-held');
  assert.match(e.message, /^Slot 42 is open on 127\.0\.0\.1:7000 \(migrating to /);
  assert.match(e.message, /rcm resume JOURNAL.*rcm fix 127\.0\.0\.1:7000/);
  assert.doesNotMatch(e.message, /\n/);
  assert.doesNotThrow(() => assertClusterReady(t, { ...rules, allowOpenSlots: true }));
});

test('preflight: an unreachable master with slots refuses; a failed master without slots (failed over) does not', () => {
  const nodes = [master(a, 7000, [{ start: 0, end: 16383 }])];
  const down = {
    id: b,
    host: '127.0.0.1',
    port: 7001,
    role: 'master' as const,
    flags: ['master' as const],
    slots: [{ start: 0, end: 10 }],
    reason: { kind: 'unreachable' as const, error: { code: 'unreachable' as const, message: 'connect ECONNREFUSED' } },
  };
  const e = thrown(() => assertClusterReady(topology(nodes, { skipped: [down], unreachableMasters: 1 }), rules));
  assert.equal(e.code, 'cluster-not-ok');
  assert.match(e.message, /Master 127\.0\.0\.1:7001 is not reachable \(connect ECONNREFUSED\)/);
  const failed = { ...down, flags: ['master' as const, 'fail' as const], slots: [], reason: { kind: 'flagged' as const, flags: ['fail' as const] } };
  assert.doesNotThrow(() => assertClusterReady(topology(nodes, { skipped: [failed], unreachableMasters: 1 }), rules));
  assert.doesNotThrow(() => assertClusterReady(topology(nodes, { skipped: [down], unreachableMasters: 1 }), { ...rules, requireReachableMasters: false }));
});

test('preflight: the commands of each run kind, and the verdicts of DRYRUN and probe replies', () => {
  const move = runCommands('move').map((c) => c.slice(0, 2).join(' '));
  for (const c of ['CLUSTER SETSLOT', 'CLUSTER GETKEYSINSLOT', 'CLUSTER COUNTKEYSINSLOT', 'MIGRATE 127.0.0.1', 'DUMP rcm:preflight', 'CLUSTER BUMPEPOCH'])
    assert.ok(move.includes(c), c);
  assert.ok(runCommands('move', 'legacy', true).some((c) => c[0] === 'MIGRATE' && c.includes('REPLACE')));
  assert.ok(runCommands('fix').some((c) => c[1] === 'ADDSLOTS'));
  assert.ok(runCommands('del-node').some((c) => c[1] === 'FORGET'));
  assert.ok(!runCommands('del-node').some((c) => c[0] === 'MIGRATE'));
  assert.ok(probeCommands('move').some((c) => c[0] === 'MIGRATE'));

  assert.equal(dryRunVerdict({ ok: true, value: 'OK' }), null);
  assert.equal(
    dryRunVerdict({ ok: true, value: "This user has no permissions to run the 'migrate' command" }),
    "This user has no permissions to run the 'migrate' command",
  );
  assert.equal(dryRunVerdict({ ok: false, error: "ERR Command 'cluster|migration' not found" }), 'unchecked');
  assert.equal(
    probeVerdict({ ok: false, error: "NOPERM this user has no permissions to run the 'migrate' command" }),
    "NOPERM this user has no permissions to run the 'migrate' command",
  );
  assert.equal(probeVerdict({ ok: false, error: 'ERR Invalid or out of range slot' }), null);
  assert.equal(probeVerdict({ ok: true, value: 'NOKEY' }), null);
});

test('preflight: the first denied command is named in one line with the user and node', () => {
  assert.doesNotThrow(() => assertAllowed([{ node: 'n1', command: ['PING'], denied: null }], 'ops'));
  const e = thrown(() =>
    assertAllowed(
      [
        { node: 'n1', command: ['PING'], denied: null },
        { node: '127.0.0.1:7001', command: ['MIGRATE', 'h', '1'], denied: "This user has no permissions to run the 'migrate' command" },
      ],
      'nomig',
    ),
  );
  assert.equal(e.code, 'no-permission');
  assert.equal(
    e.message,
    'The user "nomig" may not run MIGRATE on 127.0.0.1:7001 (This user has no permissions to run the \'migrate\' command); nothing was changed. Grant it or run as a user who may.',
  );
});
