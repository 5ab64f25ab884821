import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeChunks, type Io } from '../../src/cli/context';

const ESC = String.fromCharCode(27);

function capture(env: NodeJS.ProcessEnv = {}): { io: Io; writes: [string, string][] } {
  const writes: [string, string][] = [];
  return { io: { env, stdout: (s) => writes.push(['stdout', s]), stderr: (s) => writes.push(['stderr', s]) }, writes };
}

test('writeChunks: a run of chunks on one stream is one write; the order across streams is kept', () => {
  const { io, writes } = capture();
  writeChunks(io, [
    { stream: 'stdout', level: 'plain', text: 'a\n' },
    { stream: 'stdout', level: 'ok', text: 'b\n' },
    { stream: 'stderr', level: 'error', text: 'c\n' },
    { stream: 'stdout', level: 'plain', text: 'd\n' },
    { stream: 'stdout', level: 'plain', text: 'e\n' },
  ]);
  assert.deepEqual(writes, [
    ['stdout', 'a\nb\n'],
    ['stderr', 'c\n'],
    ['stdout', 'd\ne\n'],
  ]);
});

test('writeChunks: colours per chunk on an xterm, nothing written for no chunks', () => {
  const { io, writes } = capture({ TERM: 'xterm-256color' });
  writeChunks(io, []);
  assert.deepEqual(writes, []);
  writeChunks(io, [
    { stream: 'stdout', level: 'ok', text: '[OK] x\n' },
    { stream: 'stdout', level: 'plain', text: 'y\n' },
  ]);
  assert.equal(writes.length, 1);
  assert.equal(writes[0]![1], `${ESC}[32;1m[OK] x\n${ESC}[0my\n`);
});
