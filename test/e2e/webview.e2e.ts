/**
 * The migration panel in a real VS Code (code-server + headless Chromium)
 * against a real local cluster with keys:
 *   Rebalance from the palette on an unbalanced cluster → the panel shows the
 *   plan (its totals equal the engine's plan for the same topology) → Execute →
 *   progress advances → summary (verified, check OK) → the tree shows balanced
 *   slot counts; then a second run (a drain set up by changing a weight in the
 *   panel and recomputing) is cancelled midway and leaves the cluster clean
 *   (check OK, no open slot, no key lost). Screenshots of the plan, the
 *   progress and the summary go to .test-artifacts/.
 *
 * Run: npm run test:e2e:webview (needs npm run e2e:install once)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCluster, loadTopology, planRebalance, planReshard, type MovePlan, type Topology } from '../../src/engine';
import { applyPlan } from '../../src/engine/ops/applyPlan';
import { cmd, createCluster, keySlot, populate, waitFor, type TestCluster } from '../helpers/redisCluster';
import { REPO } from './codeServer';
import { renderedColours } from './contrast';
import { codeServerInstalled, INSTALL_HINT, openWorkbench, startServer, type Server, type Workbench } from './webviewHarness';

const KEYS = Number(process.env.WEBVIEW_E2E_KEYS ?? 600_000);
/** Keys per MIGRATE: small, so a run lasts long enough to watch (and to cancel) it. */
const PIPELINE = 1;
const CLUSTER_NAME = 'e2e-webview';

const t0 = Date.now();
const log = (m: string): void => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

let cluster: TestCluster | undefined;
let server: Server | undefined;
let wb: Workbench | undefined;
let ids: string[] = [];

const skip = codeServerInstalled() ? false : INSTALL_HINT;

async function topologyNow(): Promise<Topology> {
  // A drained master turns into a replica of the master that took its last slot and full-syncs from it:
  // until it has loaded that data it answers LOADING. Wait for it, with a deadline.
  let topo: Topology | undefined;
  await waitFor(
    "the cluster to answer (a drained master may still be loading its new master's data)",
    async () => {
      topo = await loadTopology(cluster!.entry.host, cluster!.entry.port);
      return true as const;
    },
    120_000,
    250,
  );
  return topo!;
}

/** Keys on the masters of the current topology (a drained master may have turned into a replica, as Redis 7 does). */
async function totalKeys(): Promise<number> {
  const topo = await topologyNow();
  let n = 0;
  for (const node of topo.nodes) {
    if (node.role !== 'master') continue;
    const handle = cluster!.nodes.find((h) => h.port === node.port)!;
    n += Number(await cmd(cluster!.client(handle), 'DBSIZE'));
  }
  return n;
}

/** Keys currently in the plan's slots (what the panel should show as keys to move). */
async function keysInPlan(plan: MovePlan, topo: Topology): Promise<number> {
  let sum = 0;
  for (const node of topo.nodes.filter((n) => n.role === 'master')) {
    const slots = plan.moves.filter((m) => m.sourceId === node.id).map((m) => m.slot);
    if (slots.length === 0) continue;
    const handle = cluster!.masters.find((h) => h.port === node.port)!;
    const p = cluster!.client(handle).pipeline();
    for (const s of slots) p.call('CLUSTER', 'COUNTKEYSINSLOT', String(s));
    for (const [err, v] of (await p.exec()) ?? []) if (!err) sum += Number(v);
  }
  return sum;
}

async function attr(selector: string, name: string): Promise<string | null> {
  return wb!.panel.locator(selector).getAttribute(name);
}

/**
 * Waits for the run to end, recording the overall progress values seen; once a
 * quarter of the slots moved, screenshots the progress and/or clicks Cancel.
 */
