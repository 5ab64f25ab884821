/**
 * What the topology operations (create, add-node, del-node, call,
 * set-timeout, failover, sandbox) share: streaming output, the confirmation
 * hook and the deadlines of their waits.
 */
import type { Clock } from '../exec/port';
import type { EngineErrorData } from '../model/errors';
import type { OutputChunk } from '../render/output';

export interface OpHooks {
  /** Receives every output chunk as soon as it is produced (the CLI prints it, a UI shows it). */
  readonly onOutput?: (chunk: OutputChunk) => void;
  /**
   * Asked before a step that cannot be undone; resolves true to go on.
   * Absent: the answer is yes (API callers that confirmed beforehand).
   */
  readonly confirm?: (message: string) => Promise<boolean>;
}

/** What every topology and data operation returns, besides its own findings. */
export interface OpReport {
  /** The output in order, as the server's CLI prints it (also streamed to onOutput). */
  readonly output: readonly OutputChunk[];
  /** The CLI's exit status: 0 only when the work is done and verified. */
  readonly exitCode: 0 | 1;
  /** Set when the operation stopped on an error (its one-line message is the last output line). */
  readonly error?: EngineErrorData;
}

export interface WaitOptions {
  /** Deadline for the cluster to agree after a change, in ms (default 60000). redis-cli has none. */
  readonly joinTimeoutMs?: number;
  /** How often the nodes are polled while waiting, in ms (default 100; redis-cli polls once a second). */
  readonly pollIntervalMs?: number;
  /** Time source of the waits (default the system's; tests pass a fake one). */
  readonly clock?: Clock;
}

export const DEFAULT_JOIN_TIMEOUT_MS = 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 100;

/** Collects the chunks of one operation and forwards each to the hook. */
export class OutputLog {
  readonly chunks: OutputChunk[] = [];

  constructor(protected readonly onOutput?: (chunk: OutputChunk) => void) {}

  emit(...chunks: readonly OutputChunk[]): void {
    for (const c of chunks) {
      this.chunks.push(c);
      this.onOutput?.(c);
    }
  }
}

/** The reply text of a failed command (EngineError detail, else the message). */
export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'detail' in e && typeof (e as { detail?: unknown }).detail === 'string') {
    return (e as { detail: string }).detail;
  }
  return e instanceof Error ? e.message : String(e);
}
