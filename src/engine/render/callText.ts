/** redis-cli's raw reply format as `call` prints it (spec §3.9). Pure. */

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

/** A reply as plain JSON (errors inside arrays become `{ error }`). */
export type JsonReply = string | number | null | { readonly error: string } | readonly JsonReply[];

export function toJsonReply(reply: unknown): JsonReply {
  if (reply === null || reply === undefined) return null;
  if (reply instanceof Error) return { error: reply.message };
  if (Array.isArray(reply)) return reply.map(toJsonReply);
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8');
  if (typeof reply === 'number') return reply;
  return String(reply);
}
