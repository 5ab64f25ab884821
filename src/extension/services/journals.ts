/**
 * Interrupted migrations offered for resume when a cluster is opened: the
 * migration service finds them (in the extension's journal folder and rcm's);
 * this adds the user's "Don't Ask Again" list. vscode-free.
 */
import type { MigrationService, PendingJournal, Topology } from '../../engine';
import { DISMISSED_JOURNALS_KEY } from '../constants';

export type { PendingJournal } from '../../engine';

/** The slice of vscode.Memento used here (so this module runs without vscode, in unit tests too). */
export interface MementoLike {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

export class Journals {
  constructor(
    private readonly service: MigrationService,
    private readonly memento: MementoLike,
  ) {}

  dismissed(): Set<string> {
    return new Set(this.memento.get<string[]>(DISMISSED_JOURNALS_KEY, []));
  }

  async dismiss(file: string): Promise<void> {
    await this.memento.update(DISMISSED_JOURNALS_KEY, [...this.dismissed(), file].slice(-200));
  }

  /** Interrupted runs on this cluster, newest first (runs going on in any process are left out). */
  pending(topology: Topology, includeDismissed = false): PendingJournal[] {
    return this.service.pending(topology, includeDismissed ? new Set() : this.dismissed());
  }
}
