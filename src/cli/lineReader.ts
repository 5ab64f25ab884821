/** Line-at-a-time answers from standard input for interactive questions (reshard). */
import { readStdin } from './prompt';

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
    const chunk = (await readStdin(4096))?.toString('utf8');
    if (chunk === undefined) eof = true;
    else buffered += chunk;
  }
}
