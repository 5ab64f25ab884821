/**
 * Where a run's time goes: a SlotPort that passes every call through and adds, per phase, the calls, the
 * round trips they cost and their time. Round trips per slot are the load-independent figure (time on a
 * shared machine is not). Times are summed over concurrent calls (busy time, not wall time); the time a
 * migrateCopy spends in its confirm callback counts as durability wait, not as migrate-copy.
 */
import type { Clock, SlotPort } from './port';

export type ProfilePhase =
  'window-open' | 'key-listing' | 'migrate' | 'migrate-copy' | 'durability-wait' | 'setslot-node' | 'epoch-guard' | 'key-counts' | 'pace-probe' | 'other';

export interface PhaseProfile {
  readonly calls: number;
  readonly roundTrips: number;
  readonly ms: number;
}

/** Plain data (crosses to the CLI as an event). */
export interface RunProfile {
  readonly slots: number;
  readonly wallMs: number;
  readonly phases: Readonly<Partial<Record<ProfilePhase, PhaseProfile>>>;
}

export interface Profiler {
  readonly port: SlotPort;
  report(slots: number, wallMs: number): RunProfile;
}

/**
 * Round trips per call: one pipeline is one. migrateCopy is two (WATCH + MIGRATE … COPY, then
 * MULTI/DEL/EXEC), its confirm not included; replicationState reads the target and its replicas at once.
 */
export function profilePort(inner: SlotPort, clock: Clock): Profiler {
  const now = (): number => (clock.hrNow ?? clock.now)();
  const phases = new Map<ProfilePhase, { calls: number; roundTrips: number; ms: number }>();
  const add = (phase: ProfilePhase, roundTrips: number, ms: number): void => {
    let p = phases.get(phase);
    if (!p) phases.set(phase, (p = { calls: 0, roundTrips: 0, ms: 0 }));
    p.calls++;
    p.roundTrips += roundTrips;
    p.ms += ms;
  };
  const timed = async <T>(phase: ProfilePhase, roundTrips: number, run: () => Promise<T>): Promise<T> => {
    const t0 = now();
    try {
      return await run();
    } finally {
      add(phase, roundTrips, now() - t0);
    }
  };
  const port: SlotPort = {
    nodeAddr: (id) => inner.nodeAddr(id),
    masterIds: () => inner.masterIds(),
    setSlots: (nodeId, items) => {
      const action = items[0]?.action;
      return timed(action === 'NODE' ? 'setslot-node' : 'window-open', 1, () => inner.setSlots(nodeId, items));
    },
    getKeysInSlots: (nodeId, slots, count) => timed('key-listing', 1, () => inner.getKeysInSlots(nodeId, slots, count)),
    countKeysInSlots: (nodeId, slots) => timed('key-counts', 1, () => inner.countKeysInSlots(nodeId, slots)),
    migrate: (sourceId, targetId, groups, opts) => timed('migrate', 1, () => inner.migrate(sourceId, targetId, groups, opts)),
    dump: (nodeId, keys) => timed('other', 1, () => inner.dump(nodeId, keys)),
    epochs: (nodeId) => timed('epoch-guard', 1, () => inner.epochs(nodeId)),
    bumpEpoch: (nodeId) => timed('epoch-guard', 1, () => inner.bumpEpoch(nodeId)),
    ...(inner.close ? { close: () => inner.close!() } : {}),
    ...(inner.migrateCopy
      ? {
          migrateCopy: async (sourceId, targetId, keys, opts, confirm) => {
            let confirming = 0;
            const t0 = now();
            try {
              return await inner.migrateCopy!(sourceId, targetId, keys, opts, async () => {
                const c0 = now();
                try {
                  await confirm();
                } finally {
                  confirming += now() - c0;
                }
              });
            } finally {
              add('migrate-copy', 2, now() - t0 - confirming);
            }
          },
        }
      : {}),
    ...(inner.finishTimedOut
      ? { finishTimedOut: (s, t, keys, confirm) => timed('other', 1 + keys.length, () => inner.finishTimedOut!(s, t, keys, confirm)) }
      : {}),
    ...(inner.replicationState ? { replicationState: (id) => timed('durability-wait', 1, () => inner.replicationState!(id)) } : {}),
    ...(inner.probe ? { probe: (id) => timed('pace-probe', 1, () => inner.probe!(id)) } : {}),
    ...(inner.opsPerSec ? { opsPerSec: (id) => timed('pace-probe', 1, () => inner.opsPerSec!(id)) } : {}),
    ...(inner.command ? { command: (id, ...args) => timed('other', 1, () => inner.command!(id, ...args)) } : {}),
  };
  return {
    port,
    report: (slots, wallMs) => ({
      slots,
      wallMs,
      phases: Object.fromEntries([...phases].map(([k, v]) => [k, { ...v, ms: Math.round(v.ms * 10) / 10 }])),
    }),
  };
}

/** One line per phase: calls, round trips (and per slot), busy time. */
export function renderProfile(p: RunProfile): string {
  const per = (n: number): string => (p.slots > 0 ? (n / p.slots).toFixed(2) : '-');
  const rows = Object.entries(p.phases).sort(([, a], [, b]) => b.roundTrips - a.roundTrips);
  const total = rows.reduce((a, [, v]) => a + v.roundTrips, 0);
  const lines = rows.map(
    ([k, v]) =>
      `rcm: profile: ${k.padEnd(16)} ${String(v.calls).padStart(7)} calls ${String(v.roundTrips).padStart(7)} round trips (${per(v.roundTrips)}/slot) ${v.ms.toFixed(1).padStart(9)} ms busy\n`,
  );
  return `rcm: profile: ${p.slots} slots in ${(p.wallMs / 1000).toFixed(2)} s, ${total} round trips (${per(total)}/slot)\n${lines.join('')}`;
}
