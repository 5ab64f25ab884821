/**
 * The cached model behind the tree: one ClusterView per profile. Loads happen
 * here (never in getChildren): on connect, on demand, after operations, and on
 * a timer only while the view is visible.
 */
import * as vscode from 'vscode';
import { checkCluster, countKeysPerSlot, loadTopology, normalizeRanges, summarizeCluster, type Topology } from '../../engine';
import { asErrorLike } from '../model/errors';
import type { ClusterAccess } from '../services/clusterAccess';
import type { Config } from '../services/config';
import type { Log } from '../services/log';
import type { ProfileRegistry } from '../services/profiles';
import { demotedMasters, type Demoted } from '../model/demotion';
import { rangeKey, rangeKeysDue, type ClusterView, type Views } from './model';

const DISCONNECTED_KEY = 'redisClusterManager.disconnected';

export class ClusterStore implements vscode.Disposable {
  private readonly views = new Map<string, ClusterView>();
  private order: string[] = [];
  private readonly inFlight = new Map<string, Promise<ClusterView>>();
  /** Loads asked for while one was running: the running one may predate a change, so load once more. */
  private readonly again = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after any view changed. */
  readonly onDidChange = this.emitter.event;
  private readonly loadedEmitter = new vscode.EventEmitter<{ clusterId: string; first: boolean }>();
  /** Fires after a successful load (first = the first since connecting). */
  readonly onDidLoad = this.loadedEmitter.event;
  private readonly demotedEmitter = new vscode.EventEmitter<{ clusterId: string; demoted: readonly Demoted[] }>();
  /** Fires when a load finds masters that became replicas (a drained master does, see model/demotion.ts). */
  readonly onDidDemote = this.demotedEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.loadedEmitter, this.demotedEmitter];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly counting = new Set<string>();
  private visible = false;
  private everVisible = false;

  constructor(
    private readonly registry: ProfileRegistry,
    private readonly access: ClusterAccess,
    private readonly config: Config,
    private readonly memento: vscode.Memento,
    private readonly log: Log,
  ) {
    this.disposables.push(registry.onDidChange(() => this.syncProfiles()));
    this.disposables.push(
      config.onDidChange((e) => {
        if (e.affectsConfiguration('redisClusterManager.refreshIntervalSeconds')) this.schedule();
      }),
    );
    this.syncProfiles();
  }

  get all(): Views {
    return this.views;
  }

  get ids(): readonly string[] {
    return this.order;
  }

  get(id: string): ClusterView | undefined {
    return this.views.get(id);
  }

  private userDisconnected(): Set<string> {
    return new Set(this.memento.get<string[]>(DISCONNECTED_KEY, []));
  }

  private async setUserDisconnected(id: string, disconnected: boolean): Promise<void> {
    const set = this.userDisconnected();
    if (disconnected) set.add(id);
    else set.delete(id);
    await this.memento.update(DISCONNECTED_KEY, [...set]);
  }

  /** Follows the registry: new profiles appear (and load if the view was shown), removed ones go. */
  private syncProfiles(): void {
    const profiles = this.registry.list();
    const ids = profiles.map((p) => p.id);
    for (const id of [...this.views.keys()]) if (!ids.includes(id)) this.views.delete(id);
    const fresh: string[] = [];
    for (const p of profiles) {
      const old = this.views.get(p.id);
      if (old) this.views.set(p.id, { ...old, profile: p });
      else {
        this.views.set(p.id, { profile: p, status: 'disconnected' });
        fresh.push(p.id);
      }
    }
    this.order = ids;
    void vscode.commands.executeCommand('setContext', 'redisClusterManager.hasClusters', ids.length > 0);
    this.emitter.fire();
    if (this.everVisible) {
      const off = this.userDisconnected();
      for (const id of fresh) if (!off.has(id)) void this.load(id).catch(() => undefined);
    }
  }

  private set(id: string, view: ClusterView): void {
    this.views.set(id, view);
    this.emitter.fire();
  }

  /**
   * Loads (or reloads) one cluster; concurrent calls share the same load. A failure is logged when it starts
   * or changes, not again by each retry that fails the same way (adding a cluster loads it twice: #16 problem 10).
   */
  load(id: string): Promise<ClusterView> {
    const running = this.inFlight.get(id);
    if (running) {
      this.again.add(id);
      return running;
    }
    const before = this.views.get(id);
    if (!before) return Promise.reject(new Error(vscode.l10n.t('The cluster is no longer in the list.')));
    const first = before.status !== 'connected';
    const previousError = before.error?.message;
    if (first) this.set(id, { ...before, status: 'connecting', error: undefined });
    const p = (async (): Promise<ClusterView> => {
      try {
        const topology = await this.access.withEntry(id, (host, port, opts) => loadTopology(host, port, opts));
        const view = this.accept(id, topology);
        this.loadedEmitter.fire({ clusterId: id, first });
        return view;
      } catch (e) {
        const cur = this.views.get(id);
        const err = asErrorLike(e);
        if (previousError !== err.message) this.log.warn('tree', `loading ${cur?.profile.name ?? id} failed: ${err.message}`);
        if (cur) this.set(id, { profile: cur.profile, status: 'error', error: err });
        throw e;
      } finally {
        this.inFlight.delete(id);
        if (this.again.delete(id) && this.views.has(id)) void this.load(id).catch(() => undefined);
      }
    })();
    this.inFlight.set(id, p);
    return p;
  }

  /** Takes a topology an operation just loaded (saves a reload). */
  accept(id: string, topology: Topology): ClusterView {
    const cur = this.views.get(id);
    if (!cur) throw new Error(vscode.l10n.t('The cluster is no longer in the list.'));
    const view: ClusterView = {
      profile: cur.profile,
      status: 'connected',
      topology,
      check: checkCluster(topology),
      summary: summarizeCluster(topology),
      loadedAt: Date.now(),
      // The last counts stay visible until they are counted again.
      ...(cur.rangeKeys ? { rangeKeys: cur.rangeKeys, rangeKeysAt: cur.rangeKeysAt } : {}),
    };
    this.set(id, view);
    const demoted = demotedMasters(cur.topology, topology);
    if (demoted.length > 0) this.demotedEmitter.fire({ clusterId: id, demoted });
    return view;
  }

  /** Counts the keys of each slot range of a master with several ranges (COUNTKEYSINSLOT, pipelined), for the tree. */
  countRangeKeys(id: string, nodeId: string): void {
    const key = `${id}/${nodeId}`;
    const view = this.views.get(id);
    const node = view?.topology?.nodes.find((n) => n.id === nodeId);
    if (!node || this.counting.has(key) || !rangeKeysDue(view, nodeId)) return;
    this.counting.add(key);
    void (async () => {
      const ranges = normalizeRanges(node.slots);
      const counts = new Map<number, number>();
      const failures = await countKeysPerSlot([{ host: node.host, port: node.port, slots: ranges }], await this.access.options(id), (entries) => {
        for (const [slot, n] of entries) counts.set(slot, n);
      });
      if (failures.length > 0) throw new Error(failures.map((f) => `${f.addr}: ${f.message}`).join('; '));
      const cur = this.views.get(id);
      if (!cur || cur.topology?.nodes.find((n) => n.id === nodeId) === undefined) return;
      const merged = new Map(cur.rangeKeys ?? []);
      for (const r of ranges) {
        let sum = 0;
        for (let s = r.start; s <= r.end; s++) sum += Math.max(0, counts.get(s) ?? 0);
        merged.set(rangeKey(nodeId, r.start, r.end), sum);
      }
      this.set(id, { ...cur, rangeKeys: merged, rangeKeysAt: Date.now() });
    })()
      .catch((e: unknown) => this.log.debug('tree', `counting keys per range failed: ${asErrorLike(e).message}`))
      .finally(() => this.counting.delete(key));
  }

  async connect(id: string): Promise<ClusterView> {
    await this.setUserDisconnected(id, false);
    // A load already running (a new profile is loaded as soon as it is listed) is this connect's load: it read
    // the profile as it is now, so asking for another would only repeat it (and its failure).
    return this.inFlight.get(id) ?? this.load(id);
  }

  async disconnect(id: string): Promise<void> {
    await this.setUserDisconnected(id, true);
    const cur = this.views.get(id);
    if (cur) this.set(id, { profile: cur.profile, status: 'disconnected' });
  }

  /** The cluster loaded (connecting if needed): what commands start from. */
  async ensureLoaded(id: string): Promise<ClusterView> {
    const cur = this.views.get(id);
    if (cur?.status === 'connected' && cur.topology) return cur;
    return this.connect(id);
  }

  /** Reloads one cluster, or every connected one. Errors are shown in the tree. */
  async refresh(id?: string): Promise<void> {
    const off = this.userDisconnected();
    const ids = id ? [id] : this.order.filter((x) => !off.has(x));
    await Promise.all(ids.map((x) => this.load(x).catch(() => undefined)));
  }

  /** The view's visibility: polling runs only while it is visible; the first time, clusters load. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && !this.everVisible) {
      this.everVisible = true;
      const off = this.userDisconnected();
      for (const id of this.order) if (!off.has(id)) void this.load(id).catch(() => undefined);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const seconds = this.config.refreshIntervalSeconds();
    if (!this.visible || seconds === 0) return;
    this.timer = setInterval(() => {
      for (const id of this.order) {
        if (this.views.get(id)?.status === 'connected' && !this.inFlight.has(id)) void this.load(id).catch(() => undefined);
      }
    }, seconds * 1000);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
