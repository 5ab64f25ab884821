/**
 * Browser entry of the migration panel (no Node, no vscode module): the
 * message transport with request ids, the ready handshake, and state kept
 * with getState/setState so the panel shows its last state at once when it
 * is shown again or restored after a reload.
 */
import './styles.css';
import { PROTOCOL_VERSION, isHostToWebview, isPersistedState, type HostToWebview, type WebviewToHost } from '../src/shared/protocol';
import { App, type SavedState, type Transport } from './app';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscodeApi = acquireVsCodeApi();
let nextId = 1;
const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

const transport: Transport = {
  request(body) {
    const requestId = nextId++;
    return new Promise<void>((resolve, reject) => {
      pending.set(requestId, { resolve, reject });
      vscodeApi.postMessage({ ...body, requestId } as WebviewToHost);
    });
  },
  notify(m) {
    vscodeApi.postMessage(m);
  },
  persist(state: SavedState) {
    vscodeApi.setState(state);
  },
};

const root = document.getElementById('app')!;
const app = new App(root, transport);

const saved = vscodeApi.getState();
if (isPersistedState(saved)) app.restore(saved as SavedState);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (!isHostToWebview(m)) return;
  if (m.type === 'response') {
    const p = pending.get(m.requestId);
    if (!p) return;
    pending.delete(m.requestId);
    if (m.ok) p.resolve();
    else p.reject(new Error(m.error));
    return;
  }
  app.onMessage(m as HostToWebview);
});

vscodeApi.postMessage({ type: 'ready', protocol: PROTOCOL_VERSION });
