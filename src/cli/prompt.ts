/** Reading answers from the terminal: passwords without echo (--askpass) and redis-cli's yes/no questions. */
import * as fs from 'node:fs';
import type { Io } from './context';

export async function askPassword(question: string): Promise<string> {
  const { createInterface } = await import('node:readline'); // loaded only when asked (rcm's start stays short)
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
    const out = rl as unknown as { _writeToOutput?: (s: string) => void };
    process.stdout.write(question);
    out._writeToOutput = (s: string) => {
      if (s.includes('\n')) process.stdout.write('\n');
    };
    rl.question('', (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

/**
 * One raw read of at most `maxBytes` bytes from standard input, as redis-cli
 * does for its yes/no questions (nothing more is consumed). undefined at EOF.
 * Asynchronous, so pending stdout is flushed while waiting.
 */
export async function readRawAnswer(maxBytes: number): Promise<string | undefined> {
  return (await readStdin(maxBytes))?.toString('latin1');
}

/** One read(2) of at most `maxBytes` from standard input (retried while it would block); undefined at EOF. */
export function readStdin(maxBytes: number): Promise<Buffer | undefined> {
  const buf = Buffer.alloc(maxBytes);
  return new Promise((resolve) => {
    const attempt = (): void => {
      fs.read(0, buf, 0, maxBytes, null, (e, n) => {
        if (e && (e.code === 'EAGAIN' || e.code === 'EINTR')) {
          setTimeout(attempt, 20);
          return;
        }
        resolve(e || n === 0 ? undefined : buf.subarray(0, n));
      });
    };
    attempt();
  });
}

/**
 * redis-cli's confirmation (spec §1.7): `message (type 'yes' to accept): `,
 * one read of at most 4 bytes, accepted iff the first 3 bytes are "yes".
 * `assumeYes` (--cluster-yes / REDISCLI_CLUSTER_YES=1) answers without asking.
 */
export async function confirmYes(io: Io, message: string, assumeYes: boolean): Promise<boolean> {
  if (assumeYes) return true;
  io.stdout(`${message} (type 'yes' to accept): `);
  const answer = await (io.readAnswer ?? readRawAnswer)(4);
  return answer !== undefined && answer.length > 0 && answer.slice(0, 3) === 'yes';
}
