/** Refresh: reloads one cluster (from its item) or every connected one. */
import type { CommandHandler } from './context';
import { isTreeElement } from './context';

export const refresh: CommandHandler = async (deps, arg) => {
  await deps.store.refresh(isTreeElement(arg) ? arg.clusterId : undefined);
};
