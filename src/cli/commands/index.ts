/** The one table of rcm subcommands. Add a subcommand: one file + one line here. */
import type { CliCommand } from '../context';
import { checkCommand, infoCommand } from './infoCheck';
import { applyCommand, resumeCommand } from './apply';
import { rebalanceCommand } from './rebalance';
import { reshardCommand } from './reshard';
import { createCommand } from './create';
import { addNodeCommand } from './addNode';
import { delNodeCommand } from './delNode';
import { callCommand } from './call';
import { setTimeoutCommand } from './setTimeout';
import { failoverCommand } from './failover';
import { sandboxCommand } from './sandbox';
import { importCommand } from './import';
import { backupCommand } from './backup';
import { restoreCommand } from './restore';
import { fixCommand } from './fix';
import { hotSlotsCommand } from './hotSlots';

export const COMMANDS: readonly CliCommand[] = [
  infoCommand,
  checkCommand,
  reshardCommand,
  rebalanceCommand,
  applyCommand,
  resumeCommand,
  createCommand,
  addNodeCommand,
  delNodeCommand,
  callCommand,
  setTimeoutCommand,
  failoverCommand,
  sandboxCommand,
  importCommand,
  backupCommand,
  restoreCommand,
  fixCommand,
  hotSlotsCommand,
];
