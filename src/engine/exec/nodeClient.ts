/**
 * The port every operation talks to a node through: one connected node, commands and pipelines. The real
 * implementation is io/connection.ts (ioredis); unit tests script an in-memory one (test/fixtures/fakeNodeClient.ts).
 */

import type { Arg, PipelineResult } from '../model/command';

export type { Arg, PipelineResult } from '../model/command';

/** A connected node. `addr` is the address shown to users. */
export interface NodeClient {
  readonly addr: string;
  /** Sends one command; rejects with an EngineError carrying the server's reply text. */
  call(command: string, ...args: Arg[]): Promise<unknown>;
  /** Sends many commands in one pipeline; each result is a value or an error text. Bulk replies are Buffers with `buffers`. */
  pipeline(commands: readonly (readonly [string, ...Arg[]])[], options?: { buffers?: boolean }): Promise<PipelineResult[]>;
  close(): void;
}
