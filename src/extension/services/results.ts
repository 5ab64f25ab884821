/**
 * Read-only text documents for results (Check, Info, Call, …), formatted as
 * redis-cli prints them. Content lives in memory under the `redis-cluster:` scheme.
 */
import * as vscode from 'vscode';
import type { OutputChunk } from '../../engine';
import { RESULT_SCHEME } from '../constants';

export class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === RESULT_SCHEME) this.docs.delete(d.uri.toString());
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }

  /** Opens a new read-only document with `text`. */
  async open(title: string, text: string): Promise<vscode.TextEditor> {
    const safe = title.replace(/[\\/]/g, '_');
    const uri = vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${safe}.log`, query: `n=${++this.seq}` });
    this.docs.set(uri.toString(), text);
    let doc = await vscode.workspace.openTextDocument(uri);
    try {
      doc = await vscode.languages.setTextDocumentLanguage(doc, 'log');
    } catch {
      /* the log language may be missing in a stripped-down editor: plain text is fine */
    }
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  /** Opens the output of an engine operation (stdout and stderr in order, without colours). */
  openOutput(title: string, chunks: readonly OutputChunk[]): Promise<vscode.TextEditor> {
    return this.open(
      title,
      chunks
        .map((c) => c.text)
        .join('')
        .replace(/\r\n/g, '\n'),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.docs.clear();
  }
}
