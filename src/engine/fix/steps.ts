/**
 * The I/O building blocks of `fix` (spec §2.8, §2.9): set-slot-owner
 * transaction, tolerant DELSLOTS, SETSLOT, key counts and the slot move in
 * its fix flavours (COLD: slot states untouched). Errors are reported as
 * events (printed in redis-cli's words) and as `false`, as redis-cli's fix paths do.
 * Key moves reuse the migration engine's key mover (batched, pipelined
 * MIGRATE, BUSYKEY handling).
 */
import { createBatchSizer, type BatchSizer } from '../exec/batchSize';
import type { MigrationEvent } from '../exec/events';
import { moveWindowKeys } from '../exec/keyMover';
import { slotsServedBy } from '../exec/atomicJob';
import { mergeInto, type KeyConflict } from './merge';
import { clockSleep, systemClock, type Clock, type SlotPort } from '../exec/port';
import type { NodeClient } from '../exec/nodeClient';
import type { ClusterSession } from '../io/loader';
import { EngineError, toEngineError } from '../model/errors';
import type { ClusterNode } from '../model/types';
import { parseInfo } from '../parse/info';
import { parseClusterNodes, parseMyselfLine } from '../parse/clusterNodes';
import { staleSlotsOf } from './staleViews';
import type { EventSink } from '../ops/opOutput';
import type { FixEvent } from './events';
import { dialectOfTopology, dictRehashOf, type CliDialect, type DictRehash } from '../model/dialect';

/** What fix did, step by step (the JSON report and the extension show it). */
export type FixAction =
  | { readonly slot: number; readonly action: 'set-owner'; readonly node: string; readonly stable?: boolean }
  | { readonly slot: number; readonly action: 'delslots'; readonly node: string }
  | {
      readonly slot: number;
      readonly action: 'setslot';
      readonly node: string;
      readonly state: 'NODE' | 'IMPORTING' | 'MIGRATING' | 'STABLE';
      readonly peer?: string;
    }
  | {
      readonly slot: number;
      readonly action: 'move-keys';
      readonly from: string;
      readonly to: string;
      readonly keys: number;
      readonly cold: boolean;
      readonly ok: boolean;
    };

export interface FixStepOptions {
  /** MIGRATE timeout (--cluster-timeout, default 60000). */
  readonly timeoutMs?: number;
  /** --cluster-replace: overwrite colliding keys on the target. */
  readonly replace?: boolean;
  /** --cluster-pipeline: fixed MIGRATE batch; default adaptive. */
  readonly pipeline?: number;
  readonly budgetMs?: number;
  /**
   * How long a move waits for the source to leave cluster state `fail` when
   * MIGRATE answers `CLUSTERDOWN The cluster is down` (default 10000 ms).
   * redis-cli fails at once (spec §5.13); a second run then repairs the slot.
   */
  readonly clusterDownWaitMs?: number;
  /** Time source of those waits (default the system's; tests pass a fake one). */
  readonly clock?: Clock;
}

const NOT_MASTER = 'ERR Please use SETSLOT only with masters.';

/** How long a bump waits for stale views of its node to clear (waitNoStaleViews), and how often it looks. */
const STALE_VIEW_WAIT_MS = 10_000;
const STALE_VIEW_POLL_MS = 100;

/** The connections, the events and the record of one fix run. */
export class FixIo {
  readonly actions: FixAction[] = [];
  /** Keys left on two nodes with different values (the owner's copy kept), over the whole run. */
  readonly conflicts: KeyConflict[] = [];
  private readonly sizer: BatchSizer;
  private readonly nodes: Map<string, ClusterNode>;
  readonly clock: Clock;

  constructor(
    readonly session: ClusterSession,
    readonly port: SlotPort,
    private readonly sink: EventSink<FixEvent>,
    readonly opts: FixStepOptions,
  ) {
    this.sizer = createBatchSizer({ fixed: opts.pipeline, budgetMs: opts.budgetMs });
    this.clock = opts.clock ?? systemClock;
    this.nodes = new Map(session.topology.nodes.map((n) => [n.id, n]));
    this.dialect = dialectOfTopology(session.topology);
    this.dictRehash = dictRehashOf(session.topology);
  }

  /** Whose CLI's words the fix prints (valkey-cli's on Valkey). */
  readonly dialect: CliDialect;

  /** How the matching CLI's dict orders the slots it lists (redis-cli 8 and valkey-cli 9: 'bucket'). */
  readonly dictRehash: DictRehash;

  /** Masters in node-list order (redis-cli skips nodes flagged replica). */
  masters(): ClusterNode[] {
    return this.session.topology.nodes.filter((n) => n.role === 'master');
  }

