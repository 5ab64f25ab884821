/** Key counts through CLUSTER SLOT-STATS (io/slotStats.ts): the reply's shape, unowned slots, servers without it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countKeysByRanges, parseSlotStats } from '../../src/engine/io/slotStats';
import { FakeNodeClient, replyError } from '../fixtures/fakeNodeClient';

/** A node owning `owned` with `keys(slot)` keys per slot; `slotStats` false: a server without the command. */
function node(owned: (s: number) => boolean, keys: (s: number) => number, slotStats = true): FakeNodeClient {
  return new FakeNodeClient('127.0.0.1:7000', (command, args) => {
    if (command !== 'CLUSTER') throw replyError('ERR unknown command');
    const sub = String(args[0]).toUpperCase();
    if (sub === 'COUNTKEYSINSLOT') return String(keys(Number(args[1])));
    if (sub === 'SLOT-STATS' && slotStats) {
      const out: unknown[] = [];
      for (let s = Number(args[2]); s <= Number(args[3]); s++) if (owned(s)) out.push([String(s), ['key-count', String(keys(s))]]);
      return out;
    }
    throw replyError(`ERR unknown subcommand '${String(args[0])}'. Try CLUSTER HELP.`);
  });
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const subs = (n: FakeNodeClient, sub: string): number => n.calls.filter((c) => String(c.args[0]).toUpperCase() === sub).length;

test('parseSlotStats reads key-count per slot and refuses any other shape', () => {
  assert.deepEqual(
    [
      ...parseSlotStats([
        ['5', ['key-count', '3', 'cpu-usec', '9']],
        [6, ['key-count', 0]],
      ])!,
    ],
    [
      [5, 3],
      [6, 0],
    ],
  );
  assert.equal(parseSlotStats('OK'), null);
  assert.equal(parseSlotStats([['5', ['cpu-usec', '3']]]), null);
});

test('owned slots are counted with one SLOT-STATS per range, the others with COUNTKEYSINSLOT', async () => {
  const n = node(
    (s) => s < 600,
    (s) => s % 7,
  );
  const slots = [...range(0, 999), ...range(2000, 2099)];
  assert.deepEqual(
    await countKeysByRanges(n, slots, new Set()),
    slots.map((s) => s % 7),
  );
  assert.equal(subs(n, 'SLOT-STATS'), 2);
  assert.equal(subs(n, 'COUNTKEYSINSLOT'), 500); // 600-999 and 2000-2099: not owned
});

test('a server without SLOT-STATS is counted slot by slot, and asked only once', async () => {
  const n = node(
    () => true,
    (s) => s % 3,
    false,
  );
  const none = new Set<FakeNodeClient>();
  for (let i = 0; i < 2; i++)
    assert.deepEqual(
      await countKeysByRanges(n, range(0, 99), none),
      range(0, 99).map((s) => s % 3),
    );
  assert.equal(subs(n, 'SLOT-STATS'), 1);
  assert.equal(subs(n, 'COUNTKEYSINSLOT'), 200);
});

test('few or scattered slots skip SLOT-STATS', async () => {
  const n = node(
    () => true,
    () => 1,
  );
  await countKeysByRanges(n, range(0, 9), new Set());
  await countKeysByRanges(
    n,
    range(0, 99).map((i) => i * 3),
    new Set(),
  );
  assert.equal(subs(n, 'SLOT-STATS'), 0);
});
