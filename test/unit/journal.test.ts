import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournalFile, readJournalState, type MovePlan } from '../../src/engine';
import { applyPlan } from '../../src/engine/ops/applyPlan';
import { FileJournal, journalInUse, journalLockPid, lockJournal, newJournalPath, unlockJournal } from '../../src/engine/io/journalFile';

const plan: MovePlan = {
  version: 1,
  kind: 'reshard',
  entry: { host: '127.0.0.1', port: 1 },
  nodes: [],
  moves: [{ slot: 1, sourceId: 'a', targetId: 'b' }],
  groups: [],
  totalSlots: 1,
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
    assert.equal(
      journalInUse(path, (pid) => pid === 4242),
      true,
    );
    assert.equal(
      journalInUse(path, () => false),
      false,
    );
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
    await assert.rejects(
      applyPlan(plan, { journalPath: path }),
      (e: Error & { code?: string }) => e.code === 'usage' && /still going on in process 1/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the journal lock is atomic: a second taker is refused while the first lives; a dead holder's lock is taken over", () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-journal-'));
  try {
    const path = join(dir, 'run.jsonl');
    const alive = (pid: number): boolean => pid === 4242;
    assert.equal(lockJournal(path, 4242, alive), true, 'taken');
    assert.equal(lockJournal(path, 4242, alive), false, 'already held by the same process: not taken again (only the taker releases)');
    assert.throws(() => lockJournal(path, 4343, alive), /still going on in process 4242/);
    assert.equal(journalLockPid(path), 4242, 'the refused taker changed nothing');
    assert.equal(
      lockJournal(path, 4343, () => false),
      true,
      'a lock whose process is gone is taken over',
    );
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
    const go = join(dir, 'go');
    // Each child says "ready", spins until the go file appears, tries the lock once, and stays alive
    // (holding what it took) until its stdin closes, so no lock is ever left by a process that is gone.
    const code = `
      const { existsSync } = require('node:fs');
      const { lockJournal } = require(${JSON.stringify(join(__dirname, '../../src/engine/io/journalFile.ts'))});
      console.log('ready');
      while (!existsSync(${JSON.stringify(go)})) { /* spin to the common start */ }
      let r;
      try { r = lockJournal(${JSON.stringify(path)}) ? 'took' : 'held'; } catch { r = 'refused'; }
      console.log(r);
      process.stdin.resume();
      process.stdin.on('end', () => process.exit(0));
    `;
    const tsx = join(__dirname, '../../node_modules/.bin/tsx');
    const children = [0, 1, 2].map(() => spawn(tsx, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const lines = children.map((c) => {
      let out = '';
      const waiters: { want: number; resolve: (l: string[]) => void }[] = [];
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const got = out.split('\n').filter((l) => l !== '');
        for (const w of waiters.splice(0))
          if (got.length >= w.want) w.resolve(got);
          else waiters.push(w);
      });
      return (want: number) =>
        new Promise<string[]>((resolve) => {
          const got = out.split('\n').filter((l) => l !== '');
          if (got.length >= want) resolve(got);
          else waiters.push({ want, resolve });
        });
    });
    try {
      await Promise.all(lines.map((l) => l(1)));
      writeFileSync(go, '');
      const results = (await Promise.all(lines.map((l) => l(2)))).map((l) => l[1]!);
      assert.deepEqual([...results].sort(), ['refused', 'refused', 'took'], results.join(','));
    } finally {
      for (const c of children) c.stdin!.end();
      await Promise.all(
        children.map(
          (c) =>
            new Promise((r) => {
              if (c.exitCode !== null) r(undefined);
              else c.on('exit', r);
            }),
        ),
      );
    }
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
