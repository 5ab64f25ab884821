/**
 * The status-bar item shown while a migration runs (and the context key for
 * `when` clauses). It follows every run of the migration service, the
 * panel's included, from the same events the panel shows, through the same
 * throttle (runModel.followProgress), so it never lags the panel.
 */
import * as vscode from 'vscode';
import type { MigrationService, ProgressSnapshot } from '../../engine';
import { CONTEXT_KEYS } from '../constants';
import { followProgress } from '../webview/runModel';

export interface MigrationStatusHandle {
  update(p: ProgressSnapshot): void;
  end(): void;
}

export function progressText(p: ProgressSnapshot): string {
  const pct = p.totalSlots > 0 ? Math.floor((p.slotsDone / p.totalSlots) * 100) : 100;
  const eta = p.etaSec !== null && p.etaSec !== undefined ? vscode.l10n.t(', about {0}s left', Math.ceil(p.etaSec)) : '';
  return vscode.l10n.t('{0}/{1} slots ({2}%), {3} keys{4}', p.slotsDone, p.totalSlots, pct, p.keysMoved, eta);
}

export class MigrationStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly running = new Map<number, { label: string; text: string }>();
  private seq = 0;

  constructor() {
    this.item = vscode.window.createStatusBarItem('redisClusterManager.migration', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('Redis Cluster migration');
    this.item.command = 'redisClusterManager.showLog';
  }

  begin(label: string): MigrationStatusHandle {
    const id = ++this.seq;
    this.running.set(id, { label, text: '' });
    this.render();
    return {
      update: (p) => {
        const cur = this.running.get(id);
        if (cur) {
          cur.text = progressText(p);
          this.render();
        }
      },
      end: () => {
        this.running.delete(id);
        this.render();
      },
    };
  }

  /** Shows every run the service starts, until it ends. */
  follow(service: MigrationService): vscode.Disposable {
    return new vscode.Disposable(
      service.onDidStart((run) => {
        const handle = this.begin(run.label);
        followProgress(
          run,
          (p) => handle.update(p),
          () => handle.end(),
        );
      }),
    );
  }

  get active(): boolean {
    return this.running.size > 0;
  }

  private render(): void {
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.migrationRunning, this.running.size > 0);
    if (this.running.size === 0) {
      this.item.hide();
      return;
    }
    const runs = [...this.running.values()];
    const first = runs[0]!;
    this.item.text = `$(sync~spin) ${first.label}${first.text ? `: ${first.text}` : ''}${runs.length > 1 ? ` (+${runs.length - 1})` : ''}`;
    this.item.tooltip = runs.map((r) => `${r.label} ${r.text}`).join('\n');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
