/** io/foreignKeys.ts on a scripted node: visible counts, keys Redis 8 hides (DBSIZE only), the probe, the SCAN fallback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foreignKeysOf } from '../../src/engine/io/foreignKeys';
import type { NodeClient } from '../../src/engine/io/connection';
import { keyHashSlot } from '../../src/engine/data/keySlot';

/** A node whose COUNTKEYSINSLOT answers `visible`, DBSIZE `size`, and SCAN lists `scan` (one page). */
function node(visible: Record<number, number>, size: number, scan: string[] = []): NodeClient {
  return {
    addr: 'fake:1',
    async call(cmd) {
      if (cmd === 'DBSIZE') return size;
      throw new Error(`unexpected ${cmd}`);
    },
    async pipeline(cmds) {
      return cmds.map(([cmd, ...args]) => {
        if (cmd === 'CLUSTER') return { ok: true as const, value: visible[Number(args[1])] ?? 0 };
        if (cmd === 'SCAN') return { ok: true as const, value: [Buffer.from('0'), scan.map((k) => Buffer.from(k))] };
        return { ok: false as const, error: 'ERR unexpected' };
      });
    },
    close() { /* nothing */ },
  };
}

const owned = (start: number, end: number): Uint8Array => {
  const b = new Uint8Array(16384);
  b.fill(1, start, end + 1);
  return b;
};

test('visible keys in slots the node does not own are counted per slot; DBSIZE agreeing means nothing hidden', async () => {
  const r = await foreignKeysOf(node({ 10: 4, 9000: 2 }, 6), owned(0, 100));
  assert.deepEqual(r, { slots: [{ slot: 9000, keys: 2 }], hidden: 0 });
});

test('keys only DBSIZE counts (Redis 8) are found by the probe, slot by slot', async () => {
  let asked: readonly number[] = [];
  const r = await foreignKeysOf(node({ 10: 4 }, 7), owned(0, 100), async (slots) => {
    asked = slots;
    return slots.map((s) => (s === 5000 ? 3 : 0));
  });
  assert.equal(asked.length, 16384 - 101, 'every slot the node does not own');
  assert.deepEqual(r, { slots: [{ slot: 5000, keys: 3 }], hidden: 0 });
});

test('without a probe: a SCAN finds them where the server lists them, else they are reported hidden', async () => {
  const key = 'some-orphan';
  const slot = keyHashSlot(key);
  const notOwning = owned(slot === 0 ? 1 : 0, slot === 0 ? 1 : 0);
  assert.deepEqual(await foreignKeysOf(node({}, 1, [key]), notOwning), { slots: [{ slot, keys: 1 }], hidden: 0 });
  assert.deepEqual(await foreignKeysOf(node({}, 2), notOwning), { slots: [], hidden: 2 });
});
