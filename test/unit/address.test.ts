import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryAddress, parseAddress, parseEntryAddress } from '../../src/engine';
import { resolveAddress } from '../../src/engine/io/options';
import { parseHostPort } from '../../src/extension/model/profile';

test("one address parser: IPv4, host names, [::1]:7000, redis-cli's ::1:7000, @busport", () => {
  assert.deepEqual(parseAddress('127.0.0.1:7000'), { ok: true, host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseAddress('redis-1.example:6379'), { ok: true, host: 'redis-1.example', port: 6379 });
  assert.deepEqual(parseAddress('[::1]:7000'), { ok: true, host: '::1', port: 7000 });
  assert.deepEqual(parseAddress('::1:7000'), { ok: true, host: '::1', port: 7000 });
  assert.deepEqual(parseAddress('[fe80::1%lo]:7000'), { ok: true, host: 'fe80::1%lo', port: 7000 });
  assert.deepEqual(parseAddress('127.0.0.1:7000@17000'), { ok: true, host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseEntryAddress(['::1', '7000']), { host: '::1', port: 7000 });
  assert.deepEqual(parseEntryAddress(['[::1]', '7000']), { host: '::1', port: 7000 });
});

test('bad formats get a reason', () => {
  const reason = (t: string): string => {
    const r = parseAddress(t);
    return r.ok ? 'ok' : r.reason;
  };
  assert.match(reason('127.0.0.1'), /no ":port"/);
  assert.match(reason(':7000'), /host is empty/);
  assert.match(reason('h:7000x'), /port must be a whole number from 1 to 65535 \(got "7000x"\)/);
  assert.match(reason('h:0'), /port must be/);
  assert.match(reason('h:65536'), /port must be/);
  assert.match(reason('h:'), /port must be/);
  assert.match(reason(''), /empty/);
  assert.match(reason('[::1]7000'), /not a host name/);
  const two = entryAddress(['127.0.0.1', '70x']);
  assert.ok(!two.ok && /got "70x"/.test(two.reason));
});

test('the extension and the address map use the same parser', () => {
  assert.deepEqual(parseHostPort(' [::1]:7000 '), { host: '::1', port: 7000 });
  assert.equal(parseHostPort('h:7000x'), null);
  assert.deepEqual(resolveAddress('10.0.0.5', 7000, { '10.0.0.5:7000': '[::1]:17000' }), { host: '::1', port: 17000 });
});
