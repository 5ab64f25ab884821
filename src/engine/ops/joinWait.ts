/**
 * Waiting until nodes agree about the cluster configuration (spec §2.10).
 * Unlike redis-cli (one poll per second, no deadline) we poll every
 * ~100 ms and give up at a deadline, reporting the links that never came up.
 * The dots keep redis-cli's pace: one per second of waiting.
 */
import { signaturesAgree, configSignature } from '../check/signature';
import type { ClusterNodesLine } from '../model/types';
import { parseClusterNodes } from '../parse/clusterNodes';
import type { NodeClient } from '../exec/nodeClient';
import { linkProblems, type JoinView } from '../check/links';
import { clockSleep, systemClock } from '../exec/port';
import type { DictRehash } from '../model/dialect';
import { DEFAULT_JOIN_TIMEOUT_MS, DEFAULT_POLL_INTERVAL_MS, type EventSink, type WaitOptions } from './opOutput';

/** An extra condition on the views; a string says what is still missing. */
export type JoinCondition = (views: readonly JoinView[]) => true | string;

/** What a join wait reports (render/joinText.ts prints it as redis-cli does). */
export type JoinEvent =
  | { readonly kind: 'join-start'; readonly banner: string }
  /** One per second of waiting. */
  | { readonly kind: 'join-dot' }
  | { readonly kind: 'join-done' }
  /** `banner`: set for a quiet wait, which printed nothing before. `problems`: peers whose link is down, and who sees it. */
  | {
      readonly kind: 'join-failed';
      readonly banner?: string;
      readonly problems: readonly (readonly [string, readonly string[]])[];
      readonly waitedMs: number;
      readonly reason: string;
    };

export interface JoinWaitOptions extends WaitOptions {
  readonly log: EventSink<JoinEvent>;
  readonly condition?: JoinCondition;
  /** Called after every poll that did not find agreement (e.g. to speed gossip up). */
  readonly onPoll?: (views: readonly JoinView[]) => Promise<void>;
  /** First line printed (default redis-cli's "Waiting for the cluster to join"). */
  readonly banner?: string;
  /** Print nothing unless the wait fails (where redis-cli does not wait at all: add-node). */
  readonly quiet?: boolean;
  /** The order the server's CLI lists unreachable peers in (model/dialect.ts dictRehashOf); default redis-cli 7's. */
  readonly rehash?: DictRehash;
}

export type JoinResult = { readonly ok: true; readonly waitedMs: number } | { readonly ok: false; readonly waitedMs: number; readonly reason: string };

async function viewOf(client: NodeClient): Promise<JoinView> {
  try {
    return { addr: client.addr, lines: parseClusterNodes(String(await client.call('CLUSTER', 'NODES'))) };
  } catch {
    return { addr: client.addr, lines: null };
  }
}

/** One poll: null when consistent (and the condition holds), else why not. */
export async function pollAgreement(clients: readonly NodeClient[], condition?: JoinCondition): Promise<{ views: JoinView[]; pending: string | null }> {
  const views = await Promise.all(clients.map(viewOf));
  const down = views.find((v) => v.lines === null);
  if (down) return { views, pending: `${down.addr} did not answer CLUSTER NODES` };
  if (!signaturesAgree(views.map((v) => configSignature(v.lines!)))) return { views, pending: 'the nodes do not agree about the slots configuration yet' };
  const extra = condition ? condition(views) : true;
  return { views, pending: extra === true ? null : extra };
}

/** Polls until consistent or the deadline passes. Prints the banner, one dot per second, then a newline. */
export async function waitForJoin(clients: readonly NodeClient[], opts: JoinWaitOptions): Promise<JoinResult> {
  const { log } = opts;
  const timeout = opts.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
  const interval = opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const banner = opts.banner ?? 'Waiting for the cluster to join';
  if (!opts.quiet) log.emit({ kind: 'join-start', banner });
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  let dots = 0;
  for (;;) {
    const { views, pending } = await pollAgreement(clients, opts.condition);
    const waited = clock.now() - started;
    if (pending === null) {
      if (!opts.quiet) log.emit({ kind: 'join-done' });
      return { ok: true, waitedMs: waited };
    }
    for (; dots < Math.floor(waited / 1000); dots++) if (!opts.quiet) log.emit({ kind: 'join-dot' });
    if (waited >= timeout) {
      log.emit({ kind: 'join-failed', ...(opts.quiet ? { banner } : {}), problems: linkProblems(views, opts.rehash), waitedMs: waited, reason: pending });
      return { ok: false, waitedMs: waited, reason: pending };
    }
    await opts.onPoll?.(views);
    await clockSleep(clock, interval);
  }
}

/**
 * Condition: every view lists each of `ids` as a known node (with an address)
 * and no handshake is pending any more (a MEET to a node already known leaves
 * a short-lived handshake entry until the peer answers).
 */
export function everyoneKnows(ids: readonly string[]): JoinCondition {
  return (views) => {
    for (const v of views) {
      const known = new Set((v.lines ?? []).filter(isSettled).map((l) => l.id));
      const missing = ids.find((id) => !known.has(id));
      if (missing) return `${v.addr} does not know node ${missing} yet`;
      const pending = (v.lines ?? []).find((l) => l.flags.includes('handshake'));
      if (pending) return `${v.addr} is still in handshake with ${pending.addressText}`;
    }
    return true;
  };
}

function isSettled(l: ClusterNodesLine): boolean {
  return !l.flags.includes('handshake') && !l.flags.includes('noaddr') && l.address !== null;
}
