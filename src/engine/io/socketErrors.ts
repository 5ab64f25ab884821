/** Maps Node socket / ioredis errors to engine errors in hiredis's words. */
import { EngineError } from '../model/errors';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
  ENOTFOUND: 'Name or service not known',
  EAI_NONAME: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_FAIL: 'Non-recoverable failure in name resolution',
};

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens on that port (is redis-server running there?)',
  ETIMEDOUT: 'no answer before the connect timeout (firewall, wrong host, or the node is down)',
  EHOSTUNREACH: 'the host cannot be reached from this machine',
  ENETUNREACH: 'the network of that address cannot be reached from this machine',
  ECONNRESET: 'the node closed the connection at once (does it expect TLS? then add --tls)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_NONAME: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
};

export function connectError(e: unknown, addr: string): EngineError {
  const err = e as NodeJS.ErrnoException & { message?: string };
  const code = err?.code ?? '';
  const msg = err?.message ?? String(e);
  if (/certificate|SSL|TLS|handshake|wrong version number|self.signed|CERT_/i.test(msg) || /^ERR_SSL|^ERR_TLS|CERT/.test(code)) {
    return new EngineError({ code: 'tls-failed', node: addr, cause: msg, message: `TLS handshake with ${addr} failed: ${tlsHint(msg)} (${msg})` });
  }
  const reason = REASONS[code];
  if (reason) {
    const dns = code.startsWith('EAI') || code === 'ENOTFOUND';
    return new EngineError({
      code: dns ? 'dns-failed' : 'unreachable',
      node: addr,
      cause: reason,
      message: `Could not connect to ${addr}: ${reason} — ${HINTS[code] ?? 'the node is not reachable'}.`,
    });
  }
  if (/timed? ?out/i.test(msg)) {
    return new EngineError({
      code: 'unreachable',
      node: addr,
      cause: 'Connection timed out',
      message: `Could not connect to ${addr}: Connection timed out — ${HINTS.ETIMEDOUT}.`,
    });
  }
  if (/closed|end/i.test(msg)) {
    return new EngineError({ code: 'connection-lost', node: addr, cause: msg, message: `Connection to ${addr} was closed: ${msg}` });
  }
  return new EngineError({ code: 'unreachable', node: addr, cause: msg, message: `Could not connect to ${addr}: ${msg}` });
}

/** Classifies an AUTH / first-command reply error. */
export function authError(text: string, addr: string, passwordGiven: boolean): EngineError {
  if (/^NOAUTH/.test(text)) {
    return new EngineError({
      code: 'auth-required',
      node: addr,
      cause: text,
      message: `Node ${addr} requires a password (${text}); pass one with -a/--pass (and --user for an ACL user).`,
    });
  }
  if (/^WRONGPASS|invalid password|invalid username-password/i.test(text)) {
    return new EngineError({ code: 'auth-failed', node: addr, cause: text, message: `Node ${addr} rejected the credentials: ${text}` });
  }
  if (/without any password configured|no password is set/i.test(text) && passwordGiven) {
    return new EngineError({ code: 'auth-failed', node: addr, cause: text, message: `Node ${addr} has no password configured but one was given: ${text}` });
  }
  return new EngineError({ code: 'reply-error', node: addr, cause: text, message: `Node ${addr} replied with error: ${text}` });
}

/** A plain-words reading of an OpenSSL / Node TLS error. */
function tlsHint(msg: string): string {
  if (/certificate required/i.test(msg)) return 'the node requires a client certificate: give --cert and --key';
  if (/self.signed|unable to (get|verify)|UNABLE_TO_VERIFY|unknown ca/i.test(msg))
    return "the node's certificate is not signed by a trusted CA: give the right --cacert (or --insecure to skip verification)";
  if (/altname|Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME/i.test(msg)) {
    return "the certificate's names do not match the address: give --sni NAME with one of them, or --tls-skip-hostname-check to verify the chain only (as redis-cli 7.0)";
  }
  if (/wrong version number|packet length too long|record layer/i.test(msg)) return 'the port does not speak TLS: drop --tls or use the TLS port';
  if (/expired/i.test(msg)) return 'the certificate has expired';
  return 'see the OpenSSL error';
}
