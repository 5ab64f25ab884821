/**
 * Reshard and rebalance plans as redis-cli 7.0 prints them (spec §3.5 steps
 * 5-6, §3.6 steps 5-8). Pure: the text is a function of the plan (and of the
 * topology, for node blocks and addresses).
 */
import type { MoveGroup, MovePlan, NothingToDo, PlanNode } from '../model/plan';
import type { Topology } from '../model/types';
import { renderNodeBlock } from './checkText';
import { formatFixed } from './cformat';
import { out, type OutputChunk } from './output';
import { wordsOf, type CliDialect } from '../model/dialect';

function nodeAddr(plan: MovePlan, topology: Topology | undefined, id: string): string {
  const p = plan.nodes.find((n) => n.id === id) ?? topology?.nodes.find((n) => n.id === id);
  return p ? `${p.host}:${p.port}` : id;
}

function block(topology: Topology, node: PlanNode, indent: number): string {
  const full = topology.nodes.find((n) => n.id === node.id);
  if (full) return renderNodeBlock(full, indent);
  const I = ' '.repeat(indent);
  return `${I}M: ${node.id} ${node.host}:${node.port}`;
}

/**
 * What redis-cli prints between reading the sources and the confirmation
 * prompt: the source warnings (ERR-log), `Ready to move N slots.`, the source
 * and destination node blocks (indent 4) and one `    Moving slot S from ID`
 * line per planned slot. `plan.nodes` is sources (given order) then target.
 */
export function renderReshardPlan(topology: Topology, plan: MovePlan, warnings: readonly string[] = []): OutputChunk[] {
  const chunks: OutputChunk[] = warnings.map((w) => out(`${w}\n`, 'error'));
  const target = plan.nodes[plan.nodes.length - 1];
  const sources = plan.nodes.slice(0, -1);
  let text = `\nReady to move ${plan.requestedSlots ?? plan.totalSlots} slots.\n  Source nodes:\n`;
  for (const s of sources) text += `${block(topology, s, 4)}\n`;
  text += '  Destination node:\n';
  if (target) text += `${block(topology, target, 4)}\n`;
  text += '  Resharding plan:\n';
  for (const m of plan.moves) text += `    Moving slot ${m.slot} from ${m.sourceId}\n`;
  chunks.push(out(text));
  return chunks;
}

export interface RebalanceRenderOptions {
  /** `--verbose`: one `ip:port balance is B slots` line per involved node. */
  readonly verbose?: boolean;
  /**
   * `--cluster-simulate`: also print each group's `Moving k slots …` line and
   * k `#` + newline. Without it only the preamble is rendered; the executor
   * prints `renderRebalanceGroupLine` per group, a `#` per moved slot, then `\n`.
   */
  readonly simulate?: boolean;
}

/** `*** No rebalancing needed! All nodes are within the T% threshold.` (WARN-log). */
export function renderNothingToDo(result: NothingToDo): OutputChunk[] {
  if (result.reason !== 'balanced') return [];
  return [out(`*** No rebalancing needed! All nodes are within the ${formatFixed(result.threshold ?? 2, 2)}% threshold.\n`, 'warn')];
}

/** `Moving k slots from SRC to DST\n` (plain stdout), printed before a group's slots move. */
export function renderRebalanceGroupLine(plan: MovePlan, group: MoveGroup, topology?: Topology): OutputChunk {
  return out(`Moving ${group.slots} slots from ${nodeAddr(plan, topology, group.sourceId)} to ${nodeAddr(plan, topology, group.targetId)}\n`);
}

/**
 * What redis-cli's rebalance prints after the quiet check: the header (INFO),
 * the balances with `verbose`, and with `simulate` every group line followed by
 * its `#` bar. NothingToDo renders the "No rebalancing needed" warning.
 */
export function renderRebalancePlan(plan: MovePlan | NothingToDo, topology?: Topology, options: RebalanceRenderOptions = {}): OutputChunk[] {
  if (plan.kind === 'nothing-to-do') return renderNothingToDo(plan);
  const details = plan.rebalance;
  const balances = details?.balances ?? [];
  const chunks: OutputChunk[] = [out(`>>> Rebalancing across ${balances.length} nodes. Total weight = ${formatFixed(details?.totalWeight ?? 0, 2)}\n`, 'info')];
  if (options.verbose && balances.length > 0) {
    chunks.push(out(balances.map((b) => `${nodeAddr(plan, topology, b.id)} balance is ${b.balance} slots\n`).join('')));
  }
  if (options.simulate) {
    for (const g of plan.groups) {
      chunks.push(renderRebalanceGroupLine(plan, g, topology));
      chunks.push(out(`${'#'.repeat(g.slots)}\n`));
    }
  }
  return chunks;
}

/** The start of reshard's (and fix's) per-slot line; the dots, one per key, and the newline follow. */
export function movingSlotText(slot: number, from: string, to: string, dialect?: CliDialect): string {
  return `Moving slot ${slot} from ${from} to ${to}${wordsOf(dialect).moveSep}`;
}
