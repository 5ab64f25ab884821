/** Import…, Backup…, Restore…: the engine's data operations with cancellable progress. */
import * as vscode from 'vscode';
import { renderBackupEvent, renderImportEvent, renderRestoreEvent, runBackup, runImport, runRestore, type DataEvent, type DataProgress } from '../../engine';
import { Cancelled, type CommandHandler } from './context';
import { ask, askAddress, orCancel, pickClusterId, quickPick } from './pick';
import { confirmChange, notifyResult, runOperation } from './run';

function progressMessage(p: DataProgress): string {
  const total = p.keysTotal > 0 ? `/${p.keysTotal}` : '';
  return vscode.l10n.t('{0}{1} keys, {2} keys/s', p.keysMoved, total, Math.round(p.keysPerSec));
}

function onEvents(report: (m: string) => void): (e: DataEvent) => void {
  return (e) => {
    if (e.type === 'progress') report(progressMessage(e.progress));
  };
}

async function pickFolder(title: string, openLabel: string): Promise<string> {
  const picked = orCancel(await vscode.window.showOpenDialog({ title, openLabel, canSelectFolders: true, canSelectFiles: false, canSelectMany: false }));
  if (picked.length === 0) throw new Cancelled();
  return picked[0]!.fsPath;
}

export const importData: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to import into'));
  const name = deps.registry.get(id)?.name ?? id;
  const title = vscode.l10n.t('Import into {0}', name);
  const from = await askAddress(title, vscode.l10n.t('Address of the standalone Redis server to import from (host:port)'));
  const user = (await ask({ title, prompt: vscode.l10n.t('ACL user of the source; leave empty for the default user') })).trim();
  const password = await ask({ title, prompt: vscode.l10n.t('Password of the source; leave empty for none (it is not saved)'), password: true });
  deps.log.redactor.add(password);
  type M = vscode.QuickPickItem & { copy: boolean };
  const mode = await quickPick<M>(
    [
      { label: vscode.l10n.t('Copy'), description: vscode.l10n.t('the source keeps its keys'), copy: true },
      { label: vscode.l10n.t('Move'), description: vscode.l10n.t('the keys are deleted from the source'), copy: false },
    ],
    { title, placeHolder: vscode.l10n.t('Copy or move the keys?') },
  );
  type R = vscode.QuickPickItem & { replace: boolean };
  const existing = await quickPick<R>(
    [
      { label: vscode.l10n.t('Stop at a key that already exists in the cluster'), replace: false },
      { label: vscode.l10n.t('Replace keys that already exist in the cluster'), replace: true },
    ],
    { title, placeHolder: vscode.l10n.t('Keys that exist on both sides') },
  );
  const src = `${from.host}:${from.port}`;
  await confirmChange(
    deps,
    vscode.l10n.t('Import every key of {0} into {1}?', src, name),
    [
      mode.copy ? vscode.l10n.t('The source keeps its keys.') : vscode.l10n.t('The keys are deleted from the source as they move.'),
      existing.replace
        ? vscode.l10n.t('Keys that already exist in the cluster are overwritten.')
        : vscode.l10n.t('The import stops at the first key that already exists in the cluster.'),
    ].join('\n'),
    vscode.l10n.t('Import'),
    !mode.copy || existing.replace,
  );
  const m = deps.config.migration();
  const report = await runOperation(
    deps,
    { clusterId: id, title: vscode.l10n.t('Importing from {0}…', src), component: 'import', refresh: true, cancellable: true, render: renderImportEvent },
    (host, port, opts, signal, progress) =>
      runImport({
        ...opts,
        host,
        port,
        from,
        copy: mode.copy,
        replace: existing.replace,
        timeoutMs: m.timeoutMs,
        printKeys: false,
        signal,
        onProgress: onEvents(progress),
        source: { ...(user ? { user } : {}), ...(password ? { password } : {}), connectTimeoutMs: deps.config.connectTimeoutMs() },
      }),
  );
  const p = report.progress;
  const message =
    report.status === 'done'
      ? vscode.l10n.t('Imported {0} keys from {1} into {2}.', p.keysMoved, src, name)
      : report.status === 'cancelled'
        ? vscode.l10n.t('Import stopped after {0} keys; every key is either in the source or in the cluster.', p.keysMoved)
        : report.conflicts.length > 0
          ? vscode.l10n.t('Import stopped: key "{0}" already exists in the cluster.', report.conflicts[0]!)
          : vscode.l10n.t('Import failed after {0} keys; see the output.', p.keysMoved);
  await notifyResult(deps, report.status !== 'failed', message, vscode.l10n.t('Import {0}', src), report.output);
  return report.exitCode;
};

export const backup: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to back up'));
  const name = deps.registry.get(id)?.name ?? id;
  const dir = await pickFolder(vscode.l10n.t('Folder for the backup of {0}', name), vscode.l10n.t('Back Up Here'));
  const report = await runOperation(
    deps,
    { clusterId: id, title: vscode.l10n.t('Backing up {0}…', name), component: 'backup', cancellable: true, render: renderBackupEvent },
    (host, port, opts, signal, progress) => runBackup({ ...opts, host, port, dir, signal, onProgress: onEvents(progress) }),
  );
  const keys = report.files.reduce((a, f) => a + f.keys, 0);
  await notifyResult(
    deps,
    report.exitCode === 0,
    report.exitCode === 0
      ? vscode.l10n.t('Backed up {0} masters ({1} keys) to {2}.', report.files.length, keys, dir)
      : vscode.l10n.t('The backup of {0} failed; see the output.', name),
    vscode.l10n.t('Backup {0}', name),
    report.output,
  );
  return report.exitCode;
};

export const restore: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to restore into'));
  const name = deps.registry.get(id)?.name ?? id;
  const dir = await pickFolder(
    vscode.l10n.t('Backup folder to restore into {0} (made by Backup or redis-cli --cluster backup)', name),
    vscode.l10n.t('Restore'),
  );
  type R = vscode.QuickPickItem & { replace: boolean };
  const existing = await quickPick<R>(
    [
      { label: vscode.l10n.t('Keep keys that already exist'), description: vscode.l10n.t('they are reported and left untouched'), replace: false },
      { label: vscode.l10n.t('Replace keys that already exist'), replace: true },
    ],
    { placeHolder: vscode.l10n.t('Keys that exist on both sides') },
  );
  await confirmChange(
    deps,
    vscode.l10n.t('Restore the backup in {0} into {1}?', dir, name),
    existing.replace
      ? vscode.l10n.t('Keys that already exist in the cluster are overwritten.')
      : vscode.l10n.t('Keys that already exist in the cluster are left untouched.'),
    vscode.l10n.t('Restore'),
    existing.replace,
  );
  const report = await runOperation(
    deps,
    { clusterId: id, title: vscode.l10n.t('Restoring into {0}…', name), component: 'restore', refresh: true, cancellable: true, render: renderRestoreEvent },
    (host, port, opts, signal, progress) => runRestore({ ...opts, host, port, dir, replace: existing.replace, signal, onProgress: onEvents(progress) }),
  );
  const message =
    report.status === 'done'
      ? vscode.l10n.t('Restored {0} keys into {1}; {2} existing keys left untouched.', report.restored, name, report.existing)
      : report.status === 'cancelled'
        ? vscode.l10n.t('Restore stopped after {0} keys.', report.restored)
        : vscode.l10n.t('The restore into {0} failed; see the output.', name);
  await notifyResult(deps, report.status !== 'failed', message, vscode.l10n.t('Restore {0}', name), report.output);
  return report.exitCode;
};
