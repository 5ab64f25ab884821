/** Turns engine errors (typed by code) into localized, readable sentences. Pure. */
import { isEngineErrorCode, type EngineErrorCode } from '../../engine';
import { englishL10n, type L10n } from './l10n';

/** The fields of an EngineError the extension reads (structural, so tests need no engine instance). */
export interface ErrorLike {
  readonly code?: string;
  readonly message: string;
  readonly node?: string;
  readonly detail?: string;
}

export function asErrorLike(e: unknown): ErrorLike {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: unknown; message: unknown; node?: unknown; detail?: unknown; cause?: unknown };
    return {
      message: String(o.message),
      ...(typeof o.code === 'string' ? { code: o.code } : {}),
      ...(typeof o.node === 'string' ? { node: o.node } : {}),
      ...(typeof o.detail === 'string' ? { detail: o.detail } : typeof o.cause === 'string' ? { detail: o.cause } : {}),
    };
  }
  return { message: String(e) };
}

/** One sentence for a notification; the engine's own English message goes to the log. */
export function describeError(e: unknown, l10n: L10n): string {
  const err = asErrorLike(e);
  return isEngineErrorCode(err.code) ? describeCode(err.code, err, l10n) : err.message;
}

function describeCode(code: EngineErrorCode, err: ErrorLike, l10n: L10n): string {
  const node = err.node ?? '?';
  const cause = err.detail ?? err.message;
  switch (code) {
    case 'invalid-address':
      return l10n.t('Not a valid address: {0}', err.message);
    case 'unreachable':
      return l10n.t('Could not connect to {0}: {1}.', node, cause);
    case 'dns-failed':
      return l10n.t('The host name of {0} does not resolve ({1}).', node, cause);
    case 'tls-failed':
      return l10n.t('The TLS handshake with {0} failed: {1}', node, cause);
    case 'auth-required':
      return l10n.t('{0} requires a password. Edit the cluster to set the user name and password.', node);
    case 'auth-failed':
      return l10n.t('{0} rejected the user name or password ({1}). Edit the cluster to correct them.', node, cause);
    case 'not-cluster-enabled':
      return l10n.t('{0} is not a cluster node (cluster_enabled:0): start it with cluster-enabled yes.', node);
    case 'no-such-node':
      return l10n.t('No such node: {0}', err.message);
    case 'reply-error':
      return l10n.t('{0} replied with an error: {1}', node, cause);
    case 'invalid-reply':
      return l10n.t('{0} sent a reply that could not be read: {1}', node, err.message);
    case 'connection-lost':
      return l10n.t('The connection to {0} was lost: {1}', node, cause);
    case 'timeout':
      return l10n.t('Timed out: {0}', err.message);
    case 'cancelled':
      return l10n.t('Cancelled.');
    case 'cluster-not-ok':
      return l10n.t('The cluster has problems that block this operation: {0}', err.message);
    case 'migration-failed':
      return l10n.t('Moving slots failed: {0}. Resume the migration, or run Fix to close any open slot.', err.message);
    case 'busy-key':
      return l10n.t('A key exists on both nodes with different values: {0}. Enable the "replace" setting to overwrite.', err.message);
    case 'plan-stale':
      return l10n.t('The cluster changed since the plan was made: {0}. Compute the plan again.', err.message);
    case 'not-installed':
      return l10n.t('A program this needs is not installed: {0}', err.message);
    // The engine's sentence names what was wrong with the request; it is the message.
    case 'usage':
      return err.message;
    case 'lease-held':
      return l10n.t('Another run is changing this cluster: {0}', err.message);
    case 'no-permission':
      return l10n.t('The user may not run a command this needs: {0}', err.message);
    case 'source-is-cluster':
      return l10n.t('The import source {0} is a cluster node: import reads from a standalone server.', node);
    case 'sync-failed':
      return l10n.t('Copying the data of {0} failed: {1}', node, cause);
    case 'file-error':
      return l10n.t('A file could not be read or written: {0}', err.message);
    case 'rdb-corrupt':
      return l10n.t('The RDB file cannot be read: {0}', err.message);
    case 'backup-invalid':
      return l10n.t('This is not a usable backup: {0}', err.message);
    case 'internal':
      return l10n.t('Internal error (please report it): {0}', err.message);
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

/**
 * A few words for a tree row (the sentence of `describeError` goes in its
 * tooltip): what is wrong, without the node, which the row shows beside it.
 */
export function errorHeadline(e: unknown, l10n: L10n): string {
  const err = asErrorLike(e);
  switch (err.code ?? '') {
    case 'unreachable':
    case 'connection-lost':
      return l10n.t('cannot connect');
    case 'dns-failed':
      return l10n.t('host not found');
    case 'tls-failed':
      return l10n.t('TLS handshake failed');
    case 'auth-required':
      return l10n.t('password required');
    case 'auth-failed':
      return l10n.t('wrong user name or password');
    case 'not-cluster-enabled':
      return l10n.t('not a cluster node');
    case 'timeout':
      return l10n.t('timed out');
    case 'no-permission':
      return l10n.t('permission denied');
    default:
      return describeError(e, l10n);
  }
}

/** Whether an error means "fix the credentials" (offer "Edit Cluster…"). */
export function isCredentialError(e: unknown): boolean {
  const code = asErrorLike(e).code;
  return code === 'auth-failed' || code === 'auth-required';
}

/** The log line of a failed command: the readable sentence in English, its first line only, no stack trace. */
export function errorLogLine(e: unknown): string {
  const text = describeError(e, englishL10n);
  return (
    text
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? String(e)
  );
}