  addr(id: string): string {
    const n = this.nodes.get(id);
    return n ? `${n.host}:${n.port}` : id;
  }

  emit(...events: FixEvent[]): void {
    this.sink.emit(...events);
  }

  /** "Node ADDR replied with error:" and the reply. */
  emitReplyError(id: string, error: string): void {
    this.emit({ kind: 'reply-error', addr: this.addr(id), error });
  }

  client(id: string): NodeClient {
    const c = this.session.clients.get(id);
    if (!c) throw new EngineError({ code: 'no-such-node', message: `Node ${id} is not connected (it is not in the loaded cluster)` });
    return c;
  }

  /** One command; a reply error is returned (not thrown). Connection errors throw. */
  async tryCall(id: string, ...args: (string | number)[]): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
    try {
      return { ok: true, value: await this.client(id).call(String(args[0]), ...args.slice(1)) };
    } catch (e) {
      const ee = toEngineError(e);
      if (ee.code !== 'reply-error') throw ee;
      return { ok: false, error: ee.detail ?? ee.message };
    }
  }

  /** CLUSTER SETSLOT; an error is printed and gives false. */
  async setSlot(id: string, slot: number, state: 'NODE' | 'IMPORTING' | 'MIGRATING', peer: string): Promise<boolean>;
  async setSlot(id: string, slot: number, state: 'STABLE'): Promise<boolean>;
  async setSlot(id: string, slot: number, state: 'NODE' | 'IMPORTING' | 'MIGRATING' | 'STABLE', peer?: string): Promise<boolean> {
    const r = await this.tryCall(id, 'CLUSTER', 'SETSLOT', slot, state, ...(peer !== undefined ? [peer] : []));
    this.actions.push({ slot, action: 'setslot', node: this.addr(id), state, ...(peer !== undefined ? { peer: this.addr(peer) } : {}) });
    if (!r.ok) this.emitReplyError(id, r.error);
    return r.ok;
  }

  /**
   * Set slot owner (spec §2.9): MULTI, DELSLOTS, ADDSLOTS, [SETSLOT STABLE],
   * [BUMPEPOCH], EXEC on the node. Only an ADDSLOTS error counts. `bump` false: the node keeps its
   * config epoch (see fixOpenSlot: a node that already is the slot's only claimer).
   */
  async setSlotOwner(id: string, slot: number, stable: boolean, bump = true): Promise<boolean> {
    if (bump) await this.waitNoStaleViews(id, slot);
    const cmds: [string, ...(string | number)[]][] = [['MULTI'], ['CLUSTER', 'DELSLOTS', slot], ['CLUSTER', 'ADDSLOTS', slot]];
    if (stable) cmds.push(['CLUSTER', 'SETSLOT', slot, 'STABLE']);
    if (bump) cmds.push(['CLUSTER', 'BUMPEPOCH']);
    cmds.push(['EXEC']);
    const res = await this.client(id).pipeline(cmds);
    this.actions.push({ slot, action: 'set-owner', node: this.addr(id), ...(stable ? { stable } : {}) });
    const exec = res[res.length - 1]!;
    let error: string | null = null;
    if (!exec.ok) error = exec.error;
    else if (Array.isArray(exec.value)) {
      const add = exec.value[1] as unknown;
      if (add instanceof Error) error = add.message;
    } else error = `unexpected EXEC reply ${String(exec.value)}`;
    if (error !== null) {
      this.emitReplyError(id, error);
      return false;
    }
    return true;
  }

  /**
   * Before `id`'s epoch rises: waits (STALE_VIEW_WAIT_MS at most, then goes on as redis-cli would) until no
   * connected node's view gives `id` a slot that `id` does not claim itself, `slot` (the one being fixed) aside
   * (fix/staleViews.ts). A node that fails or does not answer by then is left out.
   */
  async waitNoStaleViews(id: string, slot: number): Promise<void> {
    const deadline = this.clock.now() + STALE_VIEW_WAIT_MS;
    for (;;) {
      const own = parseMyselfLine(String(await this.client(id).call('CLUSTER', 'NODES')));
      if (!own) return;
      const others = [...this.session.clients].filter(([other]) => other !== id);
      // A node silent until the deadline is left out (its own command deadline is longer).
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<[]>((resolve) => (timer = setTimeout(() => resolve([]), Math.max(0, deadline - this.clock.now()))));
      const views = await Promise.all(
        others.map(([, c]) =>
          Promise.race([
            c.call('CLUSTER', 'NODES').then(
              (r) => parseClusterNodes(String(r)),
              () => [],
            ),
            late,
          ]),
        ),
      ).finally(() => clearTimeout(timer));
      if (staleSlotsOf(id, own, views, slot).length === 0 || this.clock.now() >= deadline) return;
      await clockSleep(this.clock, STALE_VIEW_POLL_MS);
    }
  }

  /** Tolerant DELSLOTS: an error is ignored when the node then shows the slot unassigned. */
  async delSlotTolerant(id: string, slot: number): Promise<boolean> {
    const r = await this.tryCall(id, 'CLUSTER', 'DELSLOTS', slot);
    this.actions.push({ slot, action: 'delslots', node: this.addr(id) });
    if (r.ok) return true;
    const served = await this.slotServed(id, slot);
    if (served === false) return true;
    this.emitReplyError(id, r.error);
    return false;
  }

  /** CLUSTER SLOTS on the node: whether it knows an owner of the slot; null if CLUSTER SLOTS failed (printed). */
  async slotServed(id: string, slot: number): Promise<boolean | null> {
    const r = await this.tryCall(id, 'CLUSTER', 'SLOTS');
    if (!r.ok) {
      this.emitReplyError(id, r.error);
      return null;
    }
    const ranges = Array.isArray(r.value) ? (r.value as unknown[][]) : [];
    return ranges.some((range) => Number(range[0]) <= slot && slot <= Number(range[1]));
  }

  /**
   * Waits (clusterDownWaitMs) until node `id` itself says `ownerId` serves `slot` (CLUSTER SLOTS): a slot just
   * covered reaches the other nodes by gossip. True once it does, false at the deadline or on an error (printed).
   */
  async waitServedBy(id: string, slot: number, ownerId: string): Promise<boolean> {
    const deadline = this.clock.now() + (this.opts.clusterDownWaitMs ?? 10_000);
    for (;;) {
      const r = await this.tryCall(id, 'CLUSTER', 'SLOTS');
      if (!r.ok) {
        this.emitReplyError(id, r.error);
        return false;
      }
      if (slotsServedBy(r.value, ownerId).has(slot)) return true;
      if (this.clock.now() >= deadline) return false;
      await clockSleep(this.clock, 100);
    }
  }

  /** COUNTKEYSINSLOT of one slot on each node (in parallel); -1 where it failed (printed). */
  async countKeys(ids: readonly string[], slot: number): Promise<number[]> {
    return Promise.all(
      ids.map(async (id) => {
        const r = await this.tryCall(id, 'CLUSTER', 'COUNTKEYSINSLOT', slot);
        if (!r.ok) {
          this.emitReplyError(id, r.error);
          return -1;
        }
        return Number(r.value);
      }),
    );
  }

  /**
   * moveSlot (spec §2.8) with VERBOSE (a dot per key). COLD leaves slot states
   * alone (the source must already be IMPORTING the slot the target owns) and
   * merges into the owner (fix/merge.ts: the owner's copies, the ones clients
   * are served, are never overwritten, --cluster-replace or not); otherwise
   * IMPORTING/MIGRATING first, the migration key mover (the migrating
   * source's copies are the served ones, so --cluster-replace lets them win),
   * and SETSLOT NODE on the target, the source and every other master.
   */
  async moveSlot(sourceId: string, targetId: string, slot: number, cold: boolean): Promise<boolean> {
    this.emit({ kind: 'fix-moving-slot', slot, from: this.addr(sourceId), to: this.addr(targetId), dialect: this.dialect });
    if (cold) return this.mergeSlot(sourceId, targetId, slot);
    if (!(await this.setSlot(targetId, slot, 'IMPORTING', sourceId))) return false;
    if (!(await this.setSlot(sourceId, slot, 'MIGRATING', targetId))) return false;
    const keys = await this.moveKeys(sourceId, targetId, slot);
    this.emit({ kind: 'fix-move-end' });
    this.actions.push({ slot, action: 'move-keys', from: this.addr(sourceId), to: this.addr(targetId), keys: Math.max(0, keys), cold: false, ok: keys >= 0 });
    if (keys < 0) return false;
    if (!(await this.setSlot(targetId, slot, 'NODE', targetId))) return false;
    const src = await this.tryCall(sourceId, 'CLUSTER', 'SETSLOT', slot, 'NODE', targetId);
    this.actions.push({ slot, action: 'setslot', node: this.addr(sourceId), state: 'NODE', peer: this.addr(targetId) });
    // Fix paths print a source error and go on; "only with masters" means the source became a replica (issue #9223).
    if (!src.ok && !src.error.startsWith(NOT_MASTER)) this.emitReplyError(sourceId, src.error);
    const others = this.masters().filter((m) => m.id !== sourceId && m.id !== targetId);
    const results = await Promise.all(others.map((m) => this.tryCall(m.id, 'CLUSTER', 'SETSLOT', slot, 'NODE', targetId)));
    let ok = true;
    results.forEach((r, i) => {
      this.actions.push({ slot, action: 'setslot', node: this.addr(others[i]!.id), state: 'NODE', peer: this.addr(targetId) });
      if (!r.ok && ok) {
        this.emitReplyError(others[i]!.id, r.error);
        ok = false;
      }
    });
    return ok;
  }

  /** The cold move: merge into the owner; keys with different copies stay on the source (listed) and the run ends with exit 1. */
  async mergeSlot(sourceId: string, targetId: string, slot: number): Promise<boolean> {
    const r = await mergeInto(this, sourceId, targetId, slot, (n) => this.emit({ kind: 'fix-dots', count: n }));
    this.emit({ kind: 'fix-move-end' });
    this.actions.push({ slot, action: 'move-keys', from: this.addr(sourceId), to: this.addr(targetId), keys: r.moved, cold: true, ok: r.ok });
    if (r.conflicts.length > 0) {
      this.conflicts.push(...r.conflicts);
      this.emit({ kind: 'fix-kept-copies', conflicts: r.conflicts });
    }
    return r.ok;
  }

  /** The key loop: keys moved, or -1 after printing why it failed. */
  private async moveKeys(sourceId: string, targetId: string, slot: number): Promise<number> {
    let dots = 0;
    let total = 0;
    const emit = (e: MigrationEvent): void => {
      if (e.type === 'batch') {
        this.emit({ kind: 'fix-dots', count: e.keys });
        dots += e.keys;
      } else if (e.type === 'busy-keys') {
        this.emit({ kind: 'fix-busy-keys', action: e.action });
        if (e.action === 'refused') this.emit({ kind: 'fix-differing-keys', keys: e.keys, source: this.addr(sourceId), target: this.addr(targetId) });
      }
    };
    const ctx = {
      port: this.port,
      clock: this.clock,
      sizer: this.sizer,
      migrate: { timeoutMs: this.opts.timeoutMs ?? 60000, replace: this.opts.replace ?? false },
      emit,
    };
    let notServedTried = false;
    let clusterDownDeadline: number | null = null;
    for (;;) {
      try {
        const moved = await moveWindowKeys(ctx, sourceId, targetId, [slot]);
        total += moved.get(slot) ?? 0;
        // Keys moved by a BUSYKEY retry (REPLACE) are not reported as batches: their dots now.
        if (total > dots) this.emit({ kind: 'fix-dots', count: total - dots });
        return total;
      } catch (e) {
        const ee = toEngineError(e);
        if (ee.code === 'busy-key') return -1; // the keys were listed above
        if (ee.code !== 'migration-failed' && ee.code !== 'reply-error') throw ee;
        const text = ee.detail ?? ee.message;
        // Deliberate difference: while the source still believes the cluster is down
        // (it has not yet heard that the slots were covered), wait instead of failing.
        if (text.startsWith('CLUSTERDOWN The cluster is down')) {
          if (clusterDownDeadline === null) {
            clusterDownDeadline = this.clock.now() + (this.opts.clusterDownWaitMs ?? 10_000);
            this.emit({ kind: 'fix-cluster-down-wait', node: this.addr(sourceId) });
          }
          if (await this.waitClusterOk(sourceId, clusterDownDeadline)) continue;
        } else if (!notServedTried && ee.code === 'migration-failed') {
          notServedTried = true;
          if ((await this.slotServed(sourceId, slot)) === false) {
            this.emit({ kind: 'fix-slot-not-served', target: this.addr(targetId) });
            await this.tryCall(sourceId, 'CLUSTER', 'SETSLOT', slot, 'NODE', targetId);
            this.actions.push({ slot, action: 'setslot', node: this.addr(sourceId), state: 'NODE', peer: this.addr(targetId) });
            continue;
          }
        }
        this.emit({ kind: 'fix-move-end' });
        this.emitReplyError(sourceId, text);
        return -1;
      }
    }
  }

  /** Polls CLUSTER INFO until cluster_state:ok (true) or the deadline (false). */
  async waitClusterOk(id: string, deadline: number): Promise<boolean> {
    while (this.clock.now() < deadline) {
      const r = await this.tryCall(id, 'CLUSTER', 'INFO');
      if (r.ok && parseInfo(String(r.value)).cluster_state === 'ok') return true;
      await clockSleep(this.clock, 100);
    }
    return false;
  }
}
