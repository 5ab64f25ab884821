/**
 * The extension's e2e suite in a real VS Code: code-server's workbench in
 * headless Chromium (playwright-core + Debian's chromium), against a real
 * local cluster (the engine's sandbox: 3 masters + 3 replicas), plus a fresh
 * node for Add Node and a password-protected redis-server for the wrong-password case.
 *
 *   1. extension-host tests (mocha inside code-server's extension host, real `vscode` API): exthost/*.cjs
 *   2. UI journeys driven like a user: tree, palette, right-click, modal dialogs, notifications
 *   3. the packaged VSIX installed into a code-server that does not load the sources
 *   4. (part "scale") the tree and the panel with 100 nodes: render times and memory printed, all nodes shown (scaleUi.ts)
 *
 * Screenshots go to .test-artifacts/e2e/. Ends with "N passed, N failed".
 * Env: E2E_HOME (code-server install), RCM_E2E_CS_PORT (default: first free of 8471-8479),
 * RCM_E2E_PARTS (default "exthost,ui,zh,vsix,scale"), RCM_E2E_ONLY (a regex: only the UI journeys it matches, plus the first),
 * RCM_E2E_REDIS_PORT (first of 9 redis ports, default: a free block from 7300), KEEP=1 to leave things running.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sandboxDown, sandboxUp } from '../../src/engine';
import { startNodes, startStandalone, stopNodes, type NodeHandle } from '../helpers/redisCluster';
import {
  CHROMIUM,
  CODE_SERVER,
  codeServerInstalled,
  freePort,
  NODE24_BIN,
  portFree,
  REPO,
  pickRow,
  runPaletteCommand,
  startCodeServer,
  type CodeServer,
} from './codeServer';
import { nodeJourneys } from './nodeJourneys';
import { runScaleUi } from './scaleUi';
import { assertTreeRowsFit } from './treeFit';
import { runZhCn } from './zhCn';

const ARTIFACTS = join(REPO, '.test-artifacts', 'e2e');
const t0 = Date.now();
const PARTS = new Set((process.env.RCM_E2E_PARTS ?? 'exthost,ui,zh,vsix,scale').split(','));
const ONLY = process.env.RCM_E2E_ONLY ? new RegExp(process.env.RCM_E2E_ONLY) : undefined;
const log = (m: string): void => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
let passed = 0;
let failed = 0;

/** Runs one check of the suite, counts it and logs how it went; `onFail` runs after a failure (a screenshot). */
async function counted(name: string, fn: () => Promise<void>, onFail?: () => Promise<unknown>): Promise<boolean> {
  const started = Date.now();
  try {
    await fn();
    passed++;
    log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return true;
  } catch (e) {
    failed++;
    log(`FAIL ${name}: ${(e as Error).message.split('\n')[0]}`);
    console.log((e as Error).stack);
    await onFail?.().catch(() => undefined);
    return false;
  }
}

async function redisBlock(): Promise<number> {
  if (process.env.RCM_E2E_REDIS_PORT) return Number(process.env.RCM_E2E_REDIS_PORT);
  for (let base = 7300; base < 7900; base += 20) {
    let ok = true;
    for (let p = base; p < base + 14 && ok; p++) ok = (await portFree(p)) && (await portFree(p + 10000));
    if (ok) return base;
  }
  throw new Error('no free block of redis ports');
}

// ---------------------------------------------------------------------------------------------
// 1. Extension-host tests

