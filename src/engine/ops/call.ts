/**
 * `call HOST:PORT CMD ARGS… [--cluster-only-masters|--cluster-only-replicas]`
 * (spec §3.9, §4.4): the command runs on the selected nodes concurrently and
 * the replies are printed in node-list order in redis-cli's raw format.
 * Deliberate difference: commands that destroy data, stop nodes or change the
 * cluster (plan/callSafety.ts) are sent only after a confirmation; declining
 * sends nothing and exits 1.
 */
import { nodeRef, type NodeRef } from '../check/check';
import { EngineError } from '../model/errors';
import type { Role, Topology } from '../model/types';
import { openCluster, type LoadOptions } from '../io/loader';
import { destructiveReason } from '../plan/callSafety';
import { toJsonReply, type JsonReply } from '../model/reply';
import { EventLog, loadEvent, type LoadEvent, type OpEntry, type OpHooks, type OpReport } from './opOutput';

export interface CallOptions extends LoadOptions, OpHooks<CallEvent>, OpEntry {
  /** The command and its arguments. */
  readonly argv: readonly string[];
  readonly onlyMasters?: boolean;
  readonly onlyReplicas?: boolean;
}

export type CallReply =
  | { readonly node: NodeRef; readonly role: Role; readonly ok: true; readonly reply: JsonReply }
  | { readonly node: NodeRef; readonly role: Role; readonly ok: false; readonly error: string; readonly transport: boolean };

/** What call reports, in order (render/callText.ts prints it; redis-cli's -d is the renderer's). */
export type CallEvent =
  | LoadEvent
  /** The confirmation of a destructive command was declined: nothing was sent. */
  | { readonly kind: 'call-aborted'; readonly command: string }
  | { readonly kind: 'call-start'; readonly argv: readonly string[] }
  /** One per node, in node-list order, once every node has answered. */
  | { readonly kind: 'call-reply'; readonly reply: CallReply };

export interface CallReport extends OpReport<CallEvent> {
  readonly topology: Topology;
  readonly command: readonly string[];
  /** One entry per node the command was sent to, in node-list order. */
  readonly replies: readonly CallReply[];
  /** false when the confirmation was declined (nothing was sent). */
  readonly sent: boolean;
}

export async function runCall(opts: CallOptions): Promise<CallReport> {
  const { argv } = opts;
  if (argv.length === 0) throw new EngineError({ code: 'usage', message: 'call needs a command to send' });
  const log = new EventLog(opts.onEvent);
  const session = await openCluster(opts.host, opts.port, opts);
  const { topology } = session;
  try {
    log.emit(loadEvent(topology));
    const targets = topology.nodes.filter((n) => {
      const replica = n.masterId !== null;
      return !(opts.onlyMasters && replica) && !(opts.onlyReplicas && !replica);
    });
    const danger = destructiveReason(argv);
    if (danger && targets.length > 0 && opts.confirm) {
      const question = `${argv.join(' ')} ${danger}; it will be sent to ${targets.length} node(s). Are you sure?`;
      if (!(await opts.confirm(question))) {
        log.emit({ kind: 'call-aborted', command: argv[0]! });
        return { topology, command: argv, replies: [], sent: false, events: log.events, exitCode: 1 };
      }
    }
    log.emit({ kind: 'call-start', argv });
    const replies = await Promise.all(
      targets.map(async (n): Promise<CallReply> => {
        const base = { node: nodeRef(n), role: n.role };
        try {
          const reply = await session.clients.get(n.id)!.call(argv[0]!, ...argv.slice(1));
          return { ...base, ok: true, reply: toJsonReply(reply) };
        } catch (e) {
          const ee = e instanceof EngineError ? e : undefined;
          const transport = !ee || ee.code !== 'reply-error';
          return { ...base, ok: false, error: ee?.detail ?? (e as Error).message, transport };
        }
      }),
    );
    for (const reply of replies) log.emit({ kind: 'call-reply', reply });
    return { topology, command: argv, replies, sent: true, events: log.events, exitCode: 0 };
  } finally {
    session.close();
  }
}
