/** fix/replicaStage.ts: which slots open on a replica its primary can close by replicating SETSLOT STABLE. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicaOnlyOpenSlots } from '../../src/engine/fix/replicaStage';
import { parseClusterNodesLine } from '../../src/engine/parse/clusterNodes';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

test('slots open on the replica and closed on its primary are the replica-only ones', () => {
  const replica = parseClusterNodesLine(`${A} 127.0.0.1:7001@17001 myself,slave ${B} 0 0 3 connected [200->-${C}] [201->-${C}] [300-<-${C}]`);
  const primary = parseClusterNodesLine(`${B} 127.0.0.1:7002@17002 myself,master - 0 0 4 connected 0-5000 [201->-${C}]`);
  assert.deepEqual(replicaOnlyOpenSlots(replica, primary), [200, 300]);
  assert.deepEqual(replicaOnlyOpenSlots(undefined, primary), []);
  assert.deepEqual(replicaOnlyOpenSlots(replica, undefined), [], 'a primary that cannot be read is never sent STABLE');
});
