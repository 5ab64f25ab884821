/**
 * Issue #14 (3): the tree and the migration panel with 100 nodes (50 masters
 * + 50 replicas, a few keys), in the real workbench. Prints the figures
 * (render times, the extension host's and the page's memory) in the e2e log;
 * asserts only that every node is rendered, never a time.
 *
 * Figures:
 *   - tree: the view shown → the cluster row loaded ("ok · 50 masters"); the cluster expanded → its 50
 *     master rows; every master expanded → 100 node rows (the viewport is tall enough that the list,
 *     which renders only visible rows, shows them all); Refresh → the reloaded tree shows a key added;
 *   - panel: Reshard… answered → the plan rendered with its 50 masters in the legend (planning included);
 *   - memory: the extension host's RSS (from /proc, the process in code-server's group), the workbench
 *     page's and the panel's JS heap (performance.memory, Chromium's).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { createCluster, keyInSlot, populate, type TestCluster } from '../helpers/redisCluster';
import { pickRow, runPaletteCommand, startCodeServer, type CodeServer } from './codeServer';
import { assertTreeRowsFit } from './treeFit';

const MASTERS = 50;
const KEYS = 5_000;
const NAME = 'e2e-100';

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** RSS of the extension host of this code-server (its process group), in bytes. */
function extensionHostRss(pgid: number): number | undefined {
  const ps = spawnSync('ps', ['-e', '-o', 'pid=,pgid=,rss=,args='], { encoding: 'utf8' }).stdout;
  for (const line of ps.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m && Number(m[2]) === pgid && /extensionHost/.test(m[4]!)) return Number(m[3]) * 1024;
  }
  return undefined;
}

/** Chromium's JS heap in use of a page or frame (performance.memory), if it reports one. */
async function jsHeap(target: Page | Frame): Promise<number | undefined> {
  return target.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize).catch(() => undefined);
}

async function panelFrame(page: Page): Promise<Frame | undefined> {
  for (const f of page.frames()) if (await f.$('#slot-map').catch(() => null)) return f;
  return undefined;
}

