/** Pure pieces of the extension: profiles, address maps, command lines, redaction, error texts, slot lists, planSlotMove. */
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { EngineError, MigrationService, planSlotMove } from '../../src/engine';
import { validatePlan } from '../../src/engine/plan/validatePlan';
import { lockJournal, unlockJournal } from '../../src/engine/io/journalFile';
import { journalMatches, remainingMoves } from '../../src/engine/service/journals';
import { splitCommandLine } from '../../src/extension/model/commandLine';
import { describeError, isCredentialError } from '../../src/extension/model/errors';
import { englishL10n as l10n } from '../../src/extension/model/l10n';
import { planBalanceLines, planLines } from '../../src/extension/model/planSummary';
import {
  parseAddressMap,
  parseHostPort,
  parseSeeds,
  profilesFromSetting,
  profileToSetting,
  settingsProfileId,
  validateName,
  type ClusterProfile,
} from '../../src/extension/model/profile';
import { REDACTED, Redactor } from '../../src/extension/model/redact';
import { parseSlotList } from '../../src/extension/model/slotList';
import { Journals } from '../../src/extension/services/journals';
import { master, replica, topology } from '../fixtures/topologyBuilder';

test('host:port parsing, IPv6 included', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:7000'), { host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseHostPort(' [::1]:7000 '), { host: '::1', port: 7000 });
  assert.deepEqual(parseHostPort('::1:7000'), { host: '::1', port: 7000 });
  assert.equal(parseHostPort('host'), null);
  assert.equal(parseHostPort('host:0'), null);
  assert.equal(parseHostPort('host:70000'), null);
  assert.equal(parseHostPort(':7000'), null);
});

test('seeds: commas or spaces, duplicates dropped, errors named', () => {
  assert.deepEqual(parseSeeds('a:1, b:2 a:1', l10n), { seeds: ['a:1', 'b:2'] });
  assert.deepEqual(parseSeeds('::1:7000', l10n), { seeds: ['[::1]:7000'] });
  assert.deepEqual(parseSeeds('', l10n), { error: 'Enter at least one address as host:port.' });
  assert.deepEqual(parseSeeds('a:1 nope', l10n), { error: '"nope" is not host:port (for example 127.0.0.1:7000).' });
});

test('address map: ANNOUNCED=REACHABLE pairs', () => {
  assert.deepEqual(parseAddressMap('172.17.0.2:6379=127.0.0.1:17000, 172.17.0.3:6379=127.0.0.1:17001', l10n), {
    map: { '172.17.0.2:6379': '127.0.0.1:17000', '172.17.0.3:6379': '127.0.0.1:17001' },
  });
  assert.deepEqual(parseAddressMap('  ', l10n), { map: {} });
  assert.ok('error' in parseAddressMap('172.17.0.2:6379', l10n));
});

test('names are unique, case-insensitively; editing keeps your own name', () => {
  const others: ClusterProfile[] = [{ id: 'x', name: 'Prod', seeds: ['a:1'], source: 'storage' }];
  assert.equal(validateName('prod ', others, l10n), 'A cluster named "prod" already exists.');
  assert.equal(validateName('prod', others, l10n, 'x'), undefined);
  assert.equal(validateName(' ', others, l10n), 'Enter a name.');
});

test('profiles from the clusters setting: lenient, with problems reported; round trip without secrets', () => {
  const { profiles, problems } = profilesFromSetting(
    [
      { name: 'Sandbox', seeds: ['127.0.0.1:7000'], tls: true, addressMap: { '10.0.0.1:7000': '127.0.0.1:17000' }, password: 'leak' },
      { name: 'bad' },
      { name: 'Sandbox', seeds: ['127.0.0.1:7001'] },
    ],
    l10n,
  );
  assert.equal(problems.length, 2);
  assert.equal(profiles.length, 1);
  const p = profiles[0]!;
  assert.equal(p.id, settingsProfileId('Sandbox'));
  assert.equal(p.id, 'cfg-sandbox');
  assert.equal(p.source, 'settings');
  assert.deepEqual(p.tls, { enabled: true });
  assert.ok(!('password' in p));
  assert.deepEqual(profileToSetting(p), {
    name: 'Sandbox',
    seeds: ['127.0.0.1:7000'],
    tls: { enabled: true },
    addressMap: { '10.0.0.1:7000': '127.0.0.1:17000' },
  });
  assert.deepEqual(profilesFromSetting('nope', l10n).profiles, []);
});