async function watchRun(
  total: number,
  opts: { shot?: string; cancelAfterProgress?: boolean; statusBar?: { panelBefore: number; status: number; panelAfter: number }[] },
): Promise<number[]> {
  const seen: number[] = [];
  let shotTaken = false;
  let cancelled = false;
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if ((await wb!.panel.locator('#summary-status').count()) > 0) break;
    const now = await attr('#overall-progress', 'aria-valuenow').catch(() => null);
    if (now !== null && opts.statusBar) {
      // The status bar between two readings of the panel: it must not trail them (#16 problem 3).
      const status = await statusBarSlots();
      const after = await attr('#overall-progress', 'aria-valuenow').catch(() => null);
      if (status !== undefined && after !== null) opts.statusBar.push({ panelBefore: Number(now), status, panelAfter: Number(after) });
    }
    if (now !== null) {
      const v = Number(now);
      if (seen[seen.length - 1] !== v) seen.push(v);
      if (v >= total / 4 && v < total) {
        if (opts.shot && !shotTaken) {
          await wb!.shot(opts.shot);
          shotTaken = true;
          log(`progress screenshot at ${v}/${total} slots`);
        }
        if (opts.cancelAfterProgress && !cancelled) {
          await wb!.panel.locator('#btn-cancel-run').click();
          cancelled = true;
          log(`Cancel clicked at ${v}/${total} slots`);
        }
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await wb!.panel.locator('#summary-status').waitFor({ timeout: 60_000 });
  if (opts.shot) assert.ok(shotTaken, `the run ended before progress could be seen midway (values seen: ${seen.join(', ')})`);
  if (opts.cancelAfterProgress) assert.ok(cancelled, `the run ended before it could be cancelled midway (values seen: ${seen.join(', ')})`);
  return seen;
}

async function waitForFile(dir: string, name: RegExp): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = readdirSync(dir).find((f) => name.test(f));
    if (found) return join(dir, found);
    if (Date.now() > deadline) throw new Error(`no file matching ${name} in ${dir}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The Rebalance command's multi-select options pick. */
async function optionsPick(): Promise<void> {
  await wb!.page.locator('.quick-input-widget input[placeholder*="press Enter"]').waitFor();
}

/**
 * A notification with this text, read from the notification center: with the smoke-test driver (which loading
 * the extension under development needs) the workbench never shows toasts (NotificationsToasts.addToast returns
 * early when enableSmokeTestDriver is set), so the center is where the same notification can be seen.
 */
async function notification(text: RegExp, shot?: string): Promise<string> {
  await wb!.runCommand('Notifications: Show Notifications');
  const item = wb!.page.locator('.notifications-center .notification-list-item-message', { hasText: text }).first();
  await item.waitFor({ timeout: 30_000 });
  const message = (await item.textContent()) ?? '';
  if (shot) await wb!.shot(shot);
  await wb!.runCommand('Notifications: Hide Notifications');
  return message;
}

/** The status bar item of a running migration: the slots it shows as moved, or undefined when it is not shown. */
async function statusBarSlots(): Promise<number | undefined> {
  const item = wb!.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+\/\d+ slots \(\d+%\)/ }).first();
  const text = await item.textContent({ timeout: 200 }).catch(() => null);
  const m = text ? /(\d+)\/(\d+) slots/.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

/** The modal that asks before a new plan replaces the summary shown in the cluster's panel: answer Replace. */
async function replaceSummary(): Promise<void> {
  const dialog = wb!.page.locator('.monaco-dialog-box', { hasText: /shows the summary of the last run/ });
  await dialog.waitFor();
  await dialog.locator('.monaco-button', { hasText: 'Replace' }).first().click();
}

/** Runs a test body; on failure saves a screenshot of the workbench next to the others. */
function withShotOnFailure(name: string, body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (e) {
      await wb?.shot(`webview-failure-${name}.png`).catch(() => undefined);
      throw e;
    }
  };
}

before(
  async () => {
    if (skip) return;
    cluster = await createCluster({ masters: 3 });
    ids = await Promise.all(cluster.masters.map((m) => cluster!.nodeId(m)));
    // Unbalance it: 3000 slots from the third master to the first, then fill it with keys.
    const { plan } = planReshard(await topologyNow(), { from: [ids[2]!], to: ids[0]!, slots: 3000 });
    const skew = await applyPlan(plan, {});
    assert.equal(skew.status, 'done');
    await populate(cluster, KEYS);
    log(`cluster ${cluster.masters.map((m) => m.addr).join(' ')} with ${KEYS} keys`);
    server = await startServer({
      'redisClusterManager.clusters': [{ name: CLUSTER_NAME, seeds: [cluster.entry.addr] }],
      'redisClusterManager.migration.pipeline': PIPELINE,
    });
    wb = await openWorkbench(server.cs, log);
    log('workbench visible');
  },
  { timeout: 180_000 },
);

after(async () => {
  await wb?.close().catch(() => undefined);
  await server?.stop().catch(() => undefined);
  await cluster?.stop().catch(() => undefined);
  log('stopped');
});

test(
  'rebalance from the palette: plan preview equals the engine plan, execute, progress, summary, balanced tree',
  { skip, timeout: 400_000 },
  withShotOnFailure('rebalance', async () => {
    const { page, panel } = wb!;
    // The tree first, so the cluster is loaded and its node rows can be read later.
    await page.getByRole('tab', { name: /Redis Cluster/ }).click();
    await page.getByRole('treeitem', { name: new RegExp(CLUSTER_NAME) }).waitFor();

    await wb!.runCommand('Redis Cluster: Rebalance…');
    await optionsPick();
    await page.keyboard.press('Enter'); // default options
    await panel.locator('#plan-total-slots').waitFor();
    log('panel shows a plan');

    const topo = await topologyNow();
    const expected = planRebalance(topo, {}) as MovePlan;
    assert.equal(expected.kind, 'rebalance');
    assert.equal(Number(await attr('#plan-total-slots', 'data-value')), expected.totalSlots, 'total slots equal the engine plan');
    assert.equal(Number(await attr('#plan-total-slots', 'data-groups')), expected.groups.length, 'moves equal the engine plan');
    assert.equal(await panel.locator('#plan-table tbody tr').count(), expected.groups.length);
    assert.equal(await attr('#phase-badge', 'data-phase'), 'preview');
    // Keys per slot are counted lazily; the total then equals the keys in the planned slots.
    await panel.locator('#plan-total-keys[data-value]:not([data-value=""])').waitFor();
    assert.equal(Number(await attr('#plan-total-keys', 'data-value')), await keysInPlan(expected, topo), 'keys to move');
    // Shading by keys per slot, once counted.
    await panel.locator('#shade-keys').check();
    // Hovering the map describes a slot (the first slot belongs to the first master and moves in this plan).
    const map = panel.locator('#slot-map');
    await map.hover({ position: { x: 2, y: 2 } });
    await panel.locator('#slot-map-tooltip', { hasText: 'Slot 0' }).waitFor();
    // …and so does the keyboard: the map is focusable, arrows move a cursor announced in a live region.
    await map.focus();
    await map.press('ArrowDown');
    await map.press('ArrowRight');
    await panel.locator('#slot-map-status', { hasText: /^Slot 129 · Owner / }).waitFor();
    // #16 problem 8: slot numbers along the map; the legend on screen without scrolling; the Moving key drawn in a
    // target's colour with the corner mark, as the map draws a moving slot.
    assert.match(await panel.locator('.map-axis').innerText(), /\b2048\b/);
    const legend = await panel.locator('#legend-heading').boundingBox();
    const viewport = page.viewportSize()!;
    assert.ok(legend && legend.y + legend.height <= viewport.height, `the legend is below the fold (${legend?.y} of ${viewport.height} px)`);
    assert.match((await panel.locator('.swatch.moving').getAttribute('style')) ?? '', /--target: *(hsl|rgb)/, 'the Moving key shows a target colour');
    log(`plan: ${expected.totalSlots} slots in ${expected.groups.length} move(s), as the engine plans it`);
    await wb!.shot('webview-plan.png');

    // A legend entry reveals its master in the tree.
    const first = cluster!.masters[0]!;
    await panel.locator(`button.legend-item[data-node-id="${ids[0]}"]`).click();
    await page.locator('.part.sidebar .monaco-list-row[aria-selected="true"]', { hasText: first.addr }).waitFor();

    // Export plan: VS Code's save dialog, then a JSON file `rcm apply` reads (the same plan as the engine's).
    await panel.locator('#btn-export').click();
    const pathInput = page.locator('.quick-input-widget:not(.hidden) input');
    await pathInput.waitFor();
    // The simple file dialog shows the folder first, then fills in the proposed name.
    for (let i = 0; i < 100 && !/rebalance-plan-.*\.json$/.test(await pathInput.inputValue()); i++) await page.waitForTimeout(100);
    assert.match(await pathInput.inputValue(), new RegExp(`^${server!.cs.workspace}/rebalance-plan-.*\\.json$`));
    await page.keyboard.press('Enter');
    const exported = await waitForFile(server!.cs.workspace, /^rebalance-plan-.*\.json$/);
    const saved = JSON.parse(readFileSync(exported, 'utf8')) as MovePlan;
    assert.deepEqual(saved, expected, 'the exported plan is the engine plan');
    const apply = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'apply', exported], { input: 'no\n', encoding: 'utf8', timeout: 30_000 });
    assert.equal(
      apply.stdout.split('\n')[0],
      `Plan: rebalance, ${expected.moves.length} slots in ${expected.groups.length} group(s).`,
      `rcm apply reads it (exit ${String(apply.status)}, stderr: ${apply.stderr})`,
    );
    log(`exported ${exported}; rcm apply reads it`);

    await panel.locator('#btn-execute').click();
    await panel.locator('#phase-badge[data-phase="running"]').waitFor();
    const statusBar: { panelBefore: number; status: number; panelAfter: number }[] = [];
    const seen = await watchRun(expected.totalSlots, { shot: 'webview-progress.png', statusBar });
    assert.ok(seen.length >= 3, `progress advanced in steps: ${seen.join(', ')}`);
    // Both follow the run through the same throttle: the status bar is within a few updates of the panel
    // (a loaded machine delays either side's rendering by a fraction of a second, hence the slack).
    assert.ok(statusBar.length >= 3, `the status bar showed the run's progress (${statusBar.length} readings)`);
    const slack = Math.max(100, Math.ceil(expected.totalSlots / 10));
    const lagging = statusBar.filter((r) => r.status < r.panelBefore - slack || r.status > r.panelAfter + slack);
    log(
      `status bar vs panel (slots): ${statusBar
        .slice(0, 12)
        .map((r) => `${r.panelBefore}/${r.status}/${r.panelAfter}`)
        .join(' ')}${statusBar.length > 12 ? ' …' : ''}`,
    );
    assert.deepEqual(lagging, [], `the status bar never trails or leads the panel by more than ${slack} slots`);
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      seen,
      'progress never goes back',
    );

    assert.equal(await attr('#summary-status', 'data-status'), 'done');
    assert.equal(await attr('#summary-check', 'data-ok'), 'true', 'post-check OK');
    assert.match(await panel.locator('#summary-verify').innerText(), /match/);
    assert.match(
      await panel.locator('#summary-moved').innerText(),
      new RegExp(`${expected.totalSlots.toLocaleString('en')} / ${expected.totalSlots.toLocaleString('en')}`),
    );
    // #16 problem 8: the light theme's "Finished" badge and "Migration finished" are readable (WCAG AA: 4.5:1).
    for (const sel of ['#phase-badge', '#summary-status']) {
      const r = await renderedColours(panel.locator(sel));
      assert.ok(r.contrast >= 4.5, `${sel}: ${r.color} on ${r.background} has contrast ${r.contrast.toFixed(2)}:1`);
      log(`${sel}: ${r.color} on ${r.background}, contrast ${r.contrast.toFixed(2)}:1`);
    }
    // #16 problem 8: no stale slot description under the map after the run (the keyboard left the map before it).
    assert.doesNotMatch(await panel.locator('#slot-map-status').innerText(), /moves to/, 'the map status still describes the plan');
    await wb!.shot('webview-summary.png');
    log('summary: done, verified, check OK');
    // The end of a run is notified, wherever the user looks (#16 problem 3).
    const ended = await notification(new RegExp(`Rebalance \\(${CLUSTER_NAME}\\) finished: ${expected.totalSlots} slots`), 'webview-end-notification.png');
    assert.match(ended, new RegExp(`^Rebalance \\(${CLUSTER_NAME}\\) finished: ${expected.totalSlots} slots? and \\d+ keys? moved in [\\d.]+s\\.$`));

    // "View check output" in the summary opens Check's result document, as redis-cli --cluster check prints it.
    await panel.locator('#btn-view-check').click();
    await page
      .locator('.tabs-container .tab', { hasText: `Check ${CLUSTER_NAME}` })
      .first()
      .waitFor();
    await page
      .locator('.editor-instance .view-lines', { hasText: /\[OK\]\sAll\s16384\sslots\scovered\./ })
      .first()
      .waitFor();
    await wb!.shot('webview-check-output.png');
    await wb!.runCommand('View: Close Editor');
    await panel.locator('#summary-status').waitFor();
    log('View check output opened the Check result');

    // The cluster is balanced, and so is what the tree shows.
    const after = await topologyNow();
    assert.ok(checkCluster(after).ok);
    const counts = after.nodes
      .filter((n) => n.role === 'master')
      .map((n) => n.slotCount)
      .sort();
    assert.deepEqual(counts, [5461, 5461, 5462]);
    assert.equal(await totalKeys(), KEYS);
    for (const m of cluster!.masters) {
      const node = after.nodes.find((n) => n.port === m.port)!;
      await page
        .locator('.monaco-list-row', { hasText: m.addr })
        .filter({ hasText: `${node.slotCount} slots` })
        .first()
        .waitFor({ timeout: 30_000 });
    }
    log(`tree shows ${counts.join('/')} slots`);
  }),
);

