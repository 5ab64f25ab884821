/** Typed access to the `redisClusterManager.*` settings. */
import * as vscode from 'vscode';
import { CONFIG_SECTION, type SettingKey } from '../constants';

export type Confirmations = 'always' | 'destructiveOnly';

export interface MigrationConfig {
  /** Keys per batch; undefined = adaptive. */
  readonly pipeline?: number;
  readonly timeoutMs: number;
  readonly replace: boolean;
  /** Client-latency budget of paced migrations, ms. */
  readonly maxClientLatencyMs: number;
}

export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION);
  }

  private get<T>(key: SettingKey, fallback: T): T {
    return this.section.get<T>(key, fallback);
  }

  /** Seconds between automatic refreshes while the view is visible; 0 = never. */
  refreshIntervalSeconds(): number {
    const v = this.get<number>('refreshIntervalSeconds', 10);
    return Number.isFinite(v) && v > 0 ? Math.max(2, v) : 0;
  }

  connectTimeoutMs(): number {
    const v = this.get<number>('connectTimeoutMs', 10000);
    return Number.isFinite(v) && v >= 100 ? v : 10000;
  }

  migration(): MigrationConfig {
    const pipeline = this.get<number>('migration.pipeline', 0);
    const timeoutMs = this.get<number>('migration.timeoutMs', 60000);
    const latency = this.get<number>('migration.maxClientLatencyMs', 1);
    return {
      ...(Number.isInteger(pipeline) && pipeline > 0 ? { pipeline } : {}),
      timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 60000,
      replace: this.get<boolean>('migration.replace', false),
      maxClientLatencyMs: Number.isFinite(latency) && latency > 0 ? latency : 1,
    };
  }

  confirmations(): Confirmations {
    return this.get<string>('confirmations', 'always') === 'destructiveOnly' ? 'destructiveOnly' : 'always';
  }

  clustersSetting(): unknown {
    return this.section.get<unknown>('clusters');
  }

  inspectClusters(): { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown } | undefined {
    return this.section.inspect<unknown>('clusters');
  }

  async writeClusters(value: unknown[], target: vscode.ConfigurationTarget): Promise<void> {
    await this.section.update('clusters', value, target);
  }

  onDidChange(listener: (e: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(CONFIG_SECTION)) listener(e);
    });
  }
}