test("command lines split like redis-cli's prompt", () => {
  assert.deepEqual(splitCommandLine('SET k "hello world"'), ['SET', 'k', 'hello world']);
  assert.deepEqual(splitCommandLine(`  GET 'it\\'s'  `), ['GET', "it's"]);
  assert.deepEqual(splitCommandLine('SET k "a\\nb\\x41"'), ['SET', 'k', 'a\nbA']);
  assert.deepEqual(splitCommandLine('INFO'), ['INFO']);
  assert.deepEqual(splitCommandLine(''), []);
  assert.equal(splitCommandLine('SET k "open'), null);
  assert.equal(splitCommandLine('SET k "a"b'), null);
});

test('redaction: known passwords, AUTH lines, password fields, CLI flags', () => {
  const r = new Redactor();
  r.add('s3cr3t pass');
  assert.equal(r.redact('connecting with s3cr3t pass now'), `connecting with ${REDACTED} now`);
  assert.equal(r.redact('AUTH alice hunter2'), `AUTH alice ${REDACTED}`);
  assert.equal(r.redact('AUTH hunter2'), `AUTH ${REDACTED}`);
  assert.equal(r.redact('{"password":"x y","user":"u"}'), `{"password":${REDACTED},"user":"u"}`);
  assert.equal(r.redact('requirepass=abc'), `requirepass=${REDACTED}`);
  assert.equal(r.redact('rcm check h:1 -a hunter2 --cluster-from-pass zz'), `rcm check h:1 -a ${REDACTED} --cluster-from-pass ${REDACTED}`);
  assert.equal(r.redact('ERR AUTH <password> called without any password configured'), 'ERR AUTH <password> called without any password configured');
});

test('engine errors become readable sentences by code', () => {
  const auth = new EngineError({
    code: 'auth-failed',
    node: '10.0.0.5:7000',
    cause: 'WRONGPASS invalid username-password pair or user is disabled.',
    message: 'x',
  });
  assert.equal(
    describeError(auth, l10n),
    '10.0.0.5:7000 rejected the user name or password (WRONGPASS invalid username-password pair or user is disabled.). Edit the cluster to correct them.',
  );
  assert.ok(isCredentialError(auth));
  const down = new EngineError({ code: 'unreachable', node: '10.0.0.5:7000', cause: 'Connection refused', message: 'x' });
  assert.equal(describeError(down, l10n), 'Could not connect to 10.0.0.5:7000: Connection refused.');
  assert.equal(describeError(new Error('plain'), l10n), 'plain');
  assert.equal(describeError('text', l10n), 'text');
  assert.equal(describeError({ code: 'usage', message: 'bad input' }, l10n), 'bad input');
});

test('slot lists typed in an input box', () => {
  assert.deepEqual(parseSlotList('0-2 5,7'), [0, 1, 2, 5, 7]);
  assert.equal(parseSlotList('5-2'), null);
  assert.equal(parseSlotList('16384'), null);
  assert.equal(parseSlotList('x'), null);
  assert.equal(parseSlotList(''), null);
});

