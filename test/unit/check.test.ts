import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCluster, renderCheck, summarizeCluster } from '../../src/engine';
import { renderSummary } from '../../src/engine/render/checkText';
import { streamText } from '../../src/engine/render/output';
import { master, replica, topology } from '../fixtures/topologyBuilder';

const A = 'e91a4871eacef001dd371ef3db5455a4b067d077';
const B = 'b9fec5fafec475c53e824d8ada0d38f8c7d9c4b0';
const C = 'a1cf67bee74e291bd72d9785b3e0b1ce79a4a2ba';
const R = 'cfed691dfd97ad4afcd6487da2c02e60f2d72acf';

function healthy() {
  return topology([
    master(A, 32001, [{ start: 0, end: 5460 }], { flags: ['myself', 'master'], dbsize: 100 }),
    replica(R, 32004, B),
    master(B, 32002, [{ start: 5461, end: 10922 }], { dbsize: 92 }),
    master(C, 32003, [{ start: 10923, end: 16383 }], { dbsize: 108 }),
  ]);
}

test('summary and check of a healthy cluster print exactly what redis-cli 7.0 prints', () => {
  const t = healthy();
  const text = streamText([...renderSummary(summarizeCluster(t)), ...renderCheck(t, checkCluster(t))], 'stdout');
  assert.equal(
    text,
    [
      '127.0.0.1:32001 (e91a4871...) -> 100 keys | 5461 slots | 0 slaves.',
      '127.0.0.1:32002 (b9fec5fa...) -> 92 keys | 5462 slots | 1 slaves.',
      '127.0.0.1:32003 (a1cf67be...) -> 108 keys | 5461 slots | 0 slaves.',
      '[OK] 300 keys in 3 masters.',
      '0.02 keys per slot on average.',
      '>>> Performing Cluster Check (using node 127.0.0.1:32001)',
      `M: ${A} 127.0.0.1:32001`,
      '   slots:[0-5460] (5461 slots) master',
      `S: ${R} 127.0.0.1:32004`,
      '   slots: (0 slots) slave',
      `   replicates ${B}`,
      `M: ${B} 127.0.0.1:32002`,
      '   slots:[5461-10922] (5462 slots) master',
      '   1 additional replica(s)',
      `M: ${C} 127.0.0.1:32003`,
      '   slots:[10923-16383] (5461 slots) master',
      '[OK] All nodes agree about slots configuration.',
      '>>> Check for open slots...',
      '>>> Check slots coverage...',
      '[OK] All 16384 slots covered.',
      '',
    ].join('\n'),
  );
  assert.equal(checkCluster(t).ok, true);
});

test('open slots: per-node warnings in line order, the list in dict order', () => {
  const base = healthy();
  const nodes = base.nodes.map((n) =>
    n.id === A
      ? {
          ...n,
          migrating: [
            { slot: 400, peerId: B },
            { slot: 402, peerId: B },
          ],
        }
      : n.id === B
        ? {
            ...n,
            importing: [
              { slot: 401, peerId: A },
              { slot: 402, peerId: A },
            ],
          }
        : n.id === C
          ? { ...n, importing: [{ slot: 402, peerId: A }] }
          : n,
  );
  const t = { ...base, nodes };
  const result = checkCluster(t);
  assert.equal(result.ok, false);
  assert.deepEqual(result.openSlots, [402, 400, 401]);
  assert.deepEqual(
    result.findings.map((f) => f.code),
    ['slots-migrating', 'slots-importing', 'slots-importing', 'open-slots'],
  );
  const text = streamText(renderCheck(t, result), 'stdout');
  assert.match(
    text,
    /\[WARNING\] Node 127\.0\.0\.1:32001 has slots in migrating state 400,402\.\n\[WARNING\] Node 127\.0\.0\.1:32002 has slots in importing state 401,402\.\n\[WARNING\] Node 127\.0\.0\.1:32003 has slots in importing state 402\.\n\[WARNING\] The following slots are open: 402,400,401\.\n/,
  );
});

test('uncovered slots and disagreeing signatures are findings', () => {
  const base = healthy();
  const nodes = base.nodes.map((n) => (n.id === C ? { ...n, slots: [{ start: 10923, end: 16382 }], slotCount: 5460, signature: 'other' } : n));
  const t = { ...base, nodes };
  const result = checkCluster(t);
  assert.equal(result.configConsistent, false);
  assert.deepEqual(result.uncovered, [{ start: 16383, end: 16383 }]);
  const text = streamText(renderCheck(t, result), 'stdout');
  assert.match(text, /\[ERR\] Nodes don't agree about configuration!\n/);
  assert.match(text, /\[ERR\] Not all 16384 slots are covered by nodes\.\n\n$/);
});

test('multiple owners: claimed by one master, keys on another', () => {
  const t = { ...healthy(), foreignKeys: [{ nodeId: C, slot: 3160, keys: 2 }] };
  const result = checkCluster(t, { searchMultipleOwners: true });
  assert.equal(result.ok, false);
  assert.deepEqual(result.multipleOwners, [
    {
      slot: 3160,
      owners: [
        { id: A, addr: '127.0.0.1:32001' },
        { id: C, addr: '127.0.0.1:32003' },
      ],
    },
  ]);
  const text = streamText(renderCheck(t, result), 'stdout');
  assert.match(text, />>> Check for multiple slot owners\.\.\.\n\[WARNING\] Slot 3160 has 2 owners:\n {4}127\.0\.0\.1:32001\n {4}127\.0\.0\.1:32003\n$/);
  const clean = checkCluster(healthy(), { searchMultipleOwners: true });
  assert.equal(clean.ok, true);
  assert.match(streamText(renderCheck(healthy(), clean), 'stdout'), /\[OK\] No multiple owners found\.\n$/);
});

test("a DBSIZE error stops the summary with redis-cli's message", () => {
  const base = healthy();
  const nodes = base.nodes.map((n) => (n.id === B ? { ...n, dbsize: { error: 'LOADING Redis is loading' } } : n));
  const text = streamText(renderSummary(summarizeCluster({ ...base, nodes })), 'stdout');
  assert.equal(
    text,
    '127.0.0.1:32001 (e91a4871...) -> 100 keys | 5461 slots | 0 slaves.\nNode 127.0.0.1:32002 replied with error:\nLOADING Redis is loading\n',
  );
});
