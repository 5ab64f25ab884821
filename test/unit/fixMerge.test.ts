/**
 * fix's merge into a slot's owner (fix/merge.ts) on the in-memory cluster, for
 * the failure paths a real server hardly produces on demand: a key the owner
 * gets between the comparison and the MIGRATE, a MIGRATE error, a node still
 * answering CLUSTERDOWN. The real-server cases are in test/integration/fixServed.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixIo } from '../../src/engine/fix/steps';
import type { FixEvent } from '../../src/engine/fix/events';
import { mergeInto } from '../../src/engine/fix/merge';
import { renderFixEvent } from '../../src/engine/render/fixText';
import type { NodeClient, PipelineResult } from '../../src/engine/io/connection';
import type { ClusterSession } from '../../src/engine/io/loader';
import { FakeCluster } from '../fixtures/fakeSlotPort';
import { master, topology } from '../fixtures/topologyBuilder';

const SLOT = 7;
const key = (n: number): string => `k${SLOT}:${n}`;

/** A NodeClient over the fake's data: COUNTKEYSINSLOT, CLUSTER INFO, and pipelines of ASKING/DUMP/DEL/TYPE/MEMORY/PTTL. */
function fakeClient(fake: FakeCluster, id: string, hooks: { dumpError?: () => string | null } = {}): NodeClient {
  const data = (): Map<string, string> => {
    const n = fake.nodes.get(id)!;
    if (!n.data.has(SLOT)) n.data.set(SLOT, new Map());
    return n.data.get(SLOT)!;
  };
  const one = (cmd: string, args: readonly unknown[]): PipelineResult => {
    const k = String(args[args.length - 1]);
    switch (cmd) {
      case 'ASKING':
        return { ok: true, value: 'OK' };
      case 'DUMP': {
        const e = hooks.dumpError?.();
        if (e) return { ok: false, error: e };
        const v = data().get(k);
        return { ok: true, value: v === undefined ? null : Buffer.from(v) };
      }
      case 'DEL':
        return { ok: true, value: data().delete(k) ? 1 : 0 };
      case 'TYPE':
        return { ok: true, value: data().has(k) ? 'string' : 'none' };
      case 'MEMORY':
        return { ok: true, value: data().get(k)?.length ?? null };
      case 'PTTL':
        return { ok: true, value: -1 };
      default:
        return { ok: false, error: `ERR unknown command ${cmd}` };
    }
  };
  return {
    addr: `fake:${id}`,
    async call(command, ...args) {
      if (command === 'CLUSTER' && args[0] === 'COUNTKEYSINSLOT') return data().size;
      if (command === 'CLUSTER' && args[0] === 'INFO') return 'cluster_state:ok\r\n';
      throw new Error(`unexpected ${command} ${args.join(' ')}`);
    },
    async pipeline(commands) {
      return commands.map(([cmd, ...args]) => one(cmd, args));
    },
    close() {
      /* nothing */
    },
  };
}

function setup(hooks: { dumpError?: () => string | null } = {}): { fake: FakeCluster; io: FixIo; out: string[] } {
  const fake = new FakeCluster();
  fake.addNode('A', []); // holds keys of SLOT it does not own
  fake.addNode('B', [SLOT]); // the owner
  const session: ClusterSession = {
    topology: topology([master('A', 30001, []), master('B', 30002, [{ start: SLOT, end: SLOT }])]),
    clients: new Map([
      ['A', fakeClient(fake, 'A', hooks)],
      ['B', fakeClient(fake, 'B')],
    ]),
    close: () => undefined,
  };
  const out: string[] = [];
  const sink = { emit: (...events: FixEvent[]) => out.push(...events.flatMap(renderFixEvent).map((c) => c.text)) };
  const io = new FixIo(session, fake, sink, { clusterDownWaitMs: 2000 });
  return { fake, io, out };
}

test("a key the owner gets between the comparison and the MIGRATE (BUSYKEY) is compared again, and the owner's copy is kept", async () => {
  const { fake, io } = setup();
  const a = fake.nodes
    .get('A')!
    .data.set(
      SLOT,
      new Map([
        [key(0), 'old'],
        [key(1), 'only-a'],
      ]),
    )
    .get(SLOT)!;
  fake.nodes.get('B')!.data.set(SLOT, new Map());
  fake.migrateHook = () => {
    // A client writes k0 on the owner just now.
    fake.nodes.get('B')!.data.get(SLOT)!.set(key(0), 'acked-new');
    return null;
  };
  const r = await mergeInto(io, 'A', 'B', SLOT, () => undefined);
  assert.equal(r.ok, true);
  assert.equal(fake.nodes.get('B')!.data.get(SLOT)!.get(key(0)), 'acked-new', 'the acknowledged write is not overwritten');
  assert.equal(fake.nodes.get('B')!.data.get(SLOT)!.get(key(1)), 'only-a');
  assert.deepEqual(
    r.conflicts.map((c) => c.key),
    [key(0)],
  );
  assert.equal(a.get(key(0)), 'old', 'the other copy is kept where it was');
  assert.equal(r.moved, 1);
});

test('equal copies are dropped from the other node, never MIGRATEd with REPLACE', async () => {
  const { fake, io } = setup();
  fake.nodes.get('A')!.data.set(
    SLOT,
    new Map([
      [key(0), 'same'],
      [key(1), 'same-too'],
    ]),
  );
  fake.nodes.get('B')!.data.set(
    SLOT,
    new Map([
      [key(0), 'same'],
      [key(1), 'same-too'],
    ]),
  );
  let migrates = 0;
  fake.migrateHook = () => {
    migrates++;
    return null;
  };
  const r = await mergeInto(io, 'A', 'B', SLOT, () => undefined);
  assert.deepEqual([r.ok, r.moved, r.dropped, r.conflicts.length, migrates], [true, 0, 2, 0, 0]);
  assert.equal(fake.nodes.get('A')!.data.get(SLOT)!.size, 0);
  assert.equal(fake.nodes.get('B')!.data.get(SLOT)!.size, 2);
});

test('a MIGRATE error stops the merge with the reply printed; the key stays on its node', async () => {
  const { fake, io, out } = setup();
  fake.nodes.get('A')!.data.set(SLOT, new Map([[key(0), 'v']]));
  fake.migrateHook = () => 'IOERR error or timeout reading to target instance';
  const r = await mergeInto(io, 'A', 'B', SLOT, () => undefined);
  assert.equal(r.ok, false);
  assert.match(out.join(''), /Node 127\.0\.0\.1:30001 replied with error:\nIOERR error or timeout/);
  assert.equal(fake.nodes.get('A')!.data.get(SLOT)!.get(key(0)), 'v');
});

test('CLUSTERDOWN on the other node (it has not heard the slot was covered) is waited out', async () => {
  let downs = 2;
  const { fake, io } = setup({ dumpError: () => (downs-- > 0 ? 'CLUSTERDOWN The cluster is down' : null) });
  fake.nodes.get('A')!.data.set(SLOT, new Map([[key(0), 'v']]));
  const r = await mergeInto(io, 'A', 'B', SLOT, () => undefined);
  assert.deepEqual([r.ok, r.moved], [true, 1]);
  assert.equal(fake.nodes.get('B')!.data.get(SLOT)!.get(key(0)), 'v');
});
