/**
 * Browser side of the migration panel's e2e: headless Chromium
 * (playwright-core + Debian's chromium) on code-server's workbench, started
 * with the team's harness (codeServer.ts), this folder loaded as the
 * extension under development.
 *
 * Env: E2E_HOME (see codeServer.ts), WEBVIEW_E2E_PORT (code-server port;
 * default: the first free one of the team's 8471-8479).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { CHROMIUM, codeServerInstalled, freePort, REPO, runPaletteCommand, startCodeServer, type CodeServer } from './codeServer';

export { codeServerInstalled };
export const ARTIFACTS = join(REPO, '.test-artifacts', 'webview');
export const INSTALL_HINT = 'code-server is not installed: run npm run e2e:install (bash test/e2e/install-code-server.sh)';

export interface Server {
  readonly cs: CodeServer;
  stop(): Promise<void>;
}

/** code-server with throw-away state; `settings` go into the opened folder's .vscode/settings.json. */
export async function startServer(settings: Record<string, unknown>): Promise<Server> {
  const port = process.env.WEBVIEW_E2E_PORT ? Number(process.env.WEBVIEW_E2E_PORT) : await freePort(8471, 8479);
  const stateDir = mkdtempSync(join(tmpdir(), 'rcm-webview-e2e-'));
  const cs = await startCodeServer({ port, stateDir, workspaceSettings: settings });
  return {
    cs,
    async stop() {
      await cs.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface Workbench {
  readonly page: Page;
  readonly browser: Browser;
  /** The migration panel's document (two iframes deep). */
  readonly panel: FrameLocator;
  runCommand(title: string): Promise<void>;
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Opens the workbench with this folder as the extension under development. */
export async function openWorkbench(cs: CodeServer, log: (m: string) => void): Promise<Workbench> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await (await browser.newContext({ viewport: { width: 1500, height: 1000 } })).newPage();
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  await page.goto(cs.url({ dev: true }));
  await page.locator('.monaco-workbench').waitFor();
  mkdirSync(ARTIFACTS, { recursive: true });
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  return {
    page,
    browser,
    panel,
    runCommand: (title: string) => runPaletteCommand(page, title),
    async shot(name: string) {
      const path = join(ARTIFACTS, name);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      await browser.close();
    },
  };
}