export async function runScaleUi(browser: Browser, o: { port: number; stateDir: string; artifacts: string; log: (m: string) => void }): Promise<void> {
  let cluster: TestCluster | undefined;
  let cs: CodeServer | undefined;
  let page: Page | undefined;
  const started = Date.now();
  try {
    cluster = await createCluster({ masters: MASTERS, replicas: 1, timeoutMs: 120_000 });
    await populate(cluster, KEYS);
    o.log(`100-node cluster (${MASTERS}+${MASTERS}, ${KEYS} keys) up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    cs = await startCodeServer({
      port: o.port,
      stateDir: o.stateDir,
      workspaceSettings: { 'redisClusterManager.clusters': [{ name: NAME, seeds: [cluster.entry.addr] }], 'redisClusterManager.refreshIntervalSeconds': 0 },
    });
    // Tall: the tree renders only the rows in view, and all 101 must be.
    const p = await (await browser.newContext({ viewport: { width: 1500, height: 4000 } })).newPage();
    page = p;
    p.setDefaultTimeout(90_000);
    await page.goto(cs.url({ dev: true }));
    await page.locator('.monaco-workbench').waitFor();
    const rows = page.locator('.part.sidebar .monaco-list-row[role="treeitem"]');
    const t0 = Date.now();
    await page
      .getByRole('tab', { name: /Redis Cluster/ })
      .first()
      .click();
    const clusterRow = rows.filter({ hasText: new RegExp(`${NAME}.*ok · ${MASTERS} masters`) }).first();
    await clusterRow.waitFor();
    const tLoad = Date.now() - t0;

    const t1 = Date.now();
    if ((await clusterRow.getAttribute('aria-expanded')) === 'false') await clusterRow.locator('.monaco-tl-twistie').click();
    const masterRows = page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="2"]');
    await waitCount(masterRows, MASTERS);
    const tMasters = Date.now() - t1;

    const t2 = Date.now();
    // A row's text runs its label and description together ("127.0.0.1:7000328 slots"): match the label.
    const label = (text: string) => p.locator('.label-name', { hasText: new RegExp(`^\\s*${text.replace(/\./g, '\\.')}\\s*$`) });
    for (const m of cluster.masters) {
      const row = masterRows.filter({ has: label(m.addr) }).first();
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    }
    const replicaRows = page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="3"]', { hasText: /replica/ });
    await waitCount(replicaRows, MASTERS);
    const tAll = Date.now() - t2;
    // Every node of the cluster is a row: its address once, at its level.
    const shown = new Set<string>();
    for (const text of [...(await masterRows.locator('.label-name').allTextContents()), ...(await replicaRows.locator('.label-name').allTextContents())]) {
      shown.add(text.trim());
    }
    const missing = cluster.nodes.map((n) => n.addr).filter((a) => !shown.has(a));
    if (missing.length > 0) throw new Error(`the tree does not show ${missing.length} of the 100 nodes: ${missing.slice(0, 5).join(', ')}`);
    // The rows on screen (masters, their 5-digit slot ranges, replicas) fit the default sidebar width.
    await assertTreeRowsFit(page, o.log);
    await page.screenshot({ path: join(o.artifacts, 'tree-100-nodes.png'), clip: { x: 0, y: 0, width: 1500, height: 1400 } });
    o.log('screenshot .test-artifacts/e2e/tree-100-nodes.png');
    // Refresh: one more key in the entry's first slot, then the time until the reloaded tree shows it.
    await cluster.client(cluster.entry).set(keyInSlot(0, 'scale-e2e'), 'x');
    const t4 = Date.now();
    await runPaletteCommand(p, 'Redis Cluster: Refresh');
    // The key count: in the row's aria label (the description keeps only what fits the sidebar width).
    await p
      .locator(`.part.sidebar .monaco-list-row[role="treeitem"][aria-label^="${NAME}, ok, ${MASTERS} masters, ${KEYS + 1} keys"]`)
      .first()
      .waitFor();
    const tRefresh = Date.now() - t4;
    await waitCount(replicaRows, MASTERS);
    const hostAfterTree = extensionHostRss(cs.pgid);
    const pageAfterTree = await jsHeap(page);

    // The panel: a reshard of 100 slots from all other masters into the first one.
    await runPaletteCommand(page, 'Redis Cluster: Reshard…');
    await pickRow(page, 'Master that receives the slots'); // target: the first master
    await page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row', { hasText: 'All other masters' }).first().click();
    await page.keyboard.press('Enter');
    const input = page.locator('.quick-input-widget:not(.hidden) input');
    await input.waitFor();
    await input.fill('100');
    const t3 = Date.now();
    await page.keyboard.press('Enter');
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await panel.locator('#plan-total-slots').waitFor();
    await waitCount(panel.locator('button.legend-item'), MASTERS);
    const tPanel = Date.now() - t3;
    await page.screenshot({ path: join(o.artifacts, 'panel-100-nodes.png'), clip: { x: 0, y: 0, width: 1500, height: 1400 } });
    o.log('screenshot .test-artifacts/e2e/panel-100-nodes.png');
    const frame = await panelFrame(page);
    const panelHeap = frame ? await jsHeap(frame) : undefined;
    const hostAfterPanel = extensionHostRss(cs.pgid);
    const load = /load average: (.*)$/.exec(spawnSync('uptime', { encoding: 'utf8' }).stdout.trim())?.[1] ?? '?';
    const opt = (v: number | undefined): string => (v === undefined ? 'n/a' : mb(v));
    o.log(
      `100 nodes, tree: view shown → cluster loaded ${tLoad} ms (the extension's activation included); expand cluster → ${MASTERS} master rows ${tMasters} ms; ` +
        `every master expanded → 100 node rows ${tAll} ms (${MASTERS} twistie clicks by the driver); Refresh → reloaded tree shown ${tRefresh} ms`,
    );
    o.log(`100 nodes, panel: Reshard answered → plan with ${MASTERS} masters rendered ${tPanel} ms`);
    o.log(
      `100 nodes, memory: extension host RSS ${opt(hostAfterTree)} after the tree, ${opt(hostAfterPanel)} with the panel; workbench JS heap ${opt(pageAfterTree)}; panel JS heap ${opt(panelHeap)} (load average ${load})`,
    );
  } catch (e) {
    await page?.screenshot({ path: join(o.artifacts, 'failure-100-nodes.png') }).catch(() => undefined);
    throw e;
  } finally {
    await page
      ?.context()
      .close()
      .catch(() => undefined);
    await cs?.stop();
    await cluster?.stop();
  }
}

/** Waits (with the page's default deadline) until the locator matches exactly `n` elements. */
async function waitCount(locator: import('playwright-core').Locator, n: number): Promise<void> {
  await locator.nth(n - 1).waitFor();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = await locator.count();
    if (c === n) return;
    if (Date.now() > deadline) throw new Error(`expected ${n} rows, found ${c}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
