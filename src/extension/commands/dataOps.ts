/** Import…, Backup…, Restore…: data operations over the engine's import/backup/restore. */
import * as vscode from 'vscode';
import type { CommandHandler } from './context';
import { pickClusterId } from './pick';

/** Until the engine's data operations land, these commands say so instead of failing. */
function notYet(what: string): CommandHandler {
  return async (deps, arg) => {
    await pickClusterId(deps, arg);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is not available in this version yet; use rcm or redis-cli --cluster meanwhile.', what));
  };
}

export const importData: CommandHandler = notYet('Import');
export const backup: CommandHandler = notYet('Backup');
export const restore: CommandHandler = notYet('Restore');
