/**
 * The cluster registry: profiles from extension storage (added in the UI) and
 * from the `redisClusterManager.clusters` setting; passwords only in
 * SecretStorage. Builds the engine's ConnectionOptions, secrets included, for
 * engine calls only.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { ConnectionOptions, TlsOptions } from '../../engine';
import { passwordKey, PROFILES_STATE_KEY } from '../constants';
import { profilesFromSetting, profileToSetting, type ClusterProfile } from '../model/profile';
import type { Config } from './config';
import type { Log } from './log';

export type ProfileInput = Omit<ClusterProfile, 'id' | 'source'>;

type StoredProfile = Omit<ClusterProfile, 'source'>;

function expandHome(p: string): string {
  return p.startsWith('~/') ? `${homedir()}${p.slice(1)}` : p;
}

export class ProfileRegistry implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private settingProblems: string[] = [];

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    private readonly config: Config,
    private readonly log: Log,
  ) {
    this.disposables.push(
      config.onDidChange((e) => {
        if (e.affectsConfiguration('redisClusterManager.clusters')) this.emitter.fire();
      }),
    );
    this.disposables.push(secrets.onDidChange(() => this.emitter.fire()));
  }

  private stored(): StoredProfile[] {
    return this.state.get<StoredProfile[]>(PROFILES_STATE_KEY, []);
  }

  private fromSettings(): ClusterProfile[] {
    const { profiles, problems } = profilesFromSetting(this.config.clustersSetting(), vscode.l10n);
    if (problems.join('\n') !== this.settingProblems.join('\n')) {
      for (const p of problems) this.log.warn('settings', p);
      this.settingProblems = problems;
    }
    return profiles;
  }

  /** Problems found in the clusters setting (shown once in the log). */
  problems(): readonly string[] {
    return this.settingProblems;
  }

  list(): ClusterProfile[] {
    const own = this.stored().map((p): ClusterProfile => ({ ...p, source: 'storage' }));
    const ids = new Set(own.map((p) => p.id));
    return [...own, ...this.fromSettings().filter((p) => !ids.has(p.id))];
  }

  get(id: string): ClusterProfile | undefined {
    return this.list().find((p) => p.id === id);
  }

  async add(input: ProfileInput, password?: string): Promise<ClusterProfile> {
    const profile: StoredProfile = { ...input, id: randomUUID() };
    if (password) await this.secrets.store(passwordKey(profile.id), password);
    await this.state.update(PROFILES_STATE_KEY, [...this.stored(), profile]);
    this.log.info('registry', `added cluster "${profile.name}" (${profile.seeds.join(', ')})`);
    this.emitter.fire();
    return { ...profile, source: 'storage' };
  }

  /** password: a string sets it, null deletes it, undefined keeps it. */
  async update(profile: ClusterProfile, password: string | null | undefined): Promise<void> {
    if (password === null) await this.secrets.delete(passwordKey(profile.id));
    else if (password !== undefined && password !== '') await this.secrets.store(passwordKey(profile.id), password);
    if (profile.source === 'storage') {
      const { source: _source, ...stored } = profile;
      await this.state.update(
        PROFILES_STATE_KEY,
        this.stored().map((p) => (p.id === profile.id ? stored : p)),
      );
    } else {
      await this.rewriteSetting((list) => list.map((p) => (p.id === profile.id ? profile : p)), profile.id);
    }
    this.log.info('registry', `updated cluster "${profile.name}"`);
    this.emitter.fire();
  }

  async remove(id: string): Promise<void> {
    const profile = this.get(id);
    if (!profile) return;
    await this.secrets.delete(passwordKey(id));
    if (profile.source === 'storage')
      await this.state.update(
        PROFILES_STATE_KEY,
        this.stored().filter((p) => p.id !== id),
      );
    else await this.rewriteSetting((list) => list.filter((p) => p.id !== id), id);
    this.log.info('registry', `removed cluster "${profile.name}"`);
    this.emitter.fire();
  }

  /** Writes the settings list back to the scope (workspace or user) that defines the profile. */
  private async rewriteSetting(change: (list: ClusterProfile[]) => ClusterProfile[], id: string): Promise<void> {
    const inspected = this.config.inspectClusters();
    const scopes: [unknown, vscode.ConfigurationTarget][] = [
      [inspected?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
      [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace],
      [inspected?.globalValue, vscode.ConfigurationTarget.Global],
    ];
    for (const [value, target] of scopes) {
      const { profiles } = profilesFromSetting(value, vscode.l10n);
      if (!profiles.some((p) => p.id === id)) continue;
      await this.config.writeClusters(change(profiles).map(profileToSetting), target);
      return;
    }
  }

  async password(id: string): Promise<string | undefined> {
    const p = await this.secrets.get(passwordKey(id));
    this.log.redactor.add(p);
    return p;
  }

  async hasPassword(id: string): Promise<boolean> {
    return (await this.password(id)) !== undefined;
  }

  /** Connection options for the engine (password included: never log or post these). */
  async connectionOptions(id: string): Promise<ConnectionOptions> {
    const profile = this.get(id);
    if (!profile) throw new Error(vscode.l10n.t('The cluster is no longer in the list.'));
    return this.optionsFor(profile, await this.password(id));
  }

  /** Connection options for a profile that may not be saved yet (Add Cluster tests the connection first). */
  async optionsFor(profile: ProfileInput, password: string | undefined): Promise<ConnectionOptions> {
    let tls: TlsOptions | undefined;
    if (profile.tls?.enabled) {
      const read = async (p?: string): Promise<string | undefined> => (p ? readFile(expandHome(p), 'utf8') : undefined);
      try {
        const [ca, cert, key] = await Promise.all([read(profile.tls.caFile), read(profile.tls.certFile), read(profile.tls.keyFile)]);
        tls = {
          ...(ca ? { ca } : {}),
          ...(cert ? { cert } : {}),
          ...(key ? { key } : {}),
          ...(profile.tls.servername ? { servername: profile.tls.servername } : {}),
          ...(profile.tls.insecure ? { insecure: true } : {}),
        };
      } catch (e) {
        throw new Error(vscode.l10n.t('Could not read a TLS file of "{0}": {1}', profile.name, (e as Error).message));
      }
    }
    return {
      ...(profile.user ? { user: profile.user } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(tls ? { tls } : {}),
      ...(profile.addressMap ? { addressMap: profile.addressMap } : {}),
      connectTimeoutMs: this.config.connectTimeoutMs(),
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
