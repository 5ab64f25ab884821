/** Reading a password from the terminal without echo (--askpass). */
import { createInterface } from 'node:readline';

export function askPassword(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
    const out = rl as unknown as { _writeToOutput?: (s: string) => void };
    process.stdout.write(question);
    out._writeToOutput = (s: string) => { if (s.includes('\n')) process.stdout.write('\n'); };
    rl.question('', (answer) => { rl.close(); resolve(answer); });
  });
}
