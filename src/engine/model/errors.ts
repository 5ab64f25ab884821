/**
 * Typed engine errors. Callers branch on `code`, never on message text; the
 * message is a ready-to-print English sentence that names the node and cause.
 */

/** Every error code, so callers can check a code at run time and switch on it exhaustively. */
export const ENGINE_ERROR_CODES = [
  'invalid-address', // the user gave something that is not host:port
  'unreachable', // TCP connect failed (refused, timed out, no route)
  'dns-failed', // the host name does not resolve
  'tls-failed', // TLS handshake failed
  'auth-required', // the node wants a password and none was given
  'auth-failed', // AUTH was refused (wrong password / user)
  'not-cluster-enabled', // cluster_enabled:0
  'no-such-node', // a node id that is not in the cluster
  'reply-error', // a node answered a command with an error
  'invalid-reply', // a reply could not be parsed
  'connection-lost', // the connection closed mid-command
  'timeout', // a deadline passed
  'cancelled', // the caller aborted
  'cluster-not-ok', // the check found problems that block the operation
  'migration-failed', // moving a slot's keys or ownership failed (slot left open; fix/resume completes it)
  'busy-key', // a key exists on both sides with different values (use --cluster-replace)
  'plan-stale', // the cluster changed since the plan was made
  'not-installed', // a program the operation needs (redis-server) is not on PATH
  'usage', // bad command-line / API usage
  'lease-held', // another run holds the cluster's migration lease (or a slot is open)
  'no-permission', // the connection's ACL user may not run a command the operation needs
  // data operations (import, backup, restore)
  'source-is-cluster', // import: the source is a cluster node (it must be a standalone server)
  'sync-failed', // backup: the replication handshake or the RDB transfer failed
  'file-error', // a local file or directory could not be read or written
  'rdb-corrupt', // an RDB file is truncated, corrupt or uses something we cannot read
  'backup-invalid', // restore: the directory is missing or is not a backup (nodes.json, RDB files)
  'internal', // a bug: something was thrown that is not an EngineError
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(ENGINE_ERROR_CODES);

export function isEngineErrorCode(v: unknown): v is EngineErrorCode {
  return typeof v === 'string' && CODES.has(v);
}

/** The serialisable form of an EngineError. */
export interface EngineErrorData {
  readonly code: EngineErrorCode;
  readonly message: string;
  /** `host:port` of the node concerned, when there is one. */
  readonly node?: string;
  /** The low-level cause (socket error text, server reply). */
  readonly cause?: string;
}

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly node?: string;
  readonly detail?: string;

  constructor(data: EngineErrorData) {
    super(data.message);
    this.name = 'EngineError';
    this.code = data.code;
    this.node = data.node;
    this.detail = data.cause;
  }

  toJSON(): EngineErrorData {
    return { code: this.code, message: this.message, node: this.node, cause: this.detail };
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}

/**
 * Wraps anything thrown into an EngineError, keeping EngineErrors as they
 * are. Anything else becomes `code` (default: a node's reply error, the usual
 * plain Error from a connection).
 */
export function toEngineError(e: unknown, node?: string, code: EngineErrorCode = 'reply-error'): EngineError {
  if (e instanceof EngineError) return e;
  const text = e instanceof Error ? e.message : String(e);
  return new EngineError({ code, message: node ? `Node ${node} replied with error: ${text}` : text, node, cause: text });
}
