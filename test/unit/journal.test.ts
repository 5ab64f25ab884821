import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan, FileJournal, journalInUse, journalLockPid, lockJournal, newJournalPath, readJournalFile, readJournalState, unlockJournal, type MovePlan } from '../../src/engine';

const plan: MovePlan = {
  version: 1, kind: 'reshard', entry: { host: '127.0.0.1', port: 1 }, nodes: [],
  moves: [{ slot: 1, sourceId: 'a', targetId: 'b' }], groups: [], totalSlots: 1,
};

test('journal: records are appended and read back; locks name the running process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-journal-'));
  try {
    const path = newJournalPath(join(dir, 'j'), 'reshard', new Date(0));
    assert.match(path, /reshard-1970-01-01T00-00-00-000Z\.jsonl$/);
    const j = new FileJournal(path);
    await j.append({ t: 'plan', plan, at: 0 });
    await j.append({ t: 'window', sourceId: 'a', targetId: 'b', slots: [1], at: 1 });
    await j.close();
    assert.deepEqual(readJournalState(readJournalFile(path)).inFlight, [1]);

    assert.equal(journalLockPid(path), undefined);
    lockJournal(path, 4242);
    assert.equal(journalLockPid(path), 4242);
    assert.equal(journalInUse(path, (pid) => pid === 4242), true);
    assert.equal(journalInUse(path, () => false), false);
    unlockJournal(path);
    assert.equal(journalLockPid(path), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a journal locked by another live process is not run again (checked before any connection)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-journal-'));
  try {
    const path = join(dir, 'run.jsonl');
    lockJournal(path, 1); // pid 1 is always alive
    await assert.rejects(applyPlan(plan, { journalPath: path }), (e: Error & { code?: string }) => e.code === 'usage' && /still going on in process 1/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
