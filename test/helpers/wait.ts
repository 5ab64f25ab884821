/** Deadline-bounded polling (never a fixed sleep). */

import { setTimeout as delay } from 'node:timers/promises';

/** Thrown from a probe to stop waiting at once (the condition can no longer hold). */
export class WaitAborted extends Error {}

/**
 * A probe returns `true` when the awaited condition holds, otherwise a
 * short reason (kept for the timeout message). Thrown errors count as
 * "not yet" and their message becomes the reason, except WaitAborted,
 * which is rethrown.
 */
export type Probe = () => Promise<true | string> | true | string;

/** Polls `probe` every `intervalMs` until it returns true; throws after `timeoutMs`. */
export async function waitFor(what: string, probe: Probe, timeoutMs: number, intervalMs = 75): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason = 'never probed';
  for (;;) {
    try {
      const result = await probe();
      if (result === true) return;
      reason = result;
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      reason = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}: ${reason}`);
    }
    await delay(intervalMs);
  }
}
