/** io/foreignKeys.ts on a scripted node: visible counts, and keys Redis 8 hides (DBSIZE only) found by the probe. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foreignKeysOf } from '../../src/engine/io/foreignKeys';
import type { NodeClient } from '../../src/engine/io/connection';

/**
 * A node whose COUNTKEYSINSLOT (and the counting script) answers `visible` and DBSIZE `size`; `calls` records DBSIZE after the counts.
 * A MULTI/EXEC pipeline answers the same counts and `snapshotSize` as DBSIZE (default `size`): a larger `size`
 * is keys written between the counts and DBSIZE.
 */
function node(visible: Record<number, number>, size: number, calls: string[] = [], snapshotSize = size): NodeClient {
  const reply = ([cmd, ...args]: readonly unknown[]): unknown =>
    cmd === 'CLUSTER' ? (visible[Number(args[1])] ?? 0) : cmd === 'DBSIZE' ? snapshotSize : undefined;
  return {
    addr: 'fake:1',
    async call(cmd, ...args) {
      if (cmd === 'EVAL_RO') {
        // The counting script of io/bulk.ts: COUNTKEYSINSLOT of every slot of the start, end pairs after the key count.
        calls.push('counts');
        const out: number[] = [];
        for (let i = 2; i + 1 < args.length; i += 2) for (let slot = Number(args[i]); slot <= Number(args[i + 1]); slot++) out.push(visible[slot] ?? 0);
        return out;
      }
      calls.push(cmd);
      if (cmd === 'DBSIZE') return size;
      throw new Error(`unexpected ${cmd}`);
    },
    async pipeline(cmds) {
      if (cmds[0]![0] === 'MULTI') {
        calls.push('snapshot');
        const inner = cmds.slice(1, -1);
        return [
          { ok: true as const, value: 'OK' },
          ...inner.map(() => ({ ok: true as const, value: 'QUEUED' })),
          { ok: true as const, value: inner.map(reply) },
        ];
      }
      calls.push('counts');
      return cmds.map(([cmd, ...args]) =>
        cmd === 'CLUSTER' ? { ok: true as const, value: visible[Number(args[1])] ?? 0 } : { ok: false as const, error: 'ERR unexpected' },
      );
    },
    close() {
      /* nothing */
    },
  };
}

const owned = (start: number, end: number): Uint8Array => {
  const b = new Uint8Array(16384);
  b.fill(1, start, end + 1);
  return b;
};

test('visible keys in slots the node does not own are counted per slot; without a probe DBSIZE is not read', async () => {
  const calls: string[] = [];
  assert.deepEqual(await foreignKeysOf(node({ 10: 4, 9000: 2 }, 99, calls), owned(0, 100)), [{ slot: 9000, keys: 2 }]);
  assert.ok(!calls.includes('DBSIZE'));
});

test('with a probe: DBSIZE agreeing with the slot counts means nothing hidden, and the probe is not called', async () => {
  const r = await foreignKeysOf(node({ 10: 4, 9000: 2 }, 6), owned(0, 100), async () => assert.fail('probed'));
  assert.deepEqual(r, [{ slot: 9000, keys: 2 }]);
});

test('keys written between the counts and DBSIZE (a cluster with clients): the snapshot agrees, the probe is not called', async () => {
  const calls: string[] = [];
  const r = await foreignKeysOf(node({ 10: 4, 9000: 2 }, 9, calls, 6), owned(0, 100), async () => assert.fail('probed'));
  assert.deepEqual(r, [{ slot: 9000, keys: 2 }]);
  assert.deepEqual(calls, [...Array<string>(16).fill('counts'), 'DBSIZE', 'snapshot'], 'the counts (a script per 1024 slots), DBSIZE, the snapshot');
});

test('keys only DBSIZE counts (Redis 8) are found by the probe, slot by slot; DBSIZE is read after the counts', async () => {
  let asked: readonly number[] = [];
  const calls: string[] = [];
  const r = await foreignKeysOf(node({ 10: 4, 9000: 1 }, 8, calls), owned(0, 100), async (slots) => {
    asked = slots;
    return slots.map((s) => (s === 5000 ? 3 : 0));
  });
  assert.equal(asked.length, 16384 - 101 - 1, 'every slot the node does not own and shows no key of');
  assert.deepEqual(r, [
    { slot: 5000, keys: 3 },
    { slot: 9000, keys: 1 },
  ]);
  assert.deepEqual(calls.slice(-2), ['DBSIZE', 'snapshot'], 'DBSIZE after the counts, then the snapshot that confirms it');
});
