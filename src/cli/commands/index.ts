/** The one table of rcm subcommands. Add a subcommand: one file + one line here. */
import type { CliCommand } from '../context';
import { checkCommand, infoCommand } from './infoCheck';
import { createCommand } from './create';

export const COMMANDS: readonly CliCommand[] = [
  infoCommand,
  checkCommand,
  createCommand,
];

/** redis-cli subcommands not yet available in rcm (a clear message instead of "unknown"). */
export const NOT_YET = new Set(['fix', 'reshard', 'rebalance', 'add-node', 'del-node', 'call', 'set-timeout', 'import', 'backup']);
