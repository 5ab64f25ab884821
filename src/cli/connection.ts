/** Builds engine connection options from parsed CLI options and the environment. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions } from '../engine';
import { ArgError, type ParsedArgs } from './args';

export function connectionOptions(p: ParsedArgs, env: NodeJS.ProcessEnv, askedPassword?: string): ConnectionOptions {
  const password = askedPassword ?? p.values['--pass'] ?? p.values['-a'] ?? env.REDISCLI_AUTH;
  const tlsWanted = p.flags.has('--tls');
  let ca: string | undefined;
  if (p.values['--cacert']) ca = readPem(p.values['--cacert']);
  if (p.values['--cacertdir']) {
    const dir = p.values['--cacertdir'];
    ca = (ca ?? '') + readdirSync(dir).filter((f) => /\.(pem|crt)$/.test(f)).map((f) => readPem(join(dir, f))).join('\n');
  }
  const addressMap: Record<string, string> = {};
  for (const m of p.multi['--address-map'] ?? []) {
    const [from, to] = m.split('=');
    if (!from || !to || !from.includes(':')) throw new ArgError(`Invalid --address-map "${m}": expected announced-ip:port=host:port`);
    addressMap[from] = to;
  }
  const t = p.values['-t'] ?? p.values['--connect-timeout'];
  return {
    user: p.values['--user'],
    password,
    tls: tlsWanted ? {
      ca,
      cert: p.values['--cert'] ? readPem(p.values['--cert']) : undefined,
      key: p.values['--key'] ? readPem(p.values['--key']) : undefined,
      servername: p.values['--sni'],
      insecure: p.flags.has('--insecure'),
    } : undefined,
    connectTimeoutMs: t !== undefined && Number(t) > 0 ? Math.round(Number(t) * 1000) : undefined,
    addressMap: Object.keys(addressMap).length ? addressMap : undefined,
  };
}

function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ArgError(`Cannot read ${path}: ${(e as Error).message}`);
  }
}
