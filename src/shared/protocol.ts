/**
 * The typed host ⇄ webview protocol. Depends on nothing: the webview program
 * compiles it without Node or VS Code types. Grows with the webview issue.
 */

/** Messages the webview sends to the extension host. */
export type WebviewToHost =
  | { readonly type: 'ready' };

/** Messages the extension host sends to the webview. */
export type HostToWebview =
  | { readonly type: 'init'; readonly locale: string };

export function isWebviewToHost(v: unknown): v is WebviewToHost {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'ready';
}
