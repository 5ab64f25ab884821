/**
 * What the topology operations (create, add-node, del-node, call,
 * set-timeout, failover, sandbox, fix) share: their events (plain data, streamed and
 * returned; render/ turns them into redis-cli's text, the op never does), the
 * confirmation hook and the deadlines of their waits.
 */
import type { Clock } from '../exec/port';
import type { EngineErrorData } from '../model/errors';
import type { Topology } from '../model/types';
import type { CheckResult } from '../check/check';

export interface ConfirmHook {
  /**
   * Asked before a step that cannot be undone; resolves true to go on.
   * Absent: the answer is yes (API callers that confirmed beforehand).
   */
  readonly confirm?: (message: string) => Promise<boolean>;
}

/** The node an operation connects to first (any node of the cluster, unless the op says otherwise). */
export interface OpEntry {
  readonly host: string;
  readonly port: number;
}

/** The hooks of an operation whose events are `E`. */
export interface OpHooks<E> extends ConfirmHook {
  /** Receives every event as soon as it happens (the CLI renders and prints it, a UI shows it). */
  readonly onEvent?: (event: E) => void;
}

/** What every topology and data operation returns, besides its own findings. */
export interface OpReport<E> {
  /** What happened, in order (also streamed to onEvent); render/ turns it into the server's CLI's output. */
  readonly events: readonly E[];
  /** The CLI's exit status: 0 only when the work is done and verified. */
  readonly exitCode: 0 | 1;
  /** Set when the operation stopped on an error (its one-line message is the last output line). */
  readonly error?: EngineErrorData;
}

/** What loading the cluster found wrong (unreachable nodes, replicas of unknown masters): redis-cli prints it first. */
export interface LoadEvent extends Pick<Topology, 'skipped' | 'orphanReplicas'> {
  readonly kind: 'load';
}

export function loadEvent(topology: Topology): LoadEvent {
  return { kind: 'load', skipped: topology.skipped, orphanReplicas: topology.orphanReplicas };
}

/** A node answered a command with an error (redis-cli: "Node ADDR replied with error:" and the reply). */
export interface ReplyErrorEvent {
  readonly kind: 'reply-error';
  readonly addr: string;
  readonly error: string;
}

/** The cluster check redis-cli runs before a change (`quiet`: without the node listing). */
export interface ClusterCheckEvent {
  readonly kind: 'check';
  readonly topology: Topology;
  readonly result: CheckResult;
  readonly quiet?: boolean;
}

/** A node as the `rcm:` line after an unknown or ambiguous node id lists it. */
export interface NodeCandidate {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/** The events several operations share (render/opText.ts prints them). */
export type CommonEvent = LoadEvent | ReplyErrorEvent | ClusterCheckEvent;

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

/** Where a step shared by several operations (the join wait…) sends its events. */
export interface EventSink<E> {
  emit(...events: readonly E[]): void;
}

/** Collects the events of one operation and forwards each to the hook. */
export class EventLog<E> implements EventSink<E> {
  readonly events: E[] = [];

  constructor(private readonly onEvent?: (event: E) => void) {}

  emit(...events: readonly E[]): void {
    for (const e of events) {
      this.events.push(e);
      this.onEvent?.(e);
    }
  }

  /** Someone listens (an event only streamed need not be built otherwise). */
  get listened(): boolean {
    return this.onEvent !== undefined;
  }

  /** Forwards to the hook without keeping it in the report (per-key events of a big run). */
  stream(event: E): void {
    this.onEvent?.(event);
  }
}

/** The reply text of a failed command (EngineError detail, else the message). */
export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'detail' in e && typeof (e as { detail?: unknown }).detail === 'string') {
    return (e as { detail: string }).detail;
  }
  return e instanceof Error ? e.message : String(e);
}
