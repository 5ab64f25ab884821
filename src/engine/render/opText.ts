/** The events several operations share (ops/opOutput.ts, the join wait), in redis-cli's words. Pure. */
import type { JoinEvent } from '../ops/joinWait';
import type { CommonEvent } from '../ops/opOutput';
import { renderCheck, renderLoadMessages } from './checkText';
import { renderJoinEvent } from './joinText';
import { out, type OutputChunk } from './output';

export type SharedEvent = CommonEvent | JoinEvent;

const SHARED_KINDS: Record<SharedEvent['kind'], true> = {
  load: true,
  'reply-error': true,
  check: true,
  'join-start': true,
  'join-dot': true,
  'join-done': true,
  'join-failed': true,
};

/** An op's renderer hands these to renderSharedEvent and switches over its own kinds only. */
export function isSharedEvent<E extends { readonly kind: string }>(e: E | SharedEvent): e is SharedEvent {
  return Object.hasOwn(SHARED_KINDS, e.kind);
}

export function renderSharedEvent(e: SharedEvent): OutputChunk[] {
  switch (e.kind) {
    case 'load':
      return renderLoadMessages(e);
    case 'reply-error':
      return [out(`Node ${e.addr} replied with error:\n${e.error}\n`, 'error')];
    case 'check':
      return renderCheck(e.topology, e.result, e.quiet);
    case 'join-start':
    case 'join-dot':
    case 'join-done':
    case 'join-failed':
      return renderJoinEvent(e);
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
