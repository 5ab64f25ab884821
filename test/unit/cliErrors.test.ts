import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internalErrorText, run } from '../../src/cli/main';

test('an internal error is one line; --debug shows where', () => {
  const e = new TypeError("Cannot read properties of undefined (reading 'moves')");
  assert.equal(internalErrorText(e, false), "rcm: internal error: Cannot read properties of undefined (reading 'moves') (run with --debug to see where)\n");
  const debug = internalErrorText(e, true);
  assert.match(debug, /^rcm: internal error: TypeError: Cannot read properties/);
  assert.match(debug, /\n\s+at /, 'the stack');
  assert.equal(internalErrorText('multi\nline', false), 'rcm: internal error: multi (run with --debug to see where)\n');
});

test('bad input: one rcm: line naming the option (strict numbers), before any connection', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (s: string) => {
      out.push(s);
    },
    stderr: (s: string) => {
      err.push(s);
    },
    env: {},
  };
  assert.equal(await run(['reshard', '127.0.0.1:1', '--cluster-slots', '10x', '--cluster-yes'], io), 1);
  assert.deepEqual(err, ['rcm: --cluster-slots must be a whole number from 1 to 16384 (got "10x").\n']);
  assert.deepEqual(out, []);
  err.length = 0;
  assert.equal(await run(['check', '127.0.0.1:1', '--nope'], io), 1);
  assert.deepEqual(err, ["Unrecognized option or bad number of args for: '--nope'\n"], "redis-cli's own words, as is");
});
