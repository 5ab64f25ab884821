/** Reads a cluster's per-slot load with a progress notification (the engine's collector over a fresh session). */
import * as vscode from 'vscode';
import { collectSlotLoad, openCluster, type SlotLoadReport, type Topology } from '../../engine';
import type { ClusterAccess } from './clusterAccess';
import { withProgress } from './progress';

export interface LoadReading {
  /** The topology the figures belong to (loaded with them). */
  readonly topology: Topology;
  readonly report: SlotLoadReport;
}

export function readSlotLoad(access: ClusterAccess, clusterId: string, memory: boolean): Promise<LoadReading> {
  return withProgress(vscode.l10n.t('Reading the load of every slot…'), (p) =>
    access.withEntry(clusterId, async (host, port, opts) => {
      const session = await openCluster(host, port, opts);
      try {
        const report = await collectSlotLoad(session.topology, session.clients, {
          memory,
          onProgress: (e) =>
            p.report(
              e.phase === 'counting'
                ? vscode.l10n.t('counting keys: {0} of {1} masters', e.done, e.total)
                : vscode.l10n.t('sampling memory: {0} of {1} slots', e.done, e.total),
            ),
        });
        return { topology: session.topology, report };
      } finally {
        session.close();
      }
    }),
  );
}
