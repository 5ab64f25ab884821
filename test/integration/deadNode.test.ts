/**
 * A node that dies under the real slot port leaves no connection behind (issue #12, item 7: a legacy
 * reshard whose target was SIGKILLed never exited, held alive by one idle socket to a live master).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openCluster } from '../../src/engine/io/loader';
import { createSlotPort } from '../../src/engine/io/slotPort';
import { cmd, createCluster, killNode, stopAllNodes, waitFor, type NodeHandle, type TestCluster } from '../helpers/redisCluster';

after(() => stopAllNodes());

let cluster: TestCluster;
before(async () => {
  cluster = await createCluster({ masters: 3 });
});
after(() => cluster.stop());

/** Client connections on a node, ours (the test's cached client) excluded. */
async function connections(node: NodeHandle): Promise<number> {
  const list = String(await cmd(cluster.client(node), 'CLIENT', 'LIST', 'TYPE', 'normal'));
  return list.split('\n').filter((l) => l.trim() !== '').length - 1;
}

test('finishTimedOut towards a dead target rejects and closes its connection to the source', async () => {
  const [source, target] = [cluster.masters[0]!, cluster.masters[1]!];
  const [sourceId, targetId] = await Promise.all([cluster.nodeId(source), cluster.nodeId(target)]);
  const session = await openCluster(cluster.entry.host, cluster.entry.port);
  const port = createSlotPort(session, {});
  try {
    const baseline = await connections(source);
    await killNode(target);
    await assert.rejects(port.finishTimedOut!(sourceId, targetId, [Buffer.from('k')]), /127\.0\.0\.1/);
    // The one the port opened to the source must be gone (the server drops it as soon as the socket closes).
    await waitFor(
      'the source to show no extra connection',
      async () => {
        const n = await connections(source);
        return n <= baseline || `${n} connections, ${baseline} before`;
      },
      3000,
      25,
    );
  } finally {
    port.close?.();
    session.close();
  }
});
