/** Line-at-a-time answers from standard input for interactive questions (reshard). */
import * as fs from 'node:fs';

let buffered = '';
let eof = false;

/** The next line of stdin without its newline; undefined at end of input. */
export async function readLine(): Promise<string | undefined> {
  for (;;) {
    const nl = buffered.indexOf('\n');
    if (nl >= 0) {
      const line = buffered.slice(0, nl).replace(/\r$/, '');
      buffered = buffered.slice(nl + 1);
      return line;
    }
    if (eof) {
      if (buffered === '') return undefined;
      const rest = buffered;
      buffered = '';
      return rest;
    }
    const chunk = await readChunk();
    if (chunk === undefined) eof = true;
    else buffered += chunk;
  }
}

function readChunk(): Promise<string | undefined> {
  const buf = Buffer.alloc(4096);
  return new Promise((resolve) => {
    const attempt = (): void => {
      fs.read(0, buf, 0, buf.length, null, (e, n) => {
        if (e && (e.code === 'EAGAIN' || e.code === 'EINTR')) {
          setTimeout(attempt, 20);
          return;
        }
        resolve(e || n === 0 ? undefined : buf.subarray(0, n).toString('utf8'));
      });
    };
    attempt();
  });
}
