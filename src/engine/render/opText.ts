/** The events several operations share (ops/opOutput.ts), in redis-cli's words. Pure. */
import type { CommonEvent } from '../ops/opOutput';
import { renderCheck, renderLoadMessages } from './checkText';
import { out, type OutputChunk } from './output';

export function renderCommonEvent(e: CommonEvent): OutputChunk[] {
  switch (e.kind) {
    case 'load':
      return renderLoadMessages(e);
    case 'reply-error':
      return [out(`Node ${e.addr} replied with error:\n${e.error}\n`, 'error')];
    case 'check':
      return renderCheck(e.topology, e.result, e.quiet);
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
