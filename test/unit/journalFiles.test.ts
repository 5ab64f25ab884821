/** Journal locations (one builder, private modes, the old default still found) and the shape checks of journals and plans. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findJournal, journalDir, legacyJournalDir, newJournalPath, planShapeProblem, readJournalFile, type MovePlan } from '../../src/engine';
import { FileJournal } from '../../src/engine/io/journalFile';

const plan: MovePlan = {
  version: 1,
  kind: 'reshard',
  entry: { host: '127.0.0.1', port: 7000 },
  nodes: [
    { id: 'a', host: '127.0.0.1', port: 7000, slotsBefore: 2, slotsAfter: 1 },
    { id: 'b', host: '127.0.0.1', port: 7001, slotsBefore: 0, slotsAfter: 1 },
  ],
  moves: [{ slot: 1, sourceId: 'a', targetId: 'b' }],
  groups: [{ sourceId: 'a', targetId: 'b', slots: 1 }],
  totalSlots: 1,
};

test('journal directory: $XDG_STATE_HOME/rcm/journals, else ~/.local/state/rcm/journals; the extension under its storage', () => {
  assert.equal(journalDir(undefined, { XDG_STATE_HOME: '/x/state', HOME: '/home/u' }), '/x/state/rcm/journals');
  assert.equal(journalDir(undefined, { HOME: '/home/u' }), '/home/u/.local/state/rcm/journals');
  assert.equal(journalDir(undefined, { XDG_STATE_HOME: 'relative', HOME: '/home/u' }), '/home/u/.local/state/rcm/journals');
  assert.equal(journalDir('/storage'), '/storage/journals');
  assert.equal(legacyJournalDir(), join(tmpdir(), 'rcm-journals'));
});

test('journals are private: directory 0700, file and lock 0600', async () => {
  const base = mkdtempSync(join(tmpdir(), 'rcm-jmode-'));
  try {
    const dir = journalDir(undefined, { XDG_STATE_HOME: base });
    const path = newJournalPath(dir, 'reshard');
    const j = new FileJournal(path);
    await j.append({ t: 'plan', plan, at: 0 });
    await j.close();
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('rcm resume finds a bare journal name in the state directory, then in the old $TMPDIR/rcm-journals', () => {
  const base = mkdtempSync(join(tmpdir(), 'rcm-jfind-'));
  const legacyName = `reshard-legacy-${process.pid}.jsonl`;
  const legacy = join(legacyJournalDir(), legacyName);
  try {
    const env = { XDG_STATE_HOME: base };
    const dir = journalDir(undefined, env);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'new.jsonl'), '');
    assert.equal(findJournal('new.jsonl', env), join(dir, 'new.jsonl'));
    mkdirSync(legacyJournalDir(), { recursive: true });
    writeFileSync(legacy, '');
    assert.equal(findJournal(legacyName, env), legacy);
    assert.equal(findJournal('/nowhere/x.jsonl', env), '/nowhere/x.jsonl');
    assert.equal(findJournal('missing.jsonl', env), 'missing.jsonl');
  } finally {
    rmSync(base, { recursive: true, force: true });
    rmSync(legacy, { force: true });
  }
});

test('a damaged journal gets one message naming the file, the line and what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-jbad-'));
  try {
    const write = (name: string, lines: unknown[]): string => {
      const p = join(dir, name);
      writeFileSync(p, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
      return p;
    };
    const good = write('good.jsonl', [{ t: 'plan', plan, at: 0 }, { t: 'done', slots: [1], keys: 3, at: 1 }, '{"t":"do']);
    assert.equal(readJournalFile(good).length, 2, 'a torn last line is ignored');
    const cases: [unknown[], RegExp][] = [
      [[], /is empty: it has no plan record/],
      [[{ t: 'done', slots: [1], keys: 1, at: 1 }], /line 1: the first record is not the plan/],
      [[{ t: 'plan', plan: { ...plan, moves: undefined }, at: 0 }], /line 1: the plan: "moves" is not a list/],
      [[{ t: 'plan', plan: { ...plan, entry: { host: 'h' } }, at: 0 }], /line 1: the plan: "entry.port" is missing or not a port/],
      [[{ t: 'plan', plan, at: 0 }, 'garbage', { t: 'end', status: 'done', at: 2 }], /line 2: not JSON/],
      [
        [
          { t: 'plan', plan, at: 0 },
          { t: 'window', sourceId: 'a', targetId: 'b', slots: [99999], at: 1 },
        ],
        /line 2: "slots" is not a list of hash slots/,
      ],
      [
        [
          { t: 'plan', plan, at: 0 },
          { t: 'what', at: 1 },
        ],
        /line 2: unknown record type "what"/,
      ],
    ];
    cases.forEach(([lines, expected], i) => {
      const p = write(`bad${i}.jsonl`, lines);
      assert.throws(
        () => readJournalFile(p),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'file-error');
          assert.ok(e.message.includes(p), e.message);
          assert.match(e.message, expected);
          assert.ok(!e.message.includes('\n'));
          return true;
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plan shape: the first problem, or null', () => {
  assert.equal(planShapeProblem(plan), null);
  assert.equal(planShapeProblem(null), 'it is not a JSON object');
  assert.match(planShapeProblem({ ...plan, version: 2 })!, /"version" is 2/);
  assert.match(planShapeProblem({ ...plan, kind: 'x' })!, /"kind"/);
  assert.match(planShapeProblem({ ...plan, moves: [{ slot: 16384, sourceId: 'a', targetId: 'b' }] })!, /"moves\[0\]\.slot" is missing or not a hash slot/);
  assert.match(planShapeProblem({ ...plan, totalSlots: 2 })!, /"totalSlots" is 2 but there are 1 moves/);
  assert.match(planShapeProblem({ ...plan, nodes: [{ id: 'a' }] })!, /"nodes\[0\]\.host"/);
});
