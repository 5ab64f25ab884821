/** redis-cli's raw reply format as `call` prints it (spec §3.9), and call's events (ops/call.ts). Pure. */
import type { JsonReply } from '../model/reply';
import type { CallEvent } from '../ops/call';
import { renderLoadMessages } from './checkText';
import { out, type OutputChunk } from './output';

/**
 * nil → empty; error → its text + "\n"; status/bulk → the text; integer →
 * decimal; array → elements formatted recursively, joined by the delimiter.
 */
export function formatRawReply(reply: unknown, delimiter = '\n'): string {
  if (reply === null || reply === undefined) return '';
  if (reply instanceof Error) return `${reply.message}\n`;
  if (Array.isArray(reply)) return reply.map((r) => formatRawReply(r, delimiter)).join(delimiter);
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8');
  return String(reply);
}

/** `delimiter`: redis-cli's -d, between array elements (default "\n"). */
export function renderCallEvent(e: CallEvent, delimiter?: string): OutputChunk[] {
  switch (e.kind) {
    case 'load':
      return renderLoadMessages(e);
    case 'call-aborted':
      return [out(`*** Aborted: ${e.command} was not sent to any node.\n`, 'error')];
    case 'call-start':
      return [out('>>> Calling', 'info'), ...e.argv.map((a) => out(` ${a}`)), out('\n')];
    case 'call-reply': {
      const r = e.reply;
      const text = r.ok ? formatRawReply(fromJson(r.reply), delimiter) : r.transport ? 'Failed!' : `${r.error}\n`;
      return [out(`${r.node.addr}: ${text}\n`)];
    }
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}

/** Back from the JSON form to what formatRawReply expects (errors inside arrays). */
function fromJson(r: JsonReply): unknown {
  if (Array.isArray(r)) return r.map(fromJson);
  if (r !== null && typeof r === 'object' && 'error' in r) return new Error(r.error);
  return r;
}
