import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staleSlotsOf } from '../../src/engine/fix/staleViews';
import { parseClusterNodes } from '../../src/engine/parse/clusterNodes';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const line = (id: string, me: boolean, slots: string): string => `${id} 127.0.0.1:7000@17000 ${me ? 'myself,' : ''}master - 0 0 1 connected ${slots}`;

test('staleSlotsOf: the slots a view gives the node that its own view no longer claims, the fixed slot aside', () => {
  const own = parseClusterNodes(line(A, true, '0-99'))[0]!;
  const fresh = parseClusterNodes([line(A, false, '0-99'), line(B, true, '100-16383')].join('\n'));
  const stale = parseClusterNodes([line(A, false, '0-99 150 200-201'), line(B, true, '100-149 151-199 202-16383')].join('\n'));
  assert.deepEqual(staleSlotsOf(A, own, [fresh], 5000), []);
  assert.deepEqual(staleSlotsOf(A, own, [fresh, stale], 5000), [150, 200, 201]);
  assert.deepEqual(staleSlotsOf(A, own, [stale], 150), [200, 201]);
  // A view without the node at all (it does not know it yet) holds nothing stale.
  assert.deepEqual(staleSlotsOf(A, own, [parseClusterNodes(line(B, true, '0-16383'))], 5000), []);
});
