/**
 * The `info` and `check` operations: load and compute. The report carries the
 * data (topology, summary, findings) and its events; render/checkText.ts
 * prints them as redis-cli does.
 */
import { EventLog, loadEvent, type ClusterCheckEvent, type LoadEvent, type OpEntry, type OpHooks, type OpReport } from './opOutput';
import { checkCluster, type CheckResult } from '../check/check';
import { summarizeCluster, type ClusterSummary } from '../check/summary';
import type { Topology } from '../model/types';
import { findOrphans, type OrphanFinding } from '../check/orphans';
import { openCluster, type LoadOptions } from '../io/loader';

export interface SummaryEvent {
  readonly kind: 'summary';
  readonly summary: ClusterSummary;
}

/** What info reports (render/checkText.ts prints it). */
export type InfoEvent = LoadEvent | SummaryEvent;

/** What check reports: info's, the check, and rcm's orphan-key findings. */
export type CheckEvent = InfoEvent | ClusterCheckEvent | { readonly kind: 'orphans'; readonly orphans: readonly OrphanFinding[] };

export interface InfoOptions extends LoadOptions, OpHooks<InfoEvent>, OpEntry {}

export interface CheckOptions extends LoadOptions, OpHooks<CheckEvent>, OpEntry {}

export interface InfoReport extends OpReport<InfoEvent> {
  /** info never fails once the cluster is loaded. */
  readonly exitCode: 0;
  readonly topology: Topology;
  readonly summary: ClusterSummary;
}

export interface CheckReport extends OpReport<CheckEvent> {
  /** 1 when the check found problems, as redis-cli. */
  readonly exitCode: 0 | 1;
  readonly topology: Topology;
  readonly summary: ClusterSummary;
  readonly check: CheckResult;
  /** rcm extra: keys held in slots their node neither owns nor imports. */
  readonly orphans: readonly OrphanFinding[];
}

export async function runInfo(opts: InfoOptions): Promise<InfoReport> {
  const session = await openCluster(opts.host, opts.port, opts);
  session.close();
  const { topology } = session;
  const summary = summarizeCluster(topology);
  const log = new EventLog(opts.onEvent);
  log.emit(loadEvent(topology), { kind: 'summary', summary });
  return { topology, summary, events: log.events, exitCode: 0 };
}

/**
 * Deliberate difference from redis-cli: keys a master holds in slots it
 * neither owns nor imports (orphans, unreachable by any client) are always
 * counted (the loader's per-slot key count) and each such node gets an
 * `[ERR]` line after the check, with exit 1: redis-cli says [OK] about a
 * cluster whose clients have lost those keys. A healthy cluster's output is
 * byte-identical to redis-cli's.
 */
export async function runCheck(opts: CheckOptions): Promise<CheckReport> {
  const session = await openCluster(opts.host, opts.port, { ...opts, findOrphanKeys: true });
  session.close();
  const { topology } = session;
  const summary = summarizeCluster(topology);
  const check = checkCluster(topology, { searchMultipleOwners: opts.searchMultipleOwners });
  const orphans = findOrphans(topology);
  const log = new EventLog(opts.onEvent);
  log.emit(loadEvent(topology), { kind: 'summary', summary }, { kind: 'check', topology, result: check }, { kind: 'orphans', orphans });
  return { topology, summary, check, orphans, events: log.events, exitCode: check.ok && orphans.length === 0 ? 0 : 1 };
}
