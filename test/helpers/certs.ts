/** Test certificates (openssl): a CA, a server certificate for 127.0.0.1/localhost, a client certificate. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { allocatePortPair } from './ports';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** Creates the files in a new temp dir (remove it when done) and returns it; `otherCa` adds an unrelated CA (other-ca.crt). */
export function makeCerts(options: { otherCa?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-certs-'));
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const ca of options.otherCa ? ['ca', 'other-ca'] : ['ca']) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=rcm-test-${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.crt`], dir);
  }
  for (const who of ['server', 'client']) {
    openssl(
      ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who === 'server' ? 'localhost' : 'rcm-client'}`, '-keyout', `${who}.key`, '-out', `${who}.csr`],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-out',
        `${who}.crt`,
        ...(who === 'server' ? ['-extfile', 'san.ext'] : []),
      ],
      dir,
    );
  }
  return dir;
}

/** Opens a TLS port (client certificates required) on a running node; returns it. */
export async function enableTls(client: Redis, certs: string): Promise<number> {
  const { port } = await allocatePortPair();
  await client.call(
    'CONFIG',
    'SET',
    'tls-cert-file',
    join(certs, 'server.crt'),
    'tls-key-file',
    join(certs, 'server.key'),
    'tls-ca-cert-file',
    join(certs, 'ca.crt'),
    'tls-auth-clients',
    'yes',
  );
  await client.call('CONFIG', 'SET', 'tls-port', String(port));
  return port;
}
