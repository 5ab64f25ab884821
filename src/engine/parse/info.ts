/** Pure parser of INFO replies. */

/** `field:value` pairs of an INFO reply (sections and comments dropped). */
export function parseInfo(reply: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of reply.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export function infoNumber(info: Record<string, string>, field: string): number | undefined {
  const v = info[field];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
