/**
 * The `info` and `check` operations: load, compute, render. The result carries
 * the data (topology, summary, findings) and redis-cli's exact output.
 */
import type { TextOpReport } from './opOutput';
import { checkCluster, type CheckResult } from '../check/check';
import { summarizeCluster, type ClusterSummary } from '../check/summary';
import { EngineError } from '../model/errors';
import type { Topology } from '../model/types';
import { findOrphans, renderOrphans, type OrphanFinding } from '../check/orphans';
import { openCluster, type LoadOptions } from '../io/loader';
import { renderCheck, renderLoadMessages, renderNodeErrorChunks, renderSummary } from '../render/checkText';
import type { OutputChunk } from '../render/output';

export interface InfoReport extends TextOpReport {
  /** info never fails once the cluster is loaded. */
  readonly exitCode: 0;
  readonly topology: Topology;
  readonly summary: ClusterSummary;
}

export interface CheckReport extends TextOpReport {
  /** 1 when the check found problems, as redis-cli. */
  readonly exitCode: 0 | 1;
  readonly topology: Topology;
  readonly summary: ClusterSummary;
  readonly check: CheckResult;
  /** rcm extra: keys held in slots their node neither owns nor imports. */
  readonly orphans: readonly OrphanFinding[];
}

export async function runInfo(host: string, port: number, opts: LoadOptions = {}): Promise<InfoReport> {
  const session = await openCluster(host, port, opts);
  session.close();
  const { topology } = session;
  const summary = summarizeCluster(topology);
  return { topology, summary, output: [...renderLoadMessages(topology), ...renderSummary(summary)], exitCode: 0 };
}

/**
 * Deliberate difference from redis-cli: keys a master holds in slots it
 * neither owns nor imports (orphans, unreachable by any client) are always
 * counted (the loader's per-slot key count) and each such node gets an
 * `[ERR]` line after the check, with exit 1: redis-cli says [OK] about a
 * cluster whose clients have lost those keys. A healthy cluster's output is
 * byte-identical to redis-cli's.
 */
export async function runCheck(host: string, port: number, opts: LoadOptions = {}): Promise<CheckReport> {
  const session = await openCluster(host, port, { ...opts, findOrphanKeys: true });
  session.close();
  const { topology } = session;
  const summary = summarizeCluster(topology);
  const check = checkCluster(topology, { searchMultipleOwners: opts.searchMultipleOwners });
  const orphans = findOrphans(topology);
  return {
    topology,
    summary,
    check,
    orphans,
    output: [...renderLoadMessages(topology), ...renderSummary(summary), ...renderCheck(topology, check), ...renderOrphans(orphans)],
    exitCode: check.ok && orphans.length === 0 ? 0 : 1,
  };
}

/** redis-cli's output for an error that stopped an operation before it began. */
export function renderFatal(e: unknown, host: string, port: number): OutputChunk[] {
  if (e instanceof EngineError) return renderNodeErrorChunks({ code: e.code, cause: e.detail, message: e.message }, e.node ?? `${host}:${port}`);
  return [{ stream: 'stderr', level: 'plain', text: `${e instanceof Error ? e.message : String(e)}\n` }];
}
