/** Running an engine operation from a command: progress, output to the log, refresh, result. */
import * as vscode from 'vscode';
import { printingTo, renderEvents, type ConnectionOptions, type EventRenderer, type OpHooks, type OpReport, type OutputChunk } from '../../engine';
import { describeError } from '../model/errors';
import { withProgress } from '../services/progress';
import { Cancelled, type CommandDeps } from './context';

/** What runOperation hands an operation: the cluster's entry, its connection options and where its events go. */
export type OperationFn<E, R> = (
  host: string,
  port: number,
  opts: ConnectionOptions & OpHooks<E>,
  signal: AbortSignal,
  report: (message: string) => void,
) => Promise<R>;

export interface OperationOptions {
  readonly clusterId: string;
  /** Shown in the progress notification. */
  readonly title: string;
  /** Log component tag. */
  readonly component: string;
  /** Reload the cluster afterwards (operations that change it). */
  readonly refresh?: boolean;
  /** Offer Cancel (the operation must honour the AbortSignal). */
  readonly cancellable?: boolean;
}

/** The last non-empty line of what an operation printed so far (for the progress message). */
function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\.+$/.test(l));
  return lines[lines.length - 1] ?? '';
}

/**
 * Runs an operation under a progress notification that shows its last output line, logs its output (its events
 * rendered by `render`) and returns its report with that output.
 */
export async function runOperation<E, R extends OpReport<E>>(
  deps: CommandDeps,
  o: OperationOptions & { readonly render: EventRenderer<E> },
  fn: OperationFn<E, R>,
): Promise<R & { readonly output: readonly OutputChunk[] }> {
  deps.log.info(o.component, `${o.title} (${deps.registry.get(o.clusterId)?.name ?? o.clusterId})`);
  try {
    const report = await withProgress(
      o.title,
      (p) =>
        deps.access.withEntry(o.clusterId, (host, port, opts) => {
          let printed = '';
          return fn(
            host,
            port,
            {
              ...opts,
              onEvent: printingTo(o.render, (c) => {
                printed += c.text;
                const line = lastLine(printed);
                if (line) p.report(line.slice(0, 120));
                if (printed.length > 4096) printed = printed.slice(-1024);
              }),
            },
            p.signal,
            (message) => p.report(message),
          );
        }),
      { cancellable: o.cancellable ?? false },
    );
    const output = renderEvents(report.events, o.render);
    deps.log.output(o.component, output);
    return { ...report, output };
  } finally {
    if (o.refresh) void deps.store.load(o.clusterId).catch(() => undefined);
  }
}

/**
 * Asks before a change. Destructive changes always ask; others only when the
 * `confirmations` setting is "always". Throws Cancelled when declined.
 */
export async function confirmChange(deps: CommandDeps, message: string, detail: string, action: string, destructive: boolean): Promise<void> {
  if (!destructive && deps.config.confirmations() === 'destructiveOnly') return;
  const choice = destructive
    ? await vscode.window.showWarningMessage(message, { modal: true, detail }, action)
    : await vscode.window.showInformationMessage(message, { modal: true, detail }, action);
  if (choice !== action) throw new Cancelled();
}

/** A result notification with "Show Output" opening the operation's redis-cli transcript. */
export async function notifyResult(deps: CommandDeps, ok: boolean, message: string, title: string, output: readonly OutputChunk[]): Promise<void> {
  const showOutput = vscode.l10n.t('Show Output');
  const choice = ok ? await vscode.window.showInformationMessage(message, showOutput) : await vscode.window.showErrorMessage(message, showOutput);
  if (choice === showOutput) await deps.results.openOutput(title, output);
}

/** A failed connection to a cluster: the reason, and "Edit Cluster…" when the credentials or address look wrong. */
export async function showClusterError(deps: CommandDeps, clusterId: string, e: unknown): Promise<void> {
  const edit = vscode.l10n.t('Edit Cluster…');
  const showLog = vscode.l10n.t('Show Output');
  const name = deps.registry.get(clusterId)?.name ?? clusterId;
  const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', name, describeError(e, vscode.l10n)), edit, showLog);
  if (choice === edit) await vscode.commands.executeCommand('redisClusterManager.editCluster', { kind: 'cluster', clusterId });
  if (choice === showLog) deps.log.show();
}
