/** The slot-map model: slots ↔ cells, ranges → cells, owners and moves, colours stable per node. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GRID,
  NONE,
  SLOTS,
  assignHues,
  buildOwnerMap,
  buildTargetMap,
  cellToSlot,
  countByOwner,
  formatRanges,
  hashId,
  keyShade,
  nodeColour,
  ownersAfter,
  rangeToRowSpans,
  rangesToCells,
  slotAtPoint,
  slotToCell,
  toRanges,
} from '../../src/shared/slotMap';

test('the grid is 128 × 128 and slot ↔ cell is a bijection', () => {
  assert.equal(GRID * GRID, SLOTS);
  const seen = new Set<string>();
  for (let s = 0; s < SLOTS; s++) {
    const { col, row } = slotToCell(s);
    assert.ok(col >= 0 && col < GRID && row >= 0 && row < GRID);
    assert.equal(cellToSlot(col, row), s);
    seen.add(`${col},${row}`);
  }
  assert.equal(seen.size, SLOTS);
  assert.deepEqual(slotToCell(0), { col: 0, row: 0 });
  assert.deepEqual(slotToCell(127), { col: 127, row: 0 });
  assert.deepEqual(slotToCell(128), { col: 0, row: 1 });
  assert.deepEqual(slotToCell(16383), { col: 127, row: 127 });
  for (const [c, r] of [
    [-1, 0],
    [0, -1],
    [128, 0],
    [0, 128],
    [1.5, 0],
  ])
    assert.equal(cellToSlot(c!, r!), NONE);
});

test('a point on the drawn map finds its slot at any display size', () => {
  assert.equal(slotAtPoint(0, 0, 512), 0);
  assert.equal(slotAtPoint(511.9, 511.9, 512), 16383);
  assert.equal(slotAtPoint(4, 0, 512), 1); // 4 px per cell at 512 px
  assert.equal(slotAtPoint(0, 4, 512), 128);
  assert.equal(slotAtPoint(3.99, 3.99, 512), 0);
  assert.equal(slotAtPoint(750, 25, 1280), cellToSlot(75, 2)); // 10 px per cell at 1280 px
  for (const [x, y] of [
    [-1, 0],
    [0, -1],
    [512, 0],
    [0, 512],
  ])
    assert.equal(slotAtPoint(x!, y!, 512), NONE);
  assert.equal(slotAtPoint(1, 1, 0), NONE);
});

test('ranges become row spans that wrap at the end of each row', () => {
  assert.deepEqual(rangeToRowSpans({ start: 0, end: 5460 }).length, Math.ceil(5461 / 128));
  assert.deepEqual(rangeToRowSpans({ start: 120, end: 130 }), [
    { row: 0, colStart: 120, colEnd: 127 },
    { row: 1, colStart: 0, colEnd: 2 },
  ]);
  assert.deepEqual(rangeToRowSpans({ start: 5461, end: 5461 }), [{ row: 42, colStart: 85, colEnd: 85 }]);
  assert.deepEqual(rangeToRowSpans({ start: 0, end: 16383 }).length, 128);
  assert.deepEqual(rangeToRowSpans({ start: 16380, end: 20000 }), [{ row: 127, colStart: 124, colEnd: 127 }], 'clipped to the slot space');
});

test('ranges → cells: exactly one cell per slot, in slot order', () => {
  const ranges = [
    { start: 0, end: 5460 },
    { start: 10000, end: 10000 },
    { start: 16300, end: 16383 },
  ];
  const cells = rangesToCells(ranges);
  assert.equal(cells.length, 5461 + 1 + 84);
  const slots = cells.map((c) => cellToSlot(c.col, c.row));
  const expected = [...Array.from({ length: 5461 }, (_, i) => i), 10000, ...Array.from({ length: 84 }, (_, i) => 16300 + i)];
  assert.deepEqual(slots, expected);
});

test('owner map: each slot → its node; unclaimed slots are NONE; the first claimant wins', () => {
  const nodes = [
    { slots: [{ start: 0, end: 99 }] },
    {
      slots: [
        { start: 100, end: 199 },
        { start: 50, end: 60 },
      ],
    },
    { slots: [] },
  ];
  const owner = buildOwnerMap(nodes);
  assert.equal(owner.length, SLOTS);
  assert.equal(owner[0], 0);
  assert.equal(owner[55], 0);
  assert.equal(owner[150], 1);
  assert.equal(owner[200], NONE);
  assert.deepEqual(countByOwner(owner, 3), [100, 100, 0]);
});

test('moves: targets per slot, owners once slots are done, counts follow', () => {
  const nodes = [
    { id: 'a', slots: [{ start: 0, end: 8191 }] },
    { id: 'b', slots: [{ start: 8192, end: 16383 }] },
    { id: 'c', slots: [] },
  ];
  const idx = new Map(nodes.map((n, i) => [n.id, i]));
  const owner = buildOwnerMap(nodes);
  const target = buildTargetMap(
    [
      { targetId: 'c', slots: [{ start: 0, end: 2730 }] },
      { targetId: 'c', slots: [{ start: 8192, end: 10921 }] },
      { targetId: 'zz', slots: [{ start: 9000, end: 9001 }] },
    ],
    (id) => idx.get(id) ?? -1,
  );
  assert.equal(target[0], 2);
  assert.equal(target[2731], NONE);
  assert.equal(target[9000], 2, 'an unknown target is ignored, not written');
  const half = ownersAfter(owner, target, [0, 1, 2, 2731, 20000]);
  assert.deepEqual(countByOwner(half, 3), [8189, 8192, 3]);
  assert.equal(owner[0], 0, 'ownersAfter does not change its input');
  const all = ownersAfter(
    owner,
    target,
    Array.from({ length: SLOTS }, (_, i) => i),
  );
  assert.deepEqual(countByOwner(all, 3), [8192 - 2731, 8192 - 2730, 2731 + 2730]);
});

const IDS = [
  'e91a4871eacef001dd371ef3db5455a4b067d077',
  'b9fec5fafec475c53e824d8ada0d38f8c7d9c4b0',
  'a1cf67bee74e291bd72d9785b3e0b1ce79a4a2ba',
  'd4c0ffee00000000000000000000000000000004',
  '0123456789abcdef0123456789abcdef01234567',
  'ffffffffffffffffffffffffffffffffffffffff',
];

test('colours are stable per node: independent of list order and repeatable', () => {
  const hues = assignHues(IDS);
  assert.deepEqual(assignHues([...IDS].reverse()), hues);
  assert.deepEqual(assignHues([IDS[3]!, IDS[0]!, IDS[5]!, IDS[1]!, IDS[4]!, IDS[2]!]), hues);
  assert.deepEqual(assignHues([...IDS, IDS[0]!]), hues, 'duplicates do not shift anything');
  for (const id of IDS) {
    assert.ok(hues[id]! >= 0 && hues[id]! < 360);
    assert.equal(nodeColour(hues[id]!, 'dark'), nodeColour(assignHues(IDS)[id]!, 'dark'));
  }
  assert.equal(hashId('abc'), hashId('abc'));
  assert.notEqual(hashId('abc'), hashId('abd'));
});

test('colours of different nodes are told apart', () => {
  for (const n of [2, 3, 4, 6]) {
    const ids = IDS.slice(0, n);
    const hues = Object.values(assignHues(ids));
    let min = 360;
    for (let i = 0; i < hues.length; i++)
      for (let j = i + 1; j < hues.length; j++) {
        const d = Math.abs(hues[i]! - hues[j]!) % 360;
        min = Math.min(min, d > 180 ? 360 - d : d);
      }
    assert.ok(min >= Math.min(40, 360 / (2 * n)), `${n} nodes: closest hues ${min}° apart`);
  }
  // 16 generated ids (a larger cluster) still get 16 distinct colours.
  const many = Array.from({ length: 16 }, (_, i) => i.toString(16).repeat(40));
  assert.equal(new Set(Object.values(assignHues(many))).size, 16);
});

test('theme colours: one per theme kind, shading by keys changes lightness only', () => {
  const dark = nodeColour(120, 'dark');
  const kinds = ['light', 'dark', 'high-contrast', 'high-contrast-light'] as const;
  assert.equal(new Set(kinds.map((k) => nodeColour(120, k))).size, 4);
  assert.match(dark, /^hsl\(120 \d+% \d+%\)$/);
  assert.notEqual(nodeColour(120, 'dark', 1), dark);
  assert.equal(nodeColour(120, 'dark', 0), dark);
  assert.equal(keyShade(0, 100), 0);
  assert.equal(keyShade(100, 100), 1);
  assert.equal(keyShade(5, 0), 0);
  assert.ok(keyShade(10, 100) > 0 && keyShade(10, 100) < keyShade(50, 100));
});

test('slots → ranges and their compact display', () => {
  assert.deepEqual(toRanges([5, 3, 4, 10, 10, 0]), [
    { start: 0, end: 0 },
    { start: 3, end: 5 },
    { start: 10, end: 10 },
  ]);
  assert.deepEqual(formatRanges(toRanges([0, 1, 2, 7])), { text: '0-2, 7', more: 0 });
  assert.deepEqual(formatRanges(toRanges([0, 2, 4, 6]), 2), { text: '0, 2', more: 2 });
});
