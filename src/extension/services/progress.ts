/** window.withProgress with its cancellation token turned into an AbortSignal for the engine. */
import * as vscode from 'vscode';

export interface ProgressReporter {
  readonly signal: AbortSignal;
  report(message: string, increment?: number): void;
}

export async function withProgress<T>(
  title: string,
  task: (p: ProgressReporter) => Promise<T>,
  options: { cancellable?: boolean; location?: vscode.ProgressLocation } = {},
): Promise<T> {
  return vscode.window.withProgress(
    { location: options.location ?? vscode.ProgressLocation.Notification, title, cancellable: options.cancellable ?? false },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        return await task({
          signal: controller.signal,
          report: (message, increment) => progress.report({ message, ...(increment !== undefined ? { increment } : {}) }),
        });
      } finally {
        sub.dispose();
      }
    },
  );
}
