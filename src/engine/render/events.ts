/**
 * The one adapter between an operation's events (plain data, see ops/opOutput.ts) and its text: callers that only
 * want redis-cli's output stay one line, `renderEvents(report.events, renderXEvent)`. Pure.
 */
import type { OutputChunk } from './output';

/** Turns one event of an operation into the chunks redis-cli prints for it (often none). */
export type EventRenderer<E> = (event: E) => readonly OutputChunk[];

/** The whole output of a run, from its report's events. */
export function renderEvents<E>(events: readonly E[], render: EventRenderer<E>): OutputChunk[] {
  return events.flatMap((e) => render(e));
}

/** An onEvent hook that renders each event as it happens and hands its chunks to `onOutput`. */
export function printingTo<E>(render: EventRenderer<E>, onOutput: (chunk: OutputChunk) => void): (event: E) => void {
  return (e) => {
    for (const c of render(e)) onOutput(c);
  };
}
