/** Builds engine connection options from parsed CLI options and the environment. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAddress, type ConnectionOptions } from '../engine';
import { ArgError, type ParsedArgs } from './args';
import { decimalOption } from './numbers';

export function connectionOptions(p: ParsedArgs, env: NodeJS.ProcessEnv, askedPassword?: string): ConnectionOptions {
  const password = askedPassword ?? p.values['--pass'] ?? p.values['-a'] ?? env.REDISCLI_AUTH;
  const tlsWanted = p.flags.has('--tls');
  let ca: string | undefined;
  if (p.values['--cacert']) ca = readPem(p.values['--cacert']);
  if (p.values['--cacertdir']) {
    const dir = p.values['--cacertdir'];
    ca =
      (ca ?? '') +
      readdirSync(dir)
        .filter((f) => /\.(pem|crt)$/.test(f))
        .map((f) => readPem(join(dir, f)))
        .join('\n');
  }
  const addressMap: Record<string, string> = {};
  for (const m of p.multi['--address-map'] ?? []) {
    const eq = m.indexOf('=');
    const from = parseAddress(eq < 0 ? '' : m.slice(0, eq));
    const to = parseAddress(eq < 0 ? '' : m.slice(eq + 1));
    if (eq < 0 || !from.ok || !to.ok) {
      const why = eq < 0 ? 'there is no "="' : !from.ok ? `the announced address: ${from.reason}` : !to.ok ? `the reachable address: ${to.reason}` : '';
      throw new ArgError(`Invalid --address-map "${m}" (expected announced-ip:port=host:port): ${why}.`);
    }
    addressMap[`${from.host}:${from.port}`] = `${to.host}:${to.port}`;
  }
  const tOption = p.values['-t'] !== undefined ? '-t' : '--connect-timeout';
  // redis-cli 7.4 reads -t as a decimal number of seconds (strtod).
  const t = decimalOption(p, tOption, { min: 0, max: 86400 }, undefined);
  // rcm's own (redis-cli waits forever for a frozen node): seconds a node may stay silent while a reply is due; 0 = forever.
  const ct = decimalOption(p, '--command-timeout', { min: 0, max: 86400, minInclusive: true }, undefined);
  if (p.flags.has('-4') && p.flags.has('-6')) throw new ArgError('-4 and -6 cannot be used together.');
  return {
    user: p.values['--user'],
    password,
    tls: tlsWanted
      ? {
          ca,
          cert: p.values['--cert'] ? readPem(p.values['--cert']) : undefined,
          key: p.values['--key'] ? readPem(p.values['--key']) : undefined,
          servername: p.values['--sni'],
          insecure: p.flags.has('--insecure'),
          skipHostnameCheck: p.flags.has('--tls-skip-hostname-check'),
        }
      : undefined,
    connectTimeoutMs: t !== undefined ? Math.max(1, Math.round(t * 1000)) : undefined,
    ...(ct !== undefined ? { commandTimeoutMs: ct === 0 ? 0 : Math.max(1, Math.round(ct * 1000)) } : {}),
    addressMap: Object.keys(addressMap).length ? addressMap : undefined,
    ...(p.flags.has('-4') ? { family: 4 as const } : p.flags.has('-6') ? { family: 6 as const } : {}),
  };
}

export function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ArgError(`Cannot read ${path}: ${(e as Error).message}`);
  }
}