test(
  'a second run cancelled midway leaves the cluster clean: check OK, no open slot, no key lost',
  { skip, timeout: 400_000 },
  withShotOnFailure('cancel', async () => {
    const { page, panel } = wb!;
    await wb!.runCommand('Redis Cluster: Rebalance…');
    await optionsPick();
    await page.keyboard.press('Enter');
    // The panel shows the last run's summary: a new plan asks first (#16 problem 10).
    await replaceSummary();
    // Balanced now: the panel says so and offers the options.
    await panel.locator('#banner-nothing').waitFor();
    assert.equal(await panel.locator('#btn-execute').isDisabled(), true);
    // Weight 0 for the first master (a drain), recomputed by the pure planner in the panel.
    await panel.locator(`#w-${ids[0]}`).fill('0');
    await panel.locator('#btn-recompute').click();
    await panel.locator('#plan-total-slots').waitFor();
    const topo = await topologyNow();
    const expected = planRebalance(topo, { weights: [`${ids[0]}=0`] }) as MovePlan;
    assert.equal(Number(await attr('#plan-total-slots', 'data-value')), expected.totalSlots, 'recomputed plan equals the engine plan');
    log(`recomputed: drain of ${expected.totalSlots} slots`);

    await panel.locator('#btn-execute').click();
    await panel.locator('#phase-badge[data-phase="running"]').waitFor();
    await watchRun(expected.totalSlots, { cancelAfterProgress: true });
    assert.equal(await attr('#summary-status', 'data-status'), 'cancelled');
    assert.equal(await panel.locator('#phase-badge').innerText(), 'Cancelled', 'a cancelled run is not badged "Finished" (#16 problem 2)');
    await notification(/stopped after \d+ of \d+ slots; no slot was left open/, 'webview-cancelled-notification.png');
    const moved = Number(await attr('#overall-progress', 'aria-valuenow'));
    assert.ok(moved > 0 && moved < expected.totalSlots, `stopped midway (${moved} of ${expected.totalSlots})`);
    assert.equal(await attr('#summary-check', 'data-ok'), 'true', 'post-check OK after the cancel');
    assert.ok(await panel.locator('#btn-resume').isVisible(), 'the cancelled run can be resumed from the panel');
    await wb!.shot('webview-cancelled-summary.png');

    // Clean: no open slot, every slot covered once, every key still there and readable where the cluster says it is.
    const after = await topologyNow();
    const check = checkCluster(after);
    assert.ok(check.ok, JSON.stringify(check.findings));
    assert.deepEqual(check.openSlots, []);
    const before = topo.nodes.find((n) => n.id === ids[0])!.slotCount;
    assert.equal(after.nodes.find((n) => n.id === ids[0])!.slotCount, before - moved, 'the drained master gave exactly the slots the panel reported');
    assert.equal(await totalKeys(), KEYS, 'no key lost');
    const owner = new Map<number, number>();
    for (const n of after.nodes) for (const r of n.slots) for (let s = r.start; s <= r.end; s++) owner.set(s, n.port);
    for (let i = 0; i < KEYS; i += Math.floor(KEYS / 500)) {
      const key = `key:${i}`;
      const handle = cluster!.masters.find((m) => m.port === owner.get(keySlot(key)))!;
      assert.equal(await cluster!.client(handle).get(key), `value:${i}`, key);
    }
    log(`cancelled after ${moved} of ${expected.totalSlots} slots; cluster clean, ${KEYS} keys`);
  }),
);