test('planSlotMove: exactly the chosen slots, sources then target, valid against the topology', () => {
  const M1 = '1'.repeat(40);
  const M2 = '2'.repeat(40);
  const M3 = '3'.repeat(40);
  const t = topology([
    master(M1, 7000, [{ start: 0, end: 5460 }]),
    master(M2, 7001, [{ start: 5461, end: 10922 }]),
    master(M3, 7002, [{ start: 10923, end: 16383 }]),
    replica('4'.repeat(40), 7003, M1),
  ]);
  const plan = planSlotMove(t, { slots: [5461, 0, 1, 1], to: M3 });
  assert.deepEqual(plan.moves, [
    { slot: 0, sourceId: M1, targetId: M3 },
    { slot: 1, sourceId: M1, targetId: M3 },
    { slot: 5461, sourceId: M2, targetId: M3 },
  ]);
  assert.deepEqual(
    plan.nodes.map((n) => [n.port, n.slotsBefore, n.slotsAfter]),
    [
      [7000, 5461, 5459],
      [7001, 5462, 5461],
      [7002, 5461, 5464],
    ],
  );
  assert.equal(plan.kind, 'reshard');
  assert.equal(plan.totalSlots, 3);
  assert.deepEqual(validatePlan(plan, t).toMove.length, 3);
  assert.deepEqual(planLines(plan, l10n), ['127.0.0.1:7000 → 127.0.0.1:7002: 2 slots', '127.0.0.1:7001 → 127.0.0.1:7002: 1 slot']);
  assert.deepEqual(planBalanceLines(plan, l10n), [
    '127.0.0.1:7000: 5461 → 5459 slots',
    '127.0.0.1:7001: 5462 → 5461 slots',
    '127.0.0.1:7002: 5461 → 5464 slots',
  ]);
  assert.throws(
    () => planSlotMove(t, { slots: [10923], to: M3 }),
    (e: EngineError) => e.code === 'usage',
  );
  assert.throws(
    () => planSlotMove(t, { slots: [0], to: '4'.repeat(40) }),
    (e: EngineError) => e.code === 'no-such-node',
  );
  assert.throws(
    () => planSlotMove(t, { slots: [], to: M3 }),
    (e: EngineError) => e.code === 'usage',
  );
  assert.throws(
    () => planSlotMove(t, { slots: [20000], to: M3 }),
    (e: EngineError) => e.code === 'usage',
  );
});

test('journals: an interrupted run on this cluster is pending until its moves are done; others are ignored', async () => {
  const M1 = '1'.repeat(40);
  const M2 = '2'.repeat(40);
  const t = topology([master(M1, 7000, [{ start: 0, end: 8191 }]), master(M2, 7001, [{ start: 8192, end: 16383 }])]);
  const plan = planSlotMove(t, { slots: [0, 1, 2], to: M2 });
  const state = { plan, done: new Set([0]), inFlight: [] };
  assert.ok(journalMatches(state, t));
  assert.equal(remainingMoves(state, t), 2);
  const moved = topology([
    master(M1, 7000, [{ start: 2, end: 8191 }]),
    master(M2, 7001, [
      { start: 0, end: 1 },
      { start: 8192, end: 16383 },
    ]),
  ]);
  assert.equal(remainingMoves(state, moved), 1, 'slot 1 already owned by the target');
  assert.ok(!journalMatches(state, topology([master('9'.repeat(40), 7000, [{ start: 0, end: 16383 }])])));

  const dir = mkdtempSync(join(tmpdir(), 'rcm-journals-test-'));
  const memory = new Map<string, unknown>();
  const memento = {
    get: <T>(k: string, d: T): T => (memory.has(k) ? (memory.get(k) as T) : d),
    update: async (k: string, v: unknown): Promise<void> => {
      memory.set(k, v);
    },
  };
  try {
    const service = new MigrationService({ journalDir: join(dir, 'journals') });
    const journals = new Journals(service, memento);
    const file = service.newJournalPath('reshard');
    const lines = [
      { t: 'plan', plan, at: 1 },
      { t: 'window', sourceId: M1, targetId: M2, slots: [0], at: 2 },
      { t: 'done', slots: [0], keys: 5, at: 3 },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    writeFileSync(join(dir, 'journals', 'junk.jsonl'), 'not json\n');
    const pending = journals.pending(t).filter((p) => p.path.startsWith(dir));
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.remaining, 2);
    lockJournal(file);
    assert.equal(journals.pending(t).filter((p) => p.path.startsWith(dir)).length, 0, 'a run locked by a live process is not offered');
    writeFileSync(`${file}.lock`, '999999999');
    assert.equal(journals.pending(t).filter((p) => p.path.startsWith(dir)).length, 1, 'a lock of a dead process does not count');
    unlockJournal(file);
    await journals.dismiss(file);
    assert.equal(journals.pending(t).filter((p) => p.path.startsWith(dir)).length, 0, 'dismissed');
    assert.equal(journals.pending(t, true).filter((p) => p.path.startsWith(dir)).length, 1, 'the command still lists it');
    writeFileSync(file, [...lines, { t: 'end', status: 'done', at: 4 }].map((l) => JSON.stringify(l)).join('\n') + '\n');
    assert.equal(journals.pending(t, true).filter((p) => p.path.startsWith(dir)).length, 0, 'finished runs are not pending');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
