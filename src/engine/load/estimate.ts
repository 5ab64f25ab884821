/**
 * Turns what the collector read from one master into SlotLoad figures. Pure.
 *
 * Keys come from SLOT-STATS or COUNTKEYSINSLOT (exact: 'measured'). Memory is
 * 'measured' where SLOT-STATS reports it, 'sampled' for slots whose keys were
 * sampled with MEMORY USAGE (mean bytes per sampled key × keys), and
 * 'estimated' elsewhere (the master's mean bytes per sampled key, or
 * used_memory / DBSIZE when nothing was sampled, × keys).
 */
import type { MasterLoad, SlotLoad } from '../model/load';
import type { SlotStatsEntry } from '../parse/slotStats';

export interface MemorySample {
  /** Keys whose MEMORY USAGE was read. */
  readonly keys: number;
  /** Sum of their MEMORY USAGE, bytes. */
  readonly bytes: number;
}

export interface MasterReadings {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** Slots the master owns, ascending. */
  readonly owned: readonly number[];
  /** SLOT-STATS entries (when the server has the command). */
  readonly stats?: ReadonlyMap<number, SlotStatsEntry>;
  /** COUNTKEYSINSLOT per owned slot (when there are no stats); -1 = error. */
  readonly counts?: ReadonlyMap<number, number>;
  /** MEMORY USAGE samples per slot. */
  readonly samples: ReadonlyMap<number, MemorySample>;
  /** INFO used_memory and DBSIZE, for a last-resort bytes-per-key. */
  readonly usedMemory?: number;
  readonly dbsize?: number;
}

/** Mean bytes per key from the samples (or used_memory/DBSIZE), 0 when nothing is known. */
export function meanBytesPerKey(r: Pick<MasterReadings, 'samples' | 'usedMemory' | 'dbsize'>): number {
  let keys = 0;
  let bytes = 0;
  for (const s of r.samples.values()) {
    keys += s.keys;
    bytes += s.bytes;
  }
  if (keys > 0) return bytes / keys;
  if (r.usedMemory && r.dbsize && r.dbsize > 0) return r.usedMemory / r.dbsize;
  return 0;
}

export function estimateMasterLoad(r: MasterReadings): { slots: SlotLoad[]; master: MasterLoad } {
  const mean = meanBytesPerKey(r);
  const slots: SlotLoad[] = [];
  let keys = 0;
  let memory = 0;
  let cpuUs: number | undefined;
  let netIn: number | undefined;
  let netOut: number | undefined;
  for (const slot of r.owned) {
    const st = r.stats?.get(slot);
    const k = Math.max(0, st ? st.keys : (r.counts?.get(slot) ?? 0));
    const sample = r.samples.get(slot);
    let mem: number;
    let memSource: SlotLoad['source']['memory'];
    if (st?.memory !== undefined) {
      mem = st.memory;
      memSource = 'measured';
    } else if (sample && sample.keys > 0) {
      mem = k === 0 ? 0 : Math.round((sample.bytes / sample.keys) * k);
      memSource = 'sampled';
    } else {
      mem = Math.round(mean * k);
      memSource = k === 0 ? 'measured' : 'estimated'; // an empty slot holds nothing, for sure
    }
    const load: SlotLoad = {
      slot,
      ownerId: r.id,
      keys: k,
      memory: mem,
      ...(st?.cpuUs !== undefined ? { cpuUs: st.cpuUs } : {}),
      ...(st?.netIn !== undefined ? { netIn: st.netIn } : {}),
      ...(st?.netOut !== undefined ? { netOut: st.netOut } : {}),
      source: {
        keys: 'measured',
        memory: memSource,
        ...(st?.cpuUs !== undefined ? { cpu: 'measured' as const } : {}),
        ...(st?.netIn !== undefined || st?.netOut !== undefined ? { net: 'measured' as const } : {}),
      },
    };
    slots.push(load);
    keys += k;
    memory += mem;
    if (load.cpuUs !== undefined) cpuUs = (cpuUs ?? 0) + load.cpuUs;
    if (load.netIn !== undefined) netIn = (netIn ?? 0) + load.netIn;
    if (load.netOut !== undefined) netOut = (netOut ?? 0) + load.netOut;
  }
  const master: MasterLoad = {
    id: r.id,
    host: r.host,
    port: r.port,
    slots: r.owned.length,
    keys,
    memory,
    ...(cpuUs !== undefined ? { cpuUs } : {}),
    ...(netIn !== undefined ? { netIn } : {}),
    ...(netOut !== undefined ? { netOut } : {}),
    method: r.stats ? 'slot-stats' : 'count-and-sample',
  };
  return { slots, master };
}

/**
 * Which slots to sample for memory, within `maxSlots`: the slots with the
 * most keys first (they weigh most in the totals), ties by slot number. Pure.
 */
export function chooseSampleSlots(keysBySlot: ReadonlyMap<number, number>, maxSlots: number): number[] {
  return [...keysBySlot.entries()]
    .filter(([, k]) => k > 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, Math.max(0, maxSlots))
    .map(([slot]) => slot);
}
