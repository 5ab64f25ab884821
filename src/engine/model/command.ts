/** A command as sent to a node: plain data, built by pure code and sent by a NodeClient (exec/nodeClient.ts). */

export type Arg = string | number | Buffer;

export type Command = [string, ...Arg[]];

/** One reply of a pipeline: a value, or the server's error text. */
export type PipelineResult = { ok: true; value: unknown } | { ok: false; error: string };
