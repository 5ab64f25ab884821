/** Is `redis-server` on PATH? (The sandbox command is offered only then.) */
import { access, constants } from 'node:fs/promises';
import * as path from 'node:path';

export async function findOnPath(program: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}
