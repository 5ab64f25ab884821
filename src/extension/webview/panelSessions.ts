/**
 * The panels open now, one per cluster, whether a command opened them or the
 * serializer restored them after a window reload; and what a new plan does to
 * the panel already open on its cluster. vscode-free.
 */
import type { PanelSnapshot } from '../../shared/protocol';

export interface SessionLike {
  readonly clusterId: string;
  readonly isRunning: boolean;
  readonly phase: PanelSnapshot['phase'];
  onDidDispose(listener: () => void): unknown;
}

/** What showing a new plan on a cluster does: open a panel, show the running one, ask before replacing a summary, reuse. */
export type ShowDecision = 'create' | 'busy' | 'confirm-replace' | 'reuse';

export function showDecision(existing: Pick<SessionLike, 'isRunning' | 'phase'> | undefined): ShowDecision {
  if (!existing) return 'create';
  if (existing.isRunning) return 'busy';
  return existing.phase === 'finished' ? 'confirm-replace' : 'reuse';
}

export class PanelSessions<S extends SessionLike> {
  private readonly byCluster = new Map<string, S>();

  get(clusterId: string): S | undefined {
    return this.byCluster.get(clusterId);
  }

  /** Tracks a panel until it is disposed; a restored panel takes the place of none or of an idle older one. */
  add(session: S): void {
    this.byCluster.set(session.clusterId, session);
    session.onDidDispose(() => {
      if (this.byCluster.get(session.clusterId) === session) this.byCluster.delete(session.clusterId);
    });
  }

  all(): S[] {
    return [...this.byCluster.values()];
  }

  clear(): void {
    this.byCluster.clear();
  }
}
