/** Browser entry of the webview bundle (no Node, no vscode module). */
import type { HostToWebview, WebviewToHost } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscodeApi = acquireVsCodeApi();
window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  if (event.data.type === 'init') document.documentElement.lang = event.data.locale;
});
vscodeApi.postMessage({ type: 'ready' });
