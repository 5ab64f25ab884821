/**
 * What every run that changes slot ownership does before its first change
 * (applyPlan, fix, del-node): load the cluster, check that every master is
 * reachable and that the user may send every command of the run, take the
 * cluster-wide migration lease, refuse open slots (unless it is a resume or
 * a fix), then load the cluster again: the topology the run works from is
 * read while nobody else may change it.
 */
import { assertClusterReady, type RunKind } from '../exec/preflight';
import type { StrategyKind } from '../exec/strategy';
import { acquireLease, type MigrationLease } from '../io/lease';
import { openCluster, type ClusterSession, type LoadOptions } from '../io/loader';
import { preflightPermissions } from '../io/preflight';
import { waitServerJobs } from '../io/serverJobs';
import { clockSleep, systemClock, type Clock } from '../exec/port';
import { checkCluster } from '../check/check';

export interface RunGuardRequest {
  /** For the lease holder's description: reshard, rebalance, fix, del-node, resume… */
  readonly op: string;
  readonly kind: RunKind;
  readonly journal?: string;
  /** A resume: open slots allowed, and the lease of the same journal may be taken over. */
  readonly resume?: boolean;
  readonly allowOpenSlots: boolean;
  readonly requireReachableMasters: boolean;
  /** 'auto' or undefined: the strategy every master supports. */
  readonly strategy?: 'auto' | StrategyKind;
  readonly replace?: boolean;
  /** The run's profile (ExecuteOptions.onPhase). */
  readonly onPhase?: (phase: string) => void;
  /**
   * Waits (up to this many ms) under the lease for the server-side slot migrations still running on the masters
   * (left by a killed run) before the cluster is read again: fix judges the cluster they leave, not one in flux.
   */
  readonly waitServerJobsMs?: number;
  readonly clock?: Clock;
}

export interface GuardedRun {
  readonly session: ClusterSession;
  readonly lease: MigrationLease;
  /** What the executor is asked for: 'auto' chooses per pair by capability. */
  readonly strategy: 'auto' | StrategyKind;
}

/** How long the nodes are given to agree after a server job ended (and how often they are read meanwhile). */
const AGREE_AFTER_JOB_MS = 5000;
const AGREE_POLL_MS = 100;

export async function openGuarded(host: string, port: number, opts: LoadOptions, req: RunGuardRequest): Promise<GuardedRun> {
  const first = await openCluster(host, port, { ...opts, searchMultipleOwners: false });
  let lease: MigrationLease | undefined;
  const strategy = req.strategy ?? 'auto';
  const clock = req.clock ?? systemClock;
  let jobsEnded = false;
  try {
    req.onPhase?.('guard: cluster loaded');
    const entry = `${host}:${port}`;
    assertClusterReady(first.topology, { allowOpenSlots: true, requireReachableMasters: req.requireReachableMasters, entry });
    // With 'auto' the pairs choose by capability inside the executor; the permission check covers the classic
    // protocol's commands, which every pair can fall back to.
    await preflightPermissions(first, {
      kind: req.kind,
      strategy: strategy === 'auto' ? 'legacy' : strategy,
      replace: req.replace,
      user: opts.password ? opts.user : undefined,
    });
    req.onPhase?.('guard: permissions checked (ACL DRYRUN)');
    lease = await acquireLease(first.topology, opts, { op: req.op, journal: req.journal, resume: req.resume });
    req.onPhase?.('guard: lease taken');
    if (req.waitServerJobsMs !== undefined) jobsEnded = (await waitServerJobs(first.topology, first.clients, clock, req.waitServerJobsMs)).seen;
  } catch (e) {
    first.close();
    throw e;
  }
  try {
    // The same connections again (a node the first load did not reach is connected anew): the topology is
    // read again, not the sockets opened again. The run's session closes them with its own.
    let loaded = await openCluster(host, port, { ...opts, reuse: first.clients.values() });
    // A job that just ended: the last nodes hear of its new configuration by gossip, within moments.
    const deadline = clock.now() + AGREE_AFTER_JOB_MS;
    while (jobsEnded && !checkCluster(loaded.topology).configConsistent && clock.now() < deadline) {
      loaded.close();
      await clockSleep(clock, AGREE_POLL_MS);
      loaded = await openCluster(host, port, { ...opts, reuse: first.clients.values() });
    }
    const session: ClusterSession = {
      ...loaded,
      close: () => {
        loaded.close();
        first.close();
      },
    };
    req.onPhase?.('guard: cluster loaded again under the lease');
    try {
      assertClusterReady(session.topology, {
        allowOpenSlots: req.allowOpenSlots,
        requireReachableMasters: req.requireReachableMasters,
        entry: `${host}:${port}`,
      });
    } catch (e) {
      loaded.close();
      throw e;
    }
    return { session, lease, strategy };
  } catch (e) {
    first.close();
    lease.release();
    throw e;
  }
}
