/**
 * Feeds the pace controller while a legacy migration runs: PINGs every node of
 * a running lane on a connection of its own (so the probe queues behind the
 * MIGRATEs exactly as a client command does), reads their
 * instantaneous_ops_per_sec once a second, less the commands the executor
 * itself sent there, and re-decides the pace.
 */
import type { Pace } from '../model/progress';
import { createPaceController, type PaceOptions } from './pace';
import { clockSleep, type Clock, type SlotPort } from './port';

export interface PaceRunner {
  pace(): Pace;
  /** Nodes of a lane that starts / stops moving. */
  watch(nodeIds: readonly string[]): void;
  unwatch(nodeIds: readonly string[]): void;
  /** Commands the executor sent to a node (subtracted from its ops/s). */
  countOwn(nodeId: string, commands: number): void;
  /** Resolves at the next pace change (or stop). */
  changed(): Promise<void>;
  stop(): Promise<void>;
}

const PROBE_EVERY_MS = 20;
const OPS_EVERY_MS = 1000;

export function startPaceRunner(port: SlotPort, clock: Clock, opts: PaceOptions, onChange: (p: Pace) => void): PaceRunner {
  const ctl = createPaceController(opts);
  const hr = (): number => (clock.hrNow ? clock.hrNow() : clock.now());
  const watched = new Map<string, number>();
  const own = new Map<string, number>();
  let wake: () => void = () => undefined;
  let wakeP = new Promise<void>((r) => {
    wake = r;
  });
  const fire = (): void => {
    wake();
    wakeP = new Promise<void>((r) => {
      wake = r;
    });
  };
  let running = !opts.fast && port.probe !== undefined;
  let opsAt = clock.now();

  const probeOnce = async (id: string): Promise<void> => {
    const t0 = hr();
    try {
      await port.probe!(id);
    } catch {
      return; // a failed probe says nothing about latency; the move itself reports errors
    }
    ctl.observeProbe(id, hr() - t0, clock.now());
  };

  const readOps = async (): Promise<void> => {
    const now = clock.now();
    const secs = Math.max(0.001, (now - opsAt) / 1000);
    opsAt = now;
    await Promise.all(
      [...watched.keys()].map(async (id) => {
        try {
          const total = await port.opsPerSec!(id);
          ctl.observeOps(id, Math.max(0, total - (own.get(id) ?? 0) / secs), now);
        } catch {
          /* no INFO: the ops rule just stays off */
        }
      }),
    );
    own.clear();
  };

  const loop = (async () => {
    while (running) {
      const ids = [...watched.keys()];
      if (ids.length > 0) {
        await Promise.all(ids.map(probeOnce));
        for (const id of ids) own.set(id, (own.get(id) ?? 0) + 1);
        if (port.opsPerSec && clock.now() - opsAt >= OPS_EVERY_MS) await readOps();
        const next = ctl.decide(clock.now());
        if (next) {
          onChange(next);
          fire();
        }
      }
      await clockSleep(clock, PROBE_EVERY_MS);
    }
  })();

  return {
    pace: () => ctl.current(),
    watch(ids) {
      for (const id of ids) watched.set(id, (watched.get(id) ?? 0) + 1);
    },
    unwatch(ids) {
      for (const id of ids) {
        const n = (watched.get(id) ?? 1) - 1;
        if (n > 0) watched.set(id, n);
        else {
          watched.delete(id);
          ctl.forget(id);
        }
      }
    },
    countOwn(id, n) {
      own.set(id, (own.get(id) ?? 0) + n);
    },
    changed: () => wakeP,
    async stop() {
      running = false;
      fire();
      await loop;
    },
  };
}
