import { test } from 'node:test';
import assert from 'node:assert/strict';
import { antiAffinityScore } from '../../src/engine/plan/antiAffinity';
import { createMasterCount, interleaveByHost, planCreate, seededRandom, splitSlots, type CreateNodeInput } from '../../src/engine/plan/createPlan';

// 3…10: spec Appendix B (verified against redis-cli 7.0.15). 11…13: the same float32
// recipe compiled as C (float cursor, lround), which is how redis-cli computes them.
const REDIS_CLI_RANGES: Record<number, string> = {
  3: '0-5460 5461-10922 10923-16383',
  4: '0-4095 4096-8191 8192-12287 12288-16383',
  5: '0-3276 3277-6553 6554-9829 9830-13106 13107-16383',
  6: '0-2730 2731-5460 5461-8191 8192-10922 10923-13652 13653-16383',
  7: '0-2340 2341-4680 4681-7021 7022-9361 9362-11702 11703-14042 14043-16383',
  8: '0-2047 2048-4095 4096-6143 6144-8191 8192-10239 10240-12287 12288-14335 14336-16383',
  9: '0-1819 1820-3640 3641-5460 5461-7281 7282-9101 9102-10922 10923-12742 12743-14563 14564-16383',
  10: '0-1637 1638-3276 3277-4914 4915-6553 6554-8191 8192-9829 9830-11468 11469-13106 13107-14745 14746-16383',
  11: '0-1488 1489-2978 2979-4467 4468-5957 5958-7446 7447-8936 8937-10425 10426-11915 11916-13404 13405-14894 14895-16383',
  12: '0-1364 1365-2730 2731-4095 4096-5460 5461-6826 6827-8191 8192-9556 9557-10922 10923-12287 12288-13652 13653-15018 15019-16383',
  13: '0-1259 1260-2520 2521-3780 3781-5040 5041-6301 6302-7561 7562-8821 8822-10081 10082-11342 11343-12602 12603-13862 13863-15123 15124-16383',
};

const nodesOn = (hosts: readonly string[], basePort = 7000): CreateNodeInput[] =>
  hosts.map((host, i) => ({ host, port: basePort + i, id: `node${String(i).padStart(2, '0')}`.padEnd(40, '0') }));

test("slot ranges for 3…13 masters equal redis-cli's", () => {
  for (let m = 3; m <= 13; m++) {
    const got = splitSlots(m)
      .map((r) => `${r.start}-${r.end}`)
      .join(' ');
    assert.equal(got, REDIS_CLI_RANGES[m], `${m} masters`);
  }
});

test('any master count covers 0…16383 contiguously', () => {
  for (let m = 1; m <= 600; m++) {
    const ranges = splitSlots(m);
    assert.equal(ranges[0]!.start, 0);
    assert.equal(ranges[ranges.length - 1]!.end, 16383);
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.start, ranges[i - 1]!.end + 1, `${m} masters, range ${i}`);
  }
});

test('master count is floor(N / (R + 1))', () => {
  assert.equal(createMasterCount(6, 1), 3);
  assert.equal(createMasterCount(7, 1), 3);
  assert.equal(createMasterCount(6, 2), 2);
  assert.equal(createMasterCount(12, 2), 4);
});

test('nodes are interleaved round-robin by host string, in first-appearance order', () => {
  const nodes = nodesOn(['a', 'a', 'a', 'b', 'b', 'c']);
  assert.deepEqual(interleaveByHost(nodes), [0, 3, 5, 1, 4, 2]);
});

test('one host, 3+3: redis-cli\'s "Adding replica" pairing (§4.2) and every master gets one replica', () => {
  const nodes = nodesOn(Array(6).fill('127.0.0.1'), 32001);
  const plan = planCreate(nodes, 1, seededRandom(1));
  assert.deepEqual(plan.masters, [0, 1, 2]);
  assert.deepEqual(plan.initialPairs, [
    { replica: 4, master: 0 },
    { replica: 5, master: 1 },
    { replica: 3, master: 2 },
  ]);
  assert.equal(plan.extraPairsFrom, -1);
  assert.ok(plan.initialScore >= 10000 && plan.finalScore >= 10000, 'a single host cannot be anti-affine');
  const perMaster = [0, 1, 2].map((m) => plan.roles.filter((r) => r.role === 'replica' && r.master === m).length);
  assert.deepEqual(perMaster, [1, 1, 1]);
});

