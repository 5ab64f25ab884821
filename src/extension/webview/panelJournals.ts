/**
 * The panel's own journal folder. The migration service writes and reads the
 * journals; the panel only checks that a path coming back from webview state
 * is one of its own before it offers to resume it. Pure path checks.
 */
import { resolve, sep } from 'node:path';
import { journalDir } from '../../engine';

export { journalDir } from '../../engine';

/** Only journals the panel wrote itself may be resumed from the panel (the path comes back from webview state). */
export function isOwnJournal(storageDir: string, path: string | undefined): boolean {
  if (!path) return false;
  const dir = resolve(journalDir(storageDir)) + sep;
  const p = resolve(path);
  return p.startsWith(dir) && p.endsWith('.jsonl') && !p.slice(dir.length).includes(sep);
}