async function runExtensionHostTests(browser: Browser, cs: CodeServer): Promise<void> {
  log('extension-host tests: loading the workbench with the mocha suite');
  const page = await (await browser.newContext()).newPage();
  let done!: (code: unknown) => void;
  const exited = new Promise((r) => (done = r));
  let pass = 0;
  let fail = 0;
  const noise =
    /\[AgentHost|ChatModelSelection|AccountPolicyGate|open-vsx\.org|authentication provider|Creating a socket|connection token|grace time|builtin extensions cache|Service Worker|^Canceled|vsda|Ignoring the error|Failed snippets/;
  await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
    const line = format(...([] as unknown[]).concat(args));
    const p = /^\s*(\d+) passing/.exec(line);
    if (p) pass = Number(p[1]);
    const f = /^\s*(\d+) failing/.exec(line);
    if (f) fail = Number(f[1]);
    // Workbench errors arrive as one multi-line message with a stack: show the first line only.
    if (!noise.test(line)) console.log(`  | ${/\n\s+at /.test(line) ? line.split('\n')[0] : line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code: unknown) => done(code));
  await page.goto(cs.url({ dev: true, testsPath: join(REPO, 'test', 'e2e', 'exthost', 'index.cjs') }));
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 240_000))]);
  if (code !== 0) await page.screenshot({ path: join(ARTIFACTS, 'exthost-failure.png') }).catch(() => undefined);
  if (code !== 0 && fail === 0) fail = 1;
  log(`extension-host tests: exit code ${String(code)}, ${pass} passing, ${fail} failing`);
  passed += pass;
  failed += fail;
  await page.context().close();
}

// ---------------------------------------------------------------------------------------------
// 2. UI journeys

class Workbench {
  constructor(readonly page: Page) {}

  async command(title: string): Promise<void> {
    await runPaletteCommand(this.page, title);
  }

  /** Types into the open input box (or quick pick filter) and presses Enter; `step` waits for that title first. */
  async answer(text: string, step?: string): Promise<void> {
    if (step) await this.page.locator('.quick-input-widget:not(.hidden) .quick-input-title', { hasText: step }).waitFor();
    const input = this.page.locator('.quick-input-widget:not(.hidden) input');
    await input.waitFor();
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  async pick(label: string, step?: string): Promise<void> {
    if (step) await this.page.locator('.quick-input-widget:not(.hidden) .quick-input-title', { hasText: step }).waitFor();
    await this.page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row', { hasText: label }).first().click();
  }

  async dialogButton(label: string): Promise<void> {
    await this.page.locator('.monaco-dialog-box .monaco-button', { hasText: label }).first().click();
  }

  treeItem(name: RegExp | string) {
    return this.page.locator('.part.sidebar .monaco-list-row[role="treeitem"]', { hasText: name });
  }

  async contextMenu(name: RegExp | string, action: string): Promise<void> {
    await this.treeItem(name).first().click({ button: 'right' });
    // The menu ignores a mouse-up right after it opened (the right-click's own): hover the item, then Enter.
    const item = this.page.locator('.context-view .monaco-menu .action-item', { hasText: action }).first();
    await item.hover();
    await this.page.waitForTimeout(200);
    await this.page.keyboard.press('Enter');
  }

  /** Notifications never show as toasts with the smoke-test driver: read the notification center. */
  async notification(text: RegExp | string, timeout = 30_000): Promise<string> {
    await this.command('Notifications: Show Notifications');
    const item = this.page.locator('.notifications-center .notification-list-item-message', { hasText: text }).first();
    await item.waitFor({ timeout });
    const message = (await item.textContent()) ?? '';
    return message;
  }

  async hideNotifications(): Promise<void> {
    await this.command('Notifications: Hide Notifications');
  }

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    log(`screenshot .test-artifacts/e2e/${name}.png`);
  }
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function runUiJourneys(
  browser: Browser,
  cs: CodeServer,
  ports: { seed: number; fresh: number; locked: number; create: readonly number[] },
): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (e) => console.log('  | page error:', e.message));
  const wb = new Workbench(page);
  const journeys: [string, () => Promise<void>][] = [];
  const journey = (name: string, fn: () => Promise<void>): void => {
    if (!ONLY || journeys.length === 0 || ONLY.test(name)) journeys.push([name, fn]);
  };
  const seedAddr = `127.0.0.1:${ports.seed}`;
  let replicaAddr = '';

  journey('the view lists the cluster; a master expands to its replica and slot ranges', async () => {
    await page.goto(cs.url({ dev: true }));
    await page.locator('.monaco-workbench').waitFor();
    await page
      .getByRole('tab', { name: /Redis Cluster/ })
      .first()
      .click();
    const cluster = wb.treeItem(/e2e/).first();
    await cluster.waitFor();
    await wb
      .treeItem(/ok · 3 masters/)
      .first()
      .waitFor({ timeout: 60_000 });
    if ((await cluster.getAttribute('aria-expanded')) === 'false') await cluster.click();
    const master = wb.treeItem(new RegExp(`^${esc(seedAddr)}`)).first();
    await master.waitFor();
    // A click on a node opens its info (INFO and CLUSTER NODES in a read-only document)…
    await master.click();
    await page
      .locator('.tabs-container .tab', { hasText: `Node ${seedAddr}` })
      .first()
      .waitFor();
    // …and its twistie expands it.
    if ((await master.getAttribute('aria-expanded')) === 'false') await master.locator('.monaco-tl-twistie').click();
    const replica = page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="3"]', { hasText: /replica/ }).first();
    await replica.waitFor();
    const clusterPorts = [0, 1, 2, 3, 4, 5].map((i) => ports.seed + i).join('|');
    replicaAddr = new RegExp(`127\\.0\\.0\\.1:(${clusterPorts})`).exec((await replica.textContent()) ?? '')![0];
    await page
      .locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="3"]', { hasText: /^\[\d+-\d+\]/ })
      .first()
      .waitFor();
    // The cluster, its masters, the replica and the slot range fit the default sidebar width (#16 problem 4).
    await assertTreeRowsFit(page, log);
    await wb.command('View: Close All Editors');
    await wb.shot('tree');
  });

  journey('Check from the palette shows redis-cli\'s "[OK] All 16384 slots covered."', async () => {
    await wb.command('Redis Cluster: Check');
    await page
      .locator('.editor-instance .view-lines', { hasText: /\[OK\]\sAll\s16384\sslots\scovered\./ })
      .first()
      .waitFor();
    await page.locator('.tabs-container .tab', { hasText: 'Check e2e' }).first().waitFor();
    await wb.shot('check-result');
  });

  journey('right-click a replica → Failover makes it a master in the tree', async () => {
    await wb.contextMenu(new RegExp(`^${esc(replicaAddr)}`), 'Failover');
    await wb.dialogButton('Failover');
    const promoted = page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="2"]', { hasText: new RegExp(`^${esc(replicaAddr)}.* slots`) });
    await promoted.first().waitFor({ timeout: 90_000 });
    await wb.notification(`${replicaAddr} is now a master`);
    await wb.hideNotifications();
    await wb.shot('after-failover');
  });

  journey('Add Node (palette) then Delete Node (right-click) round-trip', async () => {
    const fresh = `127.0.0.1:${ports.fresh}`;
    await wb.command('Redis Cluster: Add Node…');
    await wb.answer(fresh);
    await wb.pick('Empty master');
    await wb.dialogButton('Add Node');
    // Found by its aria label, which has every figure: just after the MEET the row may read "link down" only (problems first).
    const added = page.locator(`.part.sidebar .monaco-list-row[role="treeitem"][aria-level="2"][aria-label^="${fresh}, "][aria-label*=", 0 slots"]`);
    await added.first().waitFor({ timeout: 90_000 });
    await wb.shot('node-added');
    await wb.contextMenu(new RegExp(`^${esc(fresh)}`), 'Delete Node…');
    await wb.dialogButton('Delete Node');
    await wb.notification(`${fresh} was removed from e2e`);
    await wb.hideNotifications();
    await added.first().waitFor({ state: 'detached', timeout: 60_000 });
  });

  journey('Fix… shows what it will repair, asks, and closes an open slot', async () => {
    const nodes = spawnSync('redis-cli', ['-p', String(ports.seed), 'CLUSTER', 'NODES'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .map((l) => l.split(' '));
    const owner = nodes.find((f) => f[2]!.includes('master') && f.slice(8).some((r) => r.startsWith('0-')))!;
    const other = nodes.find((f) => f[2]!.includes('master') && f[0] !== owner[0])!;
    const ownerPort = owner[1]!.split('@')[0]!.split(':')[1]!;
    const r = spawnSync('redis-cli', ['-p', ownerPort, 'CLUSTER', 'SETSLOT', '0', 'MIGRATING', other[0]!], { encoding: 'utf8' });
    if (r.stdout.trim() !== 'OK') throw new Error(`could not open slot 0: ${r.stdout}${r.stderr}`);
    await wb.command('Redis Cluster: Refresh');
    await wb
      .treeItem(/· \d+ open/)
      .first()
      .waitFor()
      .catch(() => undefined);
    await wb.command('Redis Cluster: Fix…');
    await page.locator('.monaco-dialog-box', { hasText: /Slot 0: close it on 127\.0\.0\.1:\d+/ }).waitFor();
    await wb.shot('fix-preview');
    await wb.dialogButton('Fix');
    await wb.notification(/e2e fixed: (1 change|\d+ changes) made\./);
    await wb.hideNotifications();
    const after = spawnSync('redis-cli', ['--cluster', 'check', `127.0.0.1:${ports.seed}`], { encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } }).stdout;
    if (!/\[OK\] All 16384 slots covered\./.test(after) || /\[WARNING\]|\[ERR\]/.test(after)) throw new Error(`still broken:\n${after}`);
  });

  journey('a wrong password gives a readable error and no crash', async () => {
    await wb.command('Redis Cluster: Add Cluster…');
    await wb.answer(`127.0.0.1:${ports.locked}`, '(1/6)');
    await wb.answer('locked', '(2/6)');
    await wb.answer('', '(3/6)');
    await wb.answer('wrong-password', '(4/6)');
    await wb.pick('No TLS', '(5/6)');
    await wb.answer('', '(6/6)');
    // Add Cluster tests the connection before saving: it says why and offers to correct the answers.
    const dialog = page.locator('.monaco-dialog-box', { hasText: /locked cannot be reached/ });
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    if (!/rejected the user name or password/.test(text)) throw new Error(`the dialog does not say why: ${text}`);
    if (text.includes('wrong-password')) throw new Error(`the password leaked into the dialog: ${text}`);
    await wb.shot('add-cluster-unreachable');
    await wb.dialogButton('Save Anyway');
    const message = await wb.notification(/rejected the user name or password/);
    if (message.includes('wrong-password')) throw new Error(`the password leaked into a notification: ${message}`);
    await wb.shot('wrong-password');
    await wb.hideNotifications();
    // One failed load, one log line (#16 problem 10: it was logged twice), and no stack trace in the log.
    await wb.command('Redis Cluster: Show Output');
    const logLines = page.locator('.view-line', { hasText: /loading\slocked\sfailed/ });
    await logLines.first().waitFor();
    const logged = await logLines.count();
    if (logged !== 1) throw new Error(`the failed load was logged ${logged} times: ${(await logLines.allTextContents()).join(' | ')}`);
    if ((await page.locator('.view-line', { hasText: /^\s+at\s/ }).count()) > 0) throw new Error('a stack trace in the log');
    // The tree's error row: a headline that fits the sidebar (the sentence with WRONGPASS is its tooltip).
    await wb
      .treeItem(/^wrong user name or password/)
      .first()
      .waitFor();
    // Still alive: the other cluster refreshes.
    await wb.command('Redis Cluster: Refresh');
    await wb
      .treeItem(/ok · 3 masters/)
      .first()
      .waitFor();
  });

  journey('Reshard… from the palette opens its plan in the migration panel', async () => {
    await wb.command('Redis Cluster: Reshard…');
    await wb.pick('e2e'); // two clusters by now: the other one is the wrong-password one
    await pickRow(page, 'Master that receives the slots'); // target: the first master
    await wb.pick('All other masters');
    await page.keyboard.press('Enter');
    await wb.answer('100');
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await panel
      .locator('body', { hasText: /100 slots between 3 masters · moves: \d+/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await wb.shot('reshard-plan');
    await wb.command('View: Close All Editors');
  });

  nodeJourneys(journey, wb, { seed: ports.seed, create: ports.create });

  for (const [name, fn] of journeys) {
    const ok = await counted(name, fn, () => page.screenshot({ path: join(ARTIFACTS, `failure-${journeys.findIndex((j) => j[0] === name) + 1}.png`) }));
    if (!ok && name.startsWith('the view lists')) break; // nothing else can work without the tree
  }
  await context.close();
}

// ---------------------------------------------------------------------------------------------
// 3. The packaged VSIX, installed like a user would, in a VS Code that does not load the sources

async function runVsixCheck(browser: Browser, port: number, stateDir: string, settings: Record<string, unknown>): Promise<void> {
  const name = "the packaged VSIX installs into VS Code and shows the cluster; a migration's end shows as a toast";
  const vsix = join(stateDir, 'redis-cluster-manager.vsix');
  let cs: CodeServer | undefined;
  try {
    await counted(name, async () => {
      const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string => {
        const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', env });
        if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
        return r.stdout;
      };
      mkdirSync(stateDir, { recursive: true });
      run(process.execPath, ['esbuild.js', '--production']);
      run(process.execPath, [join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix]);
      run(CODE_SERVER, ['--extensions-dir', join(stateDir, 'ext'), '--install-extension', vsix], {
        ...process.env,
        PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`,
        XDG_CONFIG_HOME: join(stateDir, 'xdg-config'),
      });
      // Without the smoke-test driver (the installed extension does not need it): notifications show as toasts.
      cs = await startCodeServer({ port, stateDir, workspaceSettings: settings, smokeTestDriver: false });
      const page = await (await browser.newContext({ viewport: { width: 1500, height: 950 } })).newPage();
      page.setDefaultTimeout(60_000);
      await page.goto(cs.url()); // no extensionDevelopmentPath: only the installed extension
      await page
        .getByRole('tab', { name: /Redis Cluster/ })
        .first()
        .click();
      await page
        .locator('.part.sidebar .monaco-list-row[role="treeitem"]', { hasText: /ok · 3 masters/ })
        .first()
        .waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'vsix-installed.png') });
      // The migration-end notification as a user sees it, a toast (#16 problem 3): a one-slot reshard, executed in the panel.
      await runPaletteCommand(page, 'Redis Cluster: Reshard…');
      const quickRow = page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row');
      await pickRow(page, 'Master that receives the slots'); // target: the first master
      await quickRow.filter({ hasText: 'All other masters' }).first().click();
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget:not(.hidden) input').fill('1');
      await page.keyboard.press('Enter');
      const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await panel.locator('#btn-execute').click();
      const toast = page.locator('.notifications-toasts .notification-toast .notification-list-item-message', {
        hasText: /^Reshard \(e2e\) finished: 1 slot and \d+ keys? moved in [\d.]+s\.$/,
      });
      await toast.first().waitFor({ timeout: 90_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'migration-end-toast.png') });
      log(`toast: ${(await toast.first().textContent()) ?? ''}`);
      await panel.locator('#summary-status[data-status="done"]').waitFor();
      await page.context().close();
    });
  } finally {
    await cs?.stop();
    spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO }); // back to the development build
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!codeServerInstalled()) throw new Error('code-server is not installed: run bash test/e2e/install-code-server.sh');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  if (!existsSync(join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');

  const base = await redisBlock();
  const work = mkdtempSync(join(tmpdir(), 'rcm-e2e-'));
  const extras: NodeHandle[] = [];
  let cs: CodeServer | undefined;
  let browser: Browser | undefined;
  const sandboxDir = join(work, 'sandbox');
  try {
    log(`sandbox cluster on 127.0.0.1:${base}-${base + 5}`);
    await sandboxUp({ port: base, dir: sandboxDir, masters: 3, replicas: 1 });
    // The test harness starts (and always stops) the fresh node for Add Node and the password-protected server.
    extras.push(...(await startNodes(1, { nodeTimeout: 5000 })));
    extras.push(await startStandalone({ password: 'the-password' }));
    extras.push(...(await startNodes(3, { nodeTimeout: 5000 }))); // for Create Cluster
    const ports = { seed: base, fresh: extras[0]!.port, locked: extras[1]!.port, create: extras.slice(2, 5).map((n) => n.port) };

    const csPort = process.env.RCM_E2E_CS_PORT ? Number(process.env.RCM_E2E_CS_PORT) : await freePort(8471, 8479);
    const settings = {
      'redisClusterManager.clusters': [{ name: 'e2e', seeds: [`127.0.0.1:${ports.seed}`] }],
      'redisClusterManager.refreshIntervalSeconds': 0,
    };
    // Modal dialogs are auto-cancelled in the extension-host suite: there, non-destructive confirmations (Resume…)
    // are skipped. The UI journeys answer every dialog, as a user would, with the default setting.
    const exthostSettings = { ...settings, 'redisClusterManager.confirmations': 'destructiveOnly' };
    process.env.RCM_E2E_SEED = `127.0.0.1:${ports.seed}`;
    process.env.RCM_E2E_LOCKED = `127.0.0.1:${ports.locked}`;
    process.env.RCM_E2E_SANDBOX_PORT = String(base + 10);
    browser = await chromium.launch({
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

    if (PARTS.has('exthost')) {
      cs = await startCodeServer({ port: csPort, stateDir: join(work, 'cs-exthost'), workspaceSettings: exthostSettings });
      log(`code-server on 127.0.0.1:${csPort} (extension-host tests)`);
      await runExtensionHostTests(browser, cs);
      await cs.stop();
    }

    if (PARTS.has('ui')) {
      cs = await startCodeServer({ port: csPort, stateDir: join(work, 'cs-ui'), workspaceSettings: settings });
      log(`code-server on 127.0.0.1:${csPort} (UI journeys)`);
      await runUiJourneys(browser, cs, ports);
      await cs.stop();
      cs = undefined;
    }
    if (PARTS.has('zh')) {
      log('code-server with --locale zh-cn and the language-pack stub');
      await counted('the zh-cn UI (a local language-pack stub): tree, palette, a dialog', () =>
        runZhCn(browser!, { port: csPort, stateDir: join(work, 'cs-zh'), settings, artifacts: ARTIFACTS, log }),
      );
    }
    if (PARTS.has('vsix')) {
      log('packaging the VSIX and installing it into a fresh code-server');
      await runVsixCheck(browser, csPort, join(work, 'cs-vsix'), settings);
    }
    if (PARTS.has('scale')) {
      await counted('the tree and the panel show a 100-node cluster (render times and memory in the log)', () =>
        runScaleUi(browser!, { port: csPort, stateDir: join(work, 'cs-scale'), artifacts: ARTIFACTS, log }),
      );
    }
  } finally {
    await browser?.close().catch(() => undefined);
    if (process.env.KEEP) {
      log(`KEEP=1: left running (code-server ${cs?.url({ dev: true }) ?? '-'}, state in ${work})`);
    } else {
      await cs?.stop();
      await stopNodes(extras);
      await sandboxDown({ dir: sandboxDir }).catch(() => undefined);
      await sandboxDown({ port: base + 10 }).catch(() => undefined); // the one the extension-host suite creates
      rmSync(work, { recursive: true, force: true });
    }
  }
}

main().then(
  () => {
    log(`done in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed > 0 || passed === 0 ? 1 : 0);
  },
  (e: unknown) => {
    console.error(e);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  },
);