test('7 nodes with 1 replica: "Adding extra replicas" gives the spare node to the first master', () => {
  const plan = planCreate(nodesOn(Array(7).fill('127.0.0.1'), 7001), 1, seededRandom(2));
  assert.equal(plan.extraPairsFrom, 3);
  assert.deepEqual(
    plan.initialPairs.map((p) => [p.replica, p.master]),
    [
      [4, 0],
      [5, 1],
      [6, 2],
      [3, 0],
    ],
  );
});

test("two hosts, 3+3: no replica shares its master's host", () => {
  const nodes = nodesOn(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.2', '127.0.0.2', '127.0.0.2']);
  for (let seed = 0; seed < 20; seed++) {
    const plan = planCreate(nodes, 1, seededRandom(seed));
    plan.roles.forEach((r, i) => {
      if (r.role === 'replica') assert.notEqual(nodes[i]!.host, nodes[r.master]!.host);
    });
    assert.equal(plan.finalScore, 0);
  }
});

test('leftover nodes that redis-cli does not assign stay empty masters', () => {
  const plan = planCreate(nodesOn(Array(43).fill('h')), 10, seededRandom(3));
  assert.equal(plan.masterCount, 3);
  const empty = plan.roles.filter((r) => r.role === 'master' && r.slots === null);
  assert.equal(empty.length, 43 - 3 - 33);
});

test('the plan is a pure function of the nodes and the random source', () => {
  const nodes = nodesOn(['a', 'a', 'b', 'a', 'b', 'c', 'a', 'a', 'b']);
  assert.deepEqual(planCreate(nodes, 2, seededRandom(42)), planCreate(nodes, 2, seededRandom(42)));
});

/** Smallest achievable score over every reassignment that keeps each master's replica count. */
function bestScore(hosts: string[], keys: number[]): number {
  const replicas = keys.map((k, i) => (k !== i ? i : -1)).filter((i) => i >= 0);
  const counts = new Map<number, number>();
  for (const r of replicas) counts.set(keys[r]!, (counts.get(keys[r]!) ?? 0) + 1);
  let best = Infinity;
  const k = [...keys];
  const walk = (pos: number): void => {
    if (pos === replicas.length) {
      best = Math.min(best, antiAffinityScore(hosts, k).score);
      return;
    }
    for (const [m, c] of counts) {
      if (c === 0) continue;
      counts.set(m, c - 1);
      k[replicas[pos]!] = m;
      walk(pos + 1);
      counts.set(m, c);
    }
  };
  walk(0);
  return best;
}

test("anti-affinity: a replica is on its master's host only when no placement avoids it (random layouts, brute force)", () => {
  const rnd = seededRandom(7);
  for (let round = 0; round < 300; round++) {
    const hostCount = 1 + Math.floor(rnd() * 4);
    const replicas = Math.floor(rnd() * 3);
    const masters = 3;
    const n = masters * (replicas + 1) + Math.floor(rnd() * 2);
    const hosts = Array.from({ length: n }, () => `10.0.0.${1 + Math.floor(rnd() * hostCount)}`);
    const nodes = nodesOn(hosts);
    const plan = planCreate(nodes, replicas, seededRandom(round));
    const keys = plan.roles.map((r, i) => (r.role === 'replica' ? r.master : i));
    const best = bestScore(hosts, keys);
    assert.equal(antiAffinityScore(hosts, keys).score, plan.finalScore);
    if (best < 10000) assert.ok(plan.finalScore < 10000, `round ${round}: ${hosts.join(',')} R=${replicas} got ${plan.finalScore}, best ${best}`);
    const before = new Map<number, number>();
    for (const p of plan.initialPairs) before.set(p.master, (before.get(p.master) ?? 0) + 1);
    const after = new Map<number, number>();
    for (const r of plan.roles) if (r.role === 'replica') after.set(r.master, (after.get(r.master) ?? 0) + 1);
    assert.deepEqual([...after].sort(), [...before].sort(), 'replica counts per master are kept');
  }
});
