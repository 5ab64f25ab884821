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
import { formatRawReply, toJsonReply, type JsonReply } from '../render/callText';
import { renderLoadMessages } from '../render/checkText';
import { out } from '../render/output';
import { OutputLog, type TextOpHooks, type TextOpReport } from './opOutput';

export interface CallOptions extends LoadOptions, TextOpHooks {
  readonly onlyMasters?: boolean;
  readonly onlyReplicas?: boolean;
  /** Separator between array elements (redis-cli's -d, default "\n"). */
  readonly delimiter?: string;
}

export type CallReply =
  | { readonly node: NodeRef; readonly role: Role; readonly ok: true; readonly reply: JsonReply }
  | { readonly node: NodeRef; readonly role: Role; readonly ok: false; readonly error: string; readonly transport: boolean };

export interface CallReport extends TextOpReport {
  readonly topology: Topology;
  readonly command: readonly string[];
  /** One entry per node the command was sent to, in node-list order. */
  readonly replies: readonly CallReply[];
  /** false when the confirmation was declined (nothing was sent). */
  readonly sent: boolean;
}

export async function runCall(host: string, port: number, argv: readonly string[], opts: CallOptions = {}): Promise<CallReport> {
  if (argv.length === 0) throw new EngineError({ code: 'usage', message: 'call needs a command to send' });
  const log = new OutputLog(opts.onOutput);
  const session = await openCluster(host, port, opts);
  const { topology } = session;
  try {
    log.emit(...renderLoadMessages(topology));
    const targets = topology.nodes.filter((n) => {
      const replica = n.masterId !== null;
      return !(opts.onlyMasters && replica) && !(opts.onlyReplicas && !replica);
    });
    const danger = destructiveReason(argv);
    if (danger && targets.length > 0 && opts.confirm) {
      const question = `${argv.join(' ')} ${danger}; it will be sent to ${targets.length} node(s). Are you sure?`;
      if (!(await opts.confirm(question))) {
        log.emit(out(`*** Aborted: ${argv[0]} was not sent to any node.\n`, 'error'));
        return { topology, command: argv, replies: [], sent: false, output: log.chunks, exitCode: 1 };
      }
    }
    log.emit(out('>>> Calling', 'info'), ...argv.map((a) => out(` ${a}`)), out('\n'));
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
    for (const r of replies) {
      const text = r.ok ? formatRawReply(fromJson(r.reply), opts.delimiter) : r.transport ? 'Failed!' : `${r.error}\n`;
      log.emit(out(`${r.node.addr}: ${text}\n`));
    }
    return { topology, command: argv, replies, sent: true, output: log.chunks, exitCode: 0 };
  } finally {
    session.close();
  }
}

/** Back from the JSON form to what formatRawReply expects (errors inside arrays). */
function fromJson(r: JsonReply): unknown {
  if (Array.isArray(r)) return r.map(fromJson);
  if (r !== null && typeof r === 'object' && 'error' in r) return new Error(r.error);
  return r;
}
