/**
 * Renders migration events on the terminal: redis-cli's lines on stdout
 * (reshard: `Moving slot S from A to B: ` + a dot per key; rebalance: the
 * group line + a `#` per slot), a progress bar on stderr when it is a TTY, and
 * rcm's summary on stderr.
 */
import {
  describePace,
  dialectOfTopology,
  movingSlotText,
  renderBigKeys,
  type MigrationEvent,
  type MovePlan,
  type ProgressSnapshot,
  type Topology,
} from '../engine';
import type { Io } from './context';

export interface MigrationView {
  onEvent(e: MigrationEvent): void;
  finish(): void;
}

export function formatProgress(p: ProgressSnapshot): string {
  const pct = p.totalSlots > 0 ? Math.floor((p.slotsDone * 100) / p.totalSlots) : 100;
  const width = 24;
  const filled = Math.round((pct / 100) * width);
  const eta = p.etaSec === null ? '?' : `${Math.ceil(p.etaSec)}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${p.slotsDone}/${p.totalSlots} slots, ${p.keysMoved}/${p.keysTotal} keys, ${Math.round(p.keysPerSec)} keys/s, ETA ${eta}`;
}

/** `--verbose`: the protocol each pair uses and its server job's states, on stderr (stdout stays redis-cli's). */
function verboseLine(e: MigrationEvent, addr: (id: string) => string): string | null {
  if (e.type === 'group-started' && e.strategy) {
    const how = e.strategy === 'legacy' ? 'SETSLOT/MIGRATE windows' : `one server job for ${e.slots} slots`;
    return `rcm: ${addr(e.sourceId)} -> ${addr(e.targetId)}: strategy ${e.strategy} (${how})\n`;
  }
  if (e.type === 'atomic-job') {
    const keys = e.job.keysOnTarget !== undefined ? `, ${e.job.keysOnTarget} keys on the target` : '';
    const retries = e.job.retries ? `, ${e.job.retries} server retries` : '';
    return `rcm: ${e.strategy} job ${e.job.jobId} ${addr(e.job.sourceId)} -> ${addr(e.job.targetId)}: ${e.job.state}${keys}${retries}\n`;
  }
  return null;
}

export function createMigrationView(io: Io, plan: MovePlan, topology: Topology, style: 'reshard' | 'rebalance', quiet = false, verbose = false): MigrationView {
  const addr = (id: string): string => {
    const n = topology.nodes.find((x) => x.id === id);
    return n ? `${n.host}:${n.port}` : id;
  };
  const dialect = dialectOfTopology(topology);
  const interactive = process.stderr.isTTY === true;
  const bar = io.isTTY === true && interactive;
  let lastBar = 0;
  const groupDone = new Map<string, number>();
  const clearBar = (): void => {
    if (bar) io.stderr('\r\x1b[K');
  };
  return {
    onEvent(e) {
      const extra = verbose ? verboseLine(e, addr) : null;
      if (extra) {
        clearBar();
        io.stderr(extra);
      }
      if (e.type === 'slot-done' && !quiet) {
        clearBar();
        if (style === 'reshard') {
          io.stdout(`${movingSlotText(e.slot, addr(e.sourceId), addr(e.targetId), dialect)}${'.'.repeat(e.keys)}\n`);
        } else {
          const key = `${e.sourceId}>${e.targetId}`;
          const n = (groupDone.get(key) ?? 0) + 1;
          groupDone.set(key, n);
          const group = plan.groups.find((g) => g.sourceId === e.sourceId && g.targetId === e.targetId);
          if (group && n === group.slots)
            io.stdout(`Moving ${group.slots} slots from ${addr(e.sourceId)} to ${addr(e.targetId)}\n${'#'.repeat(group.slots)}\n`);
        }
      }
      if (e.type === 'progress' && bar && Date.now() - lastBar > 100) {
        lastBar = Date.now();
        io.stderr(`\r\x1b[K${formatProgress(e.progress)}`);
      }
      if (e.type === 'busy-keys' && e.action !== 'refused') {
        clearBar();
        io.stdout(`\n*** Target key exists\n*** Replacing target keys...\n`);
      }
      if (e.type === 'big-keys') {
        clearBar();
        // The list with --verbose; the failover-risk warnings also at a terminal. A script (no TTY)
        // gets redis-cli's streams unchanged: nothing on stderr on success.
        if (verbose && !quiet) io.stderr(renderBigKeys(e.report, addr));
        else if (interactive) for (const w of e.report.warnings) io.stderr(`rcm: warning: ${w.message}\n`);
      }
      if (e.type === 'pace' && verbose) {
        clearBar();
        io.stderr(`rcm: pace: ${describePace(e.pace)} (${e.pace.reason}${e.pace.node ? `, on ${addr(e.pace.node)}` : ''})\n`);
      }
      if (e.type === 'verify-mismatch' && (verbose || interactive)) {
        clearBar();
        io.stderr(`rcm: slot ${e.slot}: ${e.before} keys before the move, ${e.after} on the target after it (keys written, deleted or expired meanwhile?)\n`);
      }
    },
    finish() {
      clearBar();
    },
  };
}

export function summaryLine(p: ProgressSnapshot, mismatches: number): string {
  const secs = (p.elapsedMs / 1000).toFixed(2);
  const verify = mismatches === 0 ? 'key counts verified' : `${mismatches} slot(s) with key-count differences`;
  return `rcm: moved ${p.slotsDone} slots and ${p.keysMoved} keys in ${secs}s (${Math.round(p.keysPerSec)} keys/s); ${verify}.\n`;
}
