/**
 * Preflight of a run that changes slot ownership, pure part: the commands the
 * run will send (checked with ACL DRYRUN, or with harmless probes where
 * DRYRUN is not allowed, by io/preflight.ts), and the cluster states that
 * refuse a run before its first change: an open slot (another run is going
 * on, or one was interrupted) and an unreachable master.
 */
import { EngineError } from '../model/errors';
import type { Topology } from '../model/types';
import type { StrategyKind } from './strategy';

export type RunKind = 'move' | 'fix' | 'del-node';

/** One command, as ACL DRYRUN takes it (keys are placeholders: only their names matter to ACL key patterns). */
export type CommandSpec = readonly string[];

/** Commands of the lease (io/lease.ts), on every node. */
export const LEASE_COMMANDS: readonly CommandSpec[] = [['CLIENT', 'SETNAME', 'rcm-lease'], ['CLIENT', 'LIST'], ['CLIENT', 'KILL', 'ID', '1'], ['PING']];

const PROBE_KEY = 'rcm:preflight';

/** Every command a run of `kind` sends to a master. Pure. */
export function runCommands(kind: RunKind, strategy: StrategyKind = 'legacy', replace = false): CommandSpec[] {
  const read: CommandSpec[] = [['CLUSTER', 'NODES'], ['CLUSTER', 'INFO'], ['INFO'], ['DBSIZE'], ['ROLE'], ['CLUSTER', 'COUNTKEYSINSLOT', '0']];
  if (kind === 'del-node') return [...read, ['CLUSTER', 'FORGET', 'x'], ['CLUSTER', 'REPLICATE', 'x'], ['CLUSTER', 'RESET', 'SOFT']];
  const move: CommandSpec[] = [
    ['CLUSTER', 'SETSLOT', '0', 'STABLE'],
    ['CLUSTER', 'GETKEYSINSLOT', '0', '1'],
    ['CLUSTER', 'BUMPEPOCH'],
    ['ASKING'],
    ['DUMP', PROBE_KEY],
    ['MIGRATE', '127.0.0.1', '1', '', '0', '1000', ...(replace ? ['REPLACE'] : []), 'KEYS', PROBE_KEY],
  ];
  if (strategy === 'redis-atomic') move.push(['CLUSTER', 'MIGRATION', 'STATUS', 'ALL']);
  if (strategy === 'valkey-atomic') move.push(['CLUSTER', 'GETSLOTMIGRATIONS']);
  if (kind === 'fix') move.push(['CLUSTER', 'ADDSLOTS', '0'], ['CLUSTER', 'DELSLOTS', '0']);
  return [...read, ...move];
}

/**
 * The same commands in a form that changes nothing when the user may run it
 * (a bad slot, a missing key): the reply is NOPERM when it may not. For
 * servers where ACL DRYRUN is missing or not allowed to the user.
 */
export function probeCommands(kind: RunKind): CommandSpec[] {
  const probes: CommandSpec[] = [
    ['CLUSTER', 'COUNTKEYSINSLOT', '0'],
    ['CLUSTER', 'GETKEYSINSLOT', '0', '0'],
  ];
  if (kind === 'del-node') return probes;
  probes.push(['CLUSTER', 'SETSLOT', '99999', 'STABLE'], ['MIGRATE', '127.0.0.1', '1', PROBE_KEY, '0', '1000']);
  if (kind === 'fix') probes.push(['CLUSTER', 'ADDSLOTS', '99999'], ['CLUSTER', 'DELSLOTS', '99999']);
  return probes;
}

/** What one check said: null = allowed, else the server's reason. */
export interface CommandVerdict {
  readonly node: string;
  readonly command: CommandSpec;
  readonly denied: string | null;
}

/** A DRYRUN reply → denied text or null. Pure. */
export function dryRunVerdict(reply: { ok: true; value: unknown } | { ok: false; error: string }): string | null | 'unchecked' {
  if (!reply.ok) return 'unchecked';
  const text = Buffer.isBuffer(reply.value) ? reply.value.toString() : String(reply.value);
  return text === 'OK' ? null : text;
}

/** A probe's reply → denied text or null (any other error means ACL let it through). Pure. */
export function probeVerdict(reply: { ok: true; value: unknown } | { ok: false; error: string }): string | null {
  return !reply.ok && /^NOPERM/i.test(reply.error) ? reply.error : null;
}

function commandName(c: CommandSpec): string {
  return c[0] === 'CLUSTER' || c[0] === 'CLIENT' ? `${c[0]} ${c[1]}` : c[0]!;
}

/** Throws `no-permission` for the first denied command (one line). Pure. */
export function assertAllowed(verdicts: readonly CommandVerdict[], user: string | undefined): void {
  const bad = verdicts.find((v) => v.denied !== null);
  if (!bad) return;
  const who = user ? `The user "${user}"` : "The connection's user";
  throw new EngineError({
    code: 'no-permission',
    node: bad.node,
    cause: bad.denied!,
    message: `${who} may not run ${commandName(bad.command)} on ${bad.node} (${bad.denied!.replace(/\s+/g, ' ').trim()}); nothing was changed. Grant it or run as a user who may.`,
  });
}

export interface ClusterStateRules {
  /** resume and fix may start with slots open (they finish them). */
  readonly allowOpenSlots: boolean;
  /** Every master must be reachable (moves); fix and del-node have their own rules. */
  readonly requireReachableMasters: boolean;
  /** For the message: how to finish an interrupted run. */
  readonly entry: string;
}

/** Open slots and unreachable masters that refuse a run. Pure. */
export function assertClusterReady(topology: Topology, rules: ClusterStateRules): void {
  if (rules.requireReachableMasters) {
    const down = topology.skipped.find((s) => s.role === 'master' && (s.slots.length > 0 || !s.flags.includes('fail')));
    if (down) {
      const why =
        down.reason.kind === 'flagged'
          ? `flagged ${down.reason.flags.join(',')}`
          : down.reason.kind === 'unreachable'
            ? down.reason.error.message
            : down.reason.kind;
      throw new EngineError({
        code: 'cluster-not-ok',
        node: `${down.host}:${down.port}`,
        message: `Master ${down.host}:${down.port} is not reachable (${why}); every master must be before slots move. Nothing was changed.`,
      });
    }
  }
  if (rules.allowOpenSlots) return;
  for (const n of topology.nodes) {
    const open = n.migrating[0]
      ? { slot: n.migrating[0].slot, state: 'migrating to', peer: n.migrating[0].peerId }
      : n.importing[0]
        ? { slot: n.importing[0].slot, state: 'importing from', peer: n.importing[0].peerId }
        : undefined;
    if (!open) continue;
    const count = n.migrating.length + n.importing.length;
    throw new EngineError({
      code: 'lease-held',
      node: `${n.host}:${n.port}`,
      message: `Slot ${open.slot} is open on ${n.host}:${n.port} (${open.state} ${open.peer.slice(0, 8)}…${count > 1 ? `, ${count} open slot states on this node` : ''}): another run is going on or was interrupted. Finish it with "rcm resume JOURNAL" or "rcm fix ${rules.entry}", then try again. Nothing was changed.`,
    });
  }
}
