/**
 * Load-based plans and hot slots as text (rcm's own output: redis-cli has
 * neither). Shares are percentages with two decimals, as redis-cli prints
 * its threshold; the panel shows the same figures from the same plan.load.
 * Pure.
 */
import type { HotSlot } from '../plan/hotSlots';
import type { LoadMeasure, SlotLoadReport } from '../model/load';
import type { LoadBalanceDetails, MovePlan, NothingToDo } from '../model/plan';
import type { Topology } from '../model/types';
import { formatFixed } from './cformat';
import { out, type OutputChunk } from './output';
import { renderRebalanceGroupLine } from './planText';

const UNITS = ['B', 'K', 'M', 'G', 'T'];

/** A measure's value with its unit: keys as a count, memory as 1.50M (bytes, 1024-based), CPU as µs/ms/s. */
export function formatMeasure(measure: LoadMeasure, value: number): string {
  if (measure === 'keys') return `${Math.round(value)} keys`;
  if (measure === 'memory') {
    let v = value;
    let u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return u === 0 ? `${Math.round(v)}B` : `${formatFixed(v, 2)}${UNITS[u]}`;
  }
  if (value >= 1e6) return `${formatFixed(value / 1e6, 2)}s CPU`;
  if (value >= 1e3) return `${formatFixed(value / 1e3, 2)}ms CPU`;
  return `${Math.round(value)}us CPU`;
}

export const pct = (x: number): string => `${formatFixed(x, 2)}%`;

function addr(topology: Topology | undefined, id: string): string {
  const n = topology?.nodes.find((x) => x.id === id);
  return n ? `${n.host}:${n.port}` : id;
}

/** One line per master: `host:port keys 70.12% -> 33.40% (target 33.33%), 5461 -> 3702 slots`. */
export function renderLoadShares(load: LoadBalanceDetails, topology?: Topology): string {
  return load.masters
    .map(
      (m) =>
        `${addr(topology, m.id)} ${load.measure} ${pct(m.shareBefore)} -> ${pct(m.shareAfter)} (target ${pct(m.targetShare)}), ${m.slotsBefore} -> ${m.slotsAfter} slots\n`,
    )
    .join('');
}

export interface LoadPlanRenderOptions {
  readonly verbose?: boolean;
  readonly simulate?: boolean;
}

/**
 * The header, with verbose/simulate the expected shares per master, with
 * simulate the group lines and `#` bars (as redis-cli's simulate); for
 * NothingToDo why nothing moves.
 */
export function renderLoadPlan(plan: MovePlan | NothingToDo, topology?: Topology, options: LoadPlanRenderOptions = {}): OutputChunk[] {
  const load = plan.load;
  if (!load) return [];
  const chunks: OutputChunk[] = [];
  if (plan.kind === 'nothing-to-do') {
    if (load.withinThreshold)
      chunks.push(
        out(`*** No rebalancing needed! All nodes are within the ${formatFixed(load.threshold, 2)}% threshold of their ${load.measure} share.\n`, 'warn'),
      );
    else
      chunks.push(
        out(
          `*** No slot move brings the masters closer to their ${load.measure} targets without overshooting: single slots carry too much (see rcm hot-slots).\n`,
          'warn',
        ),
      );
    if (options.verbose) chunks.push(out(renderLoadShares(load, topology)));
    return chunks;
  }
  chunks.push(out(`>>> Rebalancing ${load.measure} across ${load.masters.length} nodes. Total weight = ${formatFixed(load.totalWeight, 2)}\n`, 'info'));
  if (options.verbose || options.simulate) chunks.push(out(renderLoadShares(load, topology)));
  if (!load.withinThreshold)
    chunks.push(
      out(
        `*** Not every master can get within ${formatFixed(load.threshold, 2)}% of its ${load.measure} share (single slots carry too much); this plan comes as close as it can.\n`,
        'warn',
      ),
    );
  if (options.simulate) {
    for (const g of plan.groups) {
      chunks.push(renderRebalanceGroupLine(plan, g, topology));
      chunks.push(out(`${'#'.repeat(g.slots)}\n`));
    }
  }
  return chunks;
}

/** `rcm hot-slots`: a table of the top slots. */
export function renderHotSlots(hot: readonly HotSlot[], measure: LoadMeasure, topology: Topology, report: SlotLoadReport): OutputChunk[] {
  if (hot.length === 0) return [out(`No slot carries any ${measure}.\n`)];
  const rows = hot.map((h) => [String(h.slot), addr(topology, h.ownerId), formatMeasure(measure, h.value), pct(h.shareOfOwner), pct(h.shareOfCluster)]);
  const head = ['SLOT', 'OWNER', measure.toUpperCase(), 'OF OWNER', 'OF CLUSTER'];
  const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `${cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}\n`;
  const chunks = [out(line(head)), out(rows.map(line).join(''))];
  if (measure === 'memory' && report.slots.some((s) => s.source.memory !== 'measured')) {
    chunks.push(out('(memory: sampled with MEMORY USAGE for the slots with the most keys, estimated from the mean size elsewhere)\n'));
  }
  if (!report.complete) chunks.push(out('(the time budget ran out: some memory figures are estimates only)\n'));
  return chunks;
}