test(
  'after a window reload the panel shows its last state and resumes the cancelled run from its journal',
  { skip, timeout: 400_000 },
  withShotOnFailure('reload', async () => {
    const { page, panel } = wb!;
    await wb!.runCommand('Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor();
    await panel.locator('#summary-status[data-status="cancelled"]').waitFor({ timeout: 90_000 });
    // The webview shows its saved state at once (badge Cancelled), then the host's init says it is restored.
    await panel.locator('#phase-badge', { hasText: 'Restored' }).waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('#phase-badge').innerText(), 'Restored');
    assert.equal(await panel.locator('#btn-execute').count(), 0, 'a restored panel cannot execute');
    await panel.locator('#btn-resume').waitFor();
    await wb!.shot('webview-restored.png');
    log('restored after reload; resume offered');

    await panel.locator('#btn-resume').click();
    await panel.locator('#phase-badge[data-phase="running"]').waitFor();
    await panel.locator('#summary-status').waitFor({ timeout: 240_000 });
    assert.equal(await attr('#summary-status', 'data-status'), 'done');
    assert.equal(await attr('#summary-check', 'data-ok'), 'true');
    assert.equal(await panel.locator('#btn-resume').count(), 0, 'a finished run is not offered again');
    // The drained master is a replica now (Redis does that): the summary says so (#16 problem 7).
    const first = cluster!.masters[0]!.addr;
    const demoted = panel.locator('#summary-demoted li', { hasText: `${first} had no slots left and is now a replica of 127.0.0.1:` });
    await demoted.waitFor({ timeout: 60_000 });
    log(`summary: ${await demoted.innerText()}`);
    await wb!.shot('webview-resumed-summary.png');

    const after = await topologyNow();
    assert.ok(checkCluster(after).ok);
    const drained = after.nodes.find((n) => n.id === ids[0])!;
    assert.equal(drained.slotCount, 0, 'the drain completed');
    assert.equal(await totalKeys(), KEYS, 'no key lost');
    log('resumed run finished; the first master is drained, cluster clean');

    // The restored panel is the cluster's panel: a new plan goes to it (asking first), no second panel opens.
    await wb!.runCommand('Redis Cluster: Rebalance…');
    await optionsPick();
    await page.keyboard.press('Enter');
    await replaceSummary();
    await panel.locator('#phase-badge[data-phase="preview"]').waitFor();
    assert.equal(await page.locator('iframe.webview.ready').count(), 1, 'one panel per cluster, the restored one included');
    await panel.locator('#btn-cancel').click();
    await page.locator('iframe.webview.ready').waitFor({ state: 'detached' });
  }),
);
