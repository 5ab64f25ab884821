/** A command reply as plain data (call reports and the JSON output carry it). Pure. */

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
