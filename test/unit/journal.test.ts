import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

test('the journal lock is atomic: a second taker is refused while the first lives; a dead holder\'s lock is taken over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-journal-'));
  try {
    const path = join(dir, 'run.jsonl');
    const alive = (pid: number): boolean => pid === 4242;
    assert.equal(lockJournal(path, 4242, alive), true, 'taken');
    assert.equal(lockJournal(path, 4242, alive), false, 'already held by the same process: not taken again (only the taker releases)');
    assert.throws(() => lockJournal(path, 4343, alive), /still going on in process 4242/);
    assert.equal(journalLockPid(path), 4242, 'the refused taker changed nothing');
    assert.equal(lockJournal(path, 4343, () => false), true, 'a lock whose process is gone is taken over');
    assert.equal(journalLockPid(path), 4343);
    assert.deepEqual(readdirSync(dir).sort(), ['run.jsonl.lock'], 'no temporary files left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two processes locking the same journal at the same moment: exactly one gets it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-journal-'));
  try {
    const path = join(dir, 'run.jsonl');
    const at = Date.now() + 4000; // every child is started and waiting by then
    const code = `
      const { lockJournal } = require(${JSON.stringify(join(__dirname, '../../src/engine/io/journalFile.ts'))});
      while (Date.now() < ${at}) { /* spin to the common start */ }
      try { console.log(lockJournal(${JSON.stringify(path)}) ? 'took' : 'held'); } catch (e) { console.log('refused'); }
      setTimeout(() => undefined, 1500); // stay alive while the others look at the lock
    `;
    const tsx = join(__dirname, '../../node_modules/.bin/tsx');
    const runs = [0, 1, 2].map(() => new Promise<string>((resolve, reject) => {
      execFile(tsx, ['-e', code], { timeout: 30000 }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
    }));
    const results = await Promise.all(runs);
    assert.deepEqual(results.sort(), ['refused', 'refused', 'took'], results.join(','));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('applyPlan leaves a lock its caller holds (the migration service releases it)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-journal-'));
  try {
    const path = join(dir, 'run.jsonl');
    assert.equal(lockJournal(path), true);
    await assert.rejects(applyPlan(plan, { journalPath: path, connectTimeoutMs: 500 }));
    assert.equal(journalLockPid(path), process.pid);
    unlockJournal(path);
    await assert.rejects(applyPlan(plan, { journalPath: path, connectTimeoutMs: 500 }));
    assert.equal(journalLockPid(path), undefined, 'a lock applyPlan took itself is released');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
