import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideLease, decodeLeaseName, encodeLeaseName, parseClientList, type LeaseHolder, type NodeListing } from '../../src/engine/exec/lease';

const holder = (token: string, extra: Partial<LeaseHolder> = {}): LeaseHolder => ({
  token,
  op: 'reshard',
  pid: 100,
  host: 'box-a',
  startedAt: Date.UTC(2026, 11, 1, 8, 0, 0),
  ...extra,
});
const client = (id: string, name: string, idle = 0) => ({ id, addr: `127.0.0.1:5${id}`, name, idle });
const ctx = { token: 'me', thisHost: 'box-a', alive: () => true };

test('lease name: round trip, only characters CLIENT SETNAME accepts, other names are not leases', () => {
  const h = holder('abc', { journal: '/tmp/rcm journals/reshard-1.jsonl' });
  const name = encodeLeaseName(h);
  assert.match(name, /^rcm-lease:[!-~]+$/);
  assert.deepEqual(decodeLeaseName(name), h);
  assert.deepEqual(decodeLeaseName(encodeLeaseName(holder('x'))), holder('x'));
  assert.equal(decodeLeaseName(''), undefined);
  assert.equal(decodeLeaseName('myapp'), undefined);
  assert.equal(decodeLeaseName('rcm-lease:not-base64-json'), undefined);
  assert.equal(decodeLeaseName(`rcm-lease:${Buffer.from('{"t":1}').toString('base64url')}`), undefined);
});

test('CLIENT LIST parsing keeps id, addr, name and idle', () => {
  const text =
    'id=14 addr=127.0.0.1:50098 laddr=127.0.0.1:25545 fd=12 name= age=0 idle=0 flags=N cmd=client|list\n' +
    'id=15 addr=127.0.0.1:50100 laddr=127.0.0.1:25545 fd=13 name=rcm-lease:xyz age=40 idle=31 flags=N\n';
  assert.deepEqual(parseClientList(text), [
    { id: '14', addr: '127.0.0.1:50098', name: '', idle: 0 },
    { id: '15', addr: '127.0.0.1:50100', name: 'rcm-lease:xyz', idle: 31 },
  ]);
});

test('lease decision: granted alone; refused by a live other holder on any node; both refuse when both see each other', () => {
  const me = encodeLeaseName(holder('me'));
  const other = encodeLeaseName(holder('other', { pid: 200, journal: '/j/a.jsonl' }));
  const alone: NodeListing[] = [
    { node: 'n1', clients: [client('1', me), client('2', 'app')] },
    { node: 'n2', clients: [client('3', me)] },
  ];
  assert.deepEqual(decideLease(alone, ctx), { kind: 'granted', expired: [], takenOver: [] });

  const contested: NodeListing[] = [
    { node: 'n1', clients: [client('1', me)] },
    { node: 'n2', clients: [client('3', me), client('4', other)] },
  ];
  const d = decideLease(contested, ctx);
  assert.equal(d.kind, 'held');
  assert.equal(d.kind === 'held' && d.by.holder.pid, 200);
  assert.equal(d.kind === 'held' && d.by.node, 'n2');
  // The other run sees us the same way: it refuses too.
  assert.equal(decideLease(contested, { ...ctx, token: 'other' }).kind, 'held');
});

test('lease decision: a holder idle past the TTL is expired; our own name missing means retry', () => {
  const me = encodeLeaseName(holder('me'));
  const stale = encodeLeaseName(holder('old'));
  const d = decideLease([{ node: 'n1', clients: [client('1', me), client('9', stale, 21)] }], { ...ctx, ttlSec: 20 });
  assert.equal(d.kind, 'granted');
  assert.equal(d.kind === 'granted' && d.expired[0]!.clientId, '9');
  assert.equal(decideLease([{ node: 'n1', clients: [client('1', me), client('9', stale, 20)] }], { ...ctx, ttlSec: 20 }).kind, 'held');
  assert.deepEqual(
    decideLease(
      [
        { node: 'n1', clients: [client('1', me)] },
        { node: 'n2', clients: [] },
      ],
      ctx,
    ),
    { kind: 'lost-own', node: 'n2' },
  );
});

test('lease decision: resume of the same journal takes over only when that process is gone', () => {
  const me = encodeLeaseName(holder('me'));
  const prev = encodeLeaseName(holder('prev', { pid: 300, journal: '/j/a.jsonl' }));
  const listing: NodeListing[] = [{ node: 'n1', clients: [client('1', me), client('2', prev)] }];
  const dead = { ...ctx, alive: (pid: number) => pid !== 300 };
  const d = decideLease(listing, { ...dead, resume: true, journal: '/j/a.jsonl' });
  assert.equal(d.kind === 'granted' && d.takenOver.length, 1);
  assert.equal(decideLease(listing, { ...ctx, resume: true, journal: '/j/a.jsonl' }).kind, 'held', 'its process is alive');
  assert.equal(decideLease(listing, { ...dead, resume: true, journal: '/j/b.jsonl' }).kind, 'held', 'another journal');
  assert.equal(decideLease(listing, { ...dead, journal: '/j/a.jsonl' }).kind, 'held', 'not a resume');
});
