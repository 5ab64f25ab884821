/**
 * SETSLOT NODE on the masters that are neither the source nor the target of a
 * closed window, without holding up the window's lane. That last step of a
 * window only tells bystanders the new owner sooner than the cluster bus would
 * (meanwhile they redirect clients with one hop more); no epoch changes on a
 * node that neither imports nor owns the slot. The commands go out exactly
 * when a window used to send them (right after the source's own SETSLOT NODE,
 * one pipeline per master, all at once), so every node learns the owner as
 * soon as before; only the replies are awaited later: on 50 masters a
 * rebalance into one master waited for the slowest of 48 pipelines per window.
 * The target's and the source's SETSLOT NODE stay in the window, under the
 * epoch guard (moveWindow.ts).
 *
 * Order: one connection per node keeps a node's pipelines in the order sent;
 * a slot's step is answered before the slot moves again (`settled`, awaited
 * before a window opens), and every step before the run ends (`flush`), so the
 * check after a run sees the same view everywhere.
 */
import type { MigrationEvent } from './events';
import type { SetSlotAction, SlotPort } from './port';

/** SETSLOT's answer on a node that is no master (any more): nothing to tell it. */
export const NOT_MASTER = 'ERR Please use SETSLOT only with masters.';

export interface OwnerBroadcast {
  /** Sends SETSLOT `slot` NODE `targetId` of a window's slots to every master but `except`; returns at once. */
  send(slots: readonly number[], targetId: string, except: readonly string[]): void;
  /** Resolves once every master answered the steps of these slots. */
  settled(slots: readonly number[]): Promise<void>;
  /** Resolves once every step sent was answered. */
  flush(): Promise<void>;
}

export function createOwnerBroadcast(port: SlotPort, emit: (e: MigrationEvent) => void): OwnerBroadcast {
  const out = new Set<Promise<void>>();
  /** The latest step holding each slot, until it is answered. */
  const pendingSlot = new Map<number, Promise<void>>();

  const tell = async (nodeId: string, slots: readonly number[], targetId: string): Promise<void> => {
    const items: SetSlotAction[] = slots.map((slot) => ({ slot, action: 'NODE', nodeId: targetId }));
    let errors: (string | null)[];
    try {
      errors = await port.setSlots(nodeId, items);
    } catch (e) {
      errors = items.map(() => String(e));
    }
    const i = errors.findIndex((e) => e !== null && !e.startsWith(NOT_MASTER));
    if (i < 0) return;
    const addr = port.nodeAddr(nodeId);
    emit({
      type: 'error',
      slots,
      error: {
        code: 'reply-error',
        node: addr,
        cause: errors[i]!,
        message: `${addr} did not accept the new owner of slot ${slots[i]}: ${errors[i]} (it will learn it from the cluster bus)`,
      },
    });
  };

  return {
    send: (slots, targetId, except) => {
      const nodes = port.masterIds().filter((id) => !except.includes(id));
      const done = Promise.all(nodes.map((id) => tell(id, slots, targetId))).then(() => undefined);
      out.add(done);
      for (const slot of slots) pendingSlot.set(slot, done);
      const forget = (): void => {
        out.delete(done);
        for (const slot of slots) if (pendingSlot.get(slot) === done) pendingSlot.delete(slot);
      };
      // A failing event listener rejects `done`: settled() and flush() report it.
      done.then(forget, forget);
    },
    settled: async (slots) => {
      await Promise.all(slots.map((s) => pendingSlot.get(s)));
    },
    flush: async () => {
      await Promise.all(out);
    },
  };
}
