/**
 * Node TLS options from our TlsOptions, for every TLS connection (ioredis
 * node connections and the replication stream of backup). The server's host
 * name is verified (redis-cli 7.0 checks only the chain: a deliberate
 * difference); on a mismatch the error names the certificate's names and the
 * way out (--sni NAME, or --tls-skip-hostname-check).
 */
import { checkServerIdentity, type ConnectionOptions as NodeTlsOptions, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import type { TlsOptions } from './options';

/** The names a certificate is valid for: its CN and subjectAltName entries. */
export function certificateNames(cert: PeerCertificate): string {
  const names: string[] = [];
  const cn = cert.subject?.CN;
  if (cn) names.push(`CN=${Array.isArray(cn) ? cn.join(',') : cn}`);
  if (cert.subjectaltname) names.push(...cert.subjectaltname.split(', '));
  return names.length ? names.join(', ') : 'none';
}

export function nodeTlsOptions(tls: TlsOptions, host: string): NodeTlsOptions {
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    servername: tls.servername ?? (isIP(host) ? undefined : host),
    rejectUnauthorized: !tls.insecure,
    checkServerIdentity: (name, cert) => {
      if (tls.skipHostnameCheck) return undefined;
      const e = checkServerIdentity(tls.servername ?? name ?? host, cert);
      if (!e) return undefined;
      const named = new Error(
        `Hostname/IP does not match certificate's altnames: ${tls.servername ?? host} is not among the certificate's names (${certificateNames(cert)})`,
      );
      return Object.assign(named, { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    },
  };
}
