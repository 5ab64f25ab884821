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

/** Only the named fields of an INFO reply (a few lookups instead of a record of every field). */
export function infoFields(reply: string, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const key = `${field}:`;
    let at = reply.startsWith(key) ? 0 : reply.indexOf(`\n${key}`);
    if (at < 0) continue;
    if (at > 0) at++;
    const end = reply.indexOf('\n', at);
    out[field] = reply.slice(at + key.length, end < 0 ? reply.length : end).replace(/\r$/, '');
  }
  return out;
}

/** Which server sent an INFO reply: Valkey says so in `server_name` / `valkey_version`. */
export function serverNameOf(info: Record<string, string>): 'redis' | 'valkey' {
  return info.server_name === 'valkey' || info.valkey_version !== undefined ? 'valkey' : 'redis';
}

/** The server's own version: valkey_version for Valkey (its redis_version stays 7.2.4), else redis_version. */
export function serverVersionOf(info: Record<string, string>): string | undefined {
  return info.valkey_version ?? info.redis_version;
}

export function infoNumber(info: Record<string, string>, field: string): number | undefined {
  const v = info[field];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
