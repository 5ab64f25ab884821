/**
 * Issue 16's UI journeys in the real workbench: the editor's "Redis Cluster"
 * context menu on a node id of a Check result, the hover, the Set Timeout /
 * Call / Backup / Restore / Create Cluster dialogs, and the tree and the
 * migration panel in the light and dark themes. Registered into run-extension-e2e.ts's journey list.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { renderedColours } from './contrast';
import { assertTreeRowsFit } from './treeFit';
import { waitFor } from '../helpers/wait';

/** The slice of run-extension-e2e.ts's Workbench these journeys use. */
export interface Wb {
  readonly page: Page;
  command(title: string): Promise<void>;
  answer(text: string, step?: string): Promise<void>;
  pick(label: string, step?: string): Promise<void>;
  dialogButton(label: string): Promise<void>;
  treeItem(name: RegExp | string): Locator;
  notification(text: RegExp | string, timeout?: number): Promise<string>;
  hideNotifications(): Promise<void>;
  shot(name: string): Promise<void>;
}

type Journey = (name: string, fn: () => Promise<void>) => void;

/** Picks `label` when a cluster Quick Pick shows up (it does once several clusters are listed). */
async function pickClusterIfAsked(wb: Wb, label: string): Promise<void> {
  const row = wb.page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row', { hasText: label }).first();
  const input = wb.page.locator('.quick-input-widget:not(.hidden) .quick-input-title');
  await Promise.race([row.waitFor({ timeout: 5000 }), input.waitFor({ timeout: 5000 })]).catch(() => undefined);
  if (await row.isVisible().catch(() => false)) await row.click();
}

/** The simple file dialog of the browser workbench: type the folder and accept it. */
async function chooseFolder(wb: Wb, dir: string, shot: string): Promise<void> {
  const input = wb.page.locator('.quick-input-widget:not(.hidden) input');
  await input.waitFor();
  // code-server's simple dialog puts its starting folder in the input a moment after it opens, and may do so again
  // after a path was typed (a screenshot showed the starting folder back in place of the path): type the path until
  // the input has held exactly it on three looks in a row.
  const want = `${dir}/`;
  let held = 0;
  await waitFor(
    `the folder dialog's input to keep ${want}`,
    async () => {
      const value = await input.inputValue();
      if (value === want) return ++held >= 3 || `held ${held}`;
      held = 0;
      await input.fill(want);
      return `it read "${value}"`;
    },
    10_000,
    100,
  );
  await wb.shot(shot);
  const ok = wb.page
    .locator('.quick-input-widget:not(.hidden) .quick-input-action a, .quick-input-widget:not(.hidden) .monaco-button', { hasText: /Back Up Here|Restore|OK/ })
    .first();
  if (await ok.isVisible().catch(() => false)) await ok.click();
  else await wb.page.keyboard.press('Enter');
}

export function nodeJourneys(journey: Journey, wb: Wb, ports: { seed: number; create: readonly number[] }): void {
  const page = wb.page;

  journey('the editor menu on a node id of a Check result: Redis Cluster → Open Node Info; the hover tells role and slots', async () => {
    await wb.command('Redis Cluster: Check');
    await pickClusterIfAsked(wb, 'e2e');
    // The editor renders spaces as U+00A0: \s matches both.
    // The visible editor's line: an earlier Check result may still be open behind it (its lines have no box), and
    // the editor may re-render a line between two looks at it: take the first match that has a box, polling.
    const lines = page.locator('.editor-instance .view-line', { hasText: /^M:\s[0-9a-f]{40}\s127\.0\.0\.1:\d+/ });
    await lines.first().waitFor({ state: 'attached' });
    let line = lines.first();
    let box: { x: number; y: number; width: number; height: number } | null = null;
    for (const deadline = Date.now() + 15_000; !box && Date.now() < deadline;) {
      for (const candidate of await lines.all()) {
        box = await candidate.boundingBox();
        if (box) {
          line = candidate;
          break;
        }
      }
      if (!box) await page.waitForTimeout(100);
    }
    if (!box) throw new Error('no line of the Check result is on screen');
    const id = /M:\s([0-9a-f]{40})/.exec((await line.textContent()) ?? '')![1]!;
    const span = line.locator('span', { hasText: id }).first();
    const idBox = (await span.boundingBox()) ?? box;
    const at = { x: idBox.x + 40, y: box.y + box.height / 2 };
    await page.mouse.click(at.x, at.y);
    await page.mouse.move(at.x, at.y + 1);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: /master/ }).first();
    await hover.waitFor({ timeout: 20_000 });
    const hoverText = (await hover.textContent()) ?? '';
    if (!/Slots: \d+/.test(hoverText) || !/Health/.test(hoverText)) throw new Error(`hover lacks slots/health: ${hoverText}`);
    await page.waitForTimeout(600); // the hover fades in
    await wb.shot('editor-hover');
    await page.keyboard.press('Escape');
    await page.mouse.click(at.x, at.y, { button: 'right' });
    const group = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Redis Cluster' }).first();
    await group.waitFor();
    await group.hover();
    // The submenu's items (the "Redis Cluster" item itself contains the submenu, so look inside .monaco-submenu).
    const item = (label: string | RegExp) => page.locator('.context-view .monaco-submenu .action-item', { hasText: label }).first();
    const open = item('Open Node Info');
    await open.waitFor();
    for (const label of ['Copy Node ID', 'Reshard From This Master…', 'Reshard To This Master…', 'Add Replica…']) await item(label).waitFor();
    if ((await page.locator('.context-view .monaco-submenu .action-item', { hasText: /^Failover$/ }).count()) > 0)
      throw new Error('Failover is offered on a master');
    await wb.shot('editor-context-menu');
    await open.hover();
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await page
      .locator('.tabs-container .tab', { hasText: /Node 127\.0\.0\.1:\d+/ })
      .first()
      .waitFor();
    await page.locator('.editor-instance .view-lines', { hasText: id }).first().waitFor();
    await wb.command('View: Close All Editors');
  });

  journey('Set Node Timeout…: the input box, then the result notification', async () => {
    await wb.command('Redis Cluster: Set Node Timeout…');
    await pickClusterIfAsked(wb, 'e2e');
    await page.locator('.quick-input-widget:not(.hidden) .quick-input-title', { hasText: 'Set Node Timeout on e2e' }).waitFor();
    await wb.shot('dialog-set-timeout');
    await wb.answer('15000');
    await page.locator('.monaco-dialog-box', { hasText: /Set cluster-node-timeout to 15000 ms on every node of e2e\?/ }).waitFor();
    await wb.shot('dialog-set-timeout-confirm');
    await wb.dialogButton('Set Timeout');
    await wb.notification(/cluster-node-timeout set to 15000 ms on 6 nodes\./);
    await wb.hideNotifications();
  });

  journey("Call Command…: the command, the target, redis-cli's output", async () => {
    await wb.command('Redis Cluster: Call Command…');
    await pickClusterIfAsked(wb, 'e2e');
    const input = page.locator('.quick-input-widget:not(.hidden) input');
    await input.waitFor();
    await input.fill('DBSIZE');
    await wb.shot('dialog-call');
    await page.keyboard.press('Enter');
    await wb.pick('Masters only');
    const out = page.locator('.editor-instance .view-lines', { hasText: /127\.0\.0\.1:\d+:\s\d+/ }).first();
    await out.waitFor();
    const lines = ((await out.innerText()) ?? '').split('\n').filter((l) => /^127\.0\.0\.1:\d+:\s\d+$/.test(l.trim()));
    if (lines.length !== 3) throw new Error(`expected 3 masters' replies, got ${lines.length}: ${lines.join(' | ')}`);
    await wb.command('View: Close All Editors');
  });

  const backupDir = mkdtempSync(join(tmpdir(), 'rcm-e2e-backup-'));
  journey("Backup…: the folder dialog, then every master's keys are saved", async () => {
    await wb.command('Redis Cluster: Backup…');
    await pickClusterIfAsked(wb, 'e2e');
    await chooseFolder(wb, backupDir, 'dialog-backup');
    await wb.notification(/Backed up 3 masters \(\d+ keys\) to /, 90_000);
    await wb.hideNotifications();
  });

  journey('Restore…: the folder dialog and the existing-keys choice; nothing is overwritten', async () => {
    await wb.command('Redis Cluster: Restore…');
    await pickClusterIfAsked(wb, 'e2e');
    await chooseFolder(wb, backupDir, 'dialog-restore');
    await page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row', { hasText: 'Keep keys that already exist' }).first().waitFor();
    await wb.shot('dialog-restore-existing');
    await wb.pick('Keep keys that already exist');
    await page.locator('.monaco-dialog-box', { hasText: /Restore the backup in .* into e2e\?/ }).waitFor();
    await wb.shot('dialog-restore-confirm');
    await wb.dialogButton('Restore');
    await wb.notification(/Restored 0 keys into e2e; \d+ existing keys left untouched\./, 90_000);
    await wb.hideNotifications();
  });

  journey('Create Cluster…: addresses, replicas, the allocation shown in a dialog, then the new cluster in the tree', async () => {
    await wb.command('Redis Cluster: Create Cluster…');
    const addrs = ports.create.map((p) => `127.0.0.1:${p}`);
    await wb.answer(addrs.join(' '));
    await page.locator('.quick-input-widget:not(.hidden)', { hasText: 'Replicas per master' }).waitFor();
    await wb.answer('0');
    const dialog = page.locator('.monaco-dialog-box', { hasText: /Create the cluster with this configuration\?/ });
    await dialog.waitFor({ timeout: 60_000 });
    if (!/Master\[0\]|Adding replica|slots/i.test((await dialog.textContent()) ?? '')) throw new Error('the dialog does not show the allocation');
    await wb.shot('dialog-create-cluster');
    await wb.dialogButton('Create Cluster');
    // The outcome: the new cluster in the tree, loaded (ok, 3 masters); the notification follows the reveal.
    await page
      .locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="1"]', {
        hasText: new RegExp(`^${addrs[0]!.replace(/\./g, '\\.')}.*ok · 3 masters`),
      })
      .first()
      .waitFor({ timeout: 90_000 });
    await wb.notification(/Cluster created with 3 nodes/, 30_000);
    await wb.hideNotifications();
  });

  for (const theme of ['Light Modern', 'Dark Modern'] as const) {
    journey(`the tree and the migration panel in the ${theme} theme, at the default sidebar width`, async () => {
      // Ctrl+K Ctrl+T (the palette would rank "Browse Color Themes in Marketplace" first).
      await page.locator('.part.sidebar').click({ position: { x: 150, y: 600 } });
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T');
      await page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor();
      await wb.answer(theme);
      const dark = theme.startsWith('Dark');
      await page
        .locator(dark ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs')
        .first()
        .waitFor({ timeout: 20_000 });
      const master = page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="2"]', { hasText: /slots/ }).first();
      await master.waitFor();
      if ((await master.getAttribute('aria-expanded')) === 'false') await master.locator('.monaco-tl-twistie').click();
      await wb.command('View: Close All Editors');
      await page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="3"]').first().waitFor();
      await page
        .locator('.quick-input-widget')
        .first()
        .waitFor({ state: 'hidden' })
        .catch(() => undefined);
      await page.waitForTimeout(600); // the palette fades out
      // No cluster, node or error row is cut off ("…") at the default sidebar width (issue #16, problem 4).
      await assertTreeRowsFit(page);
      await wb.shot(`tree-${theme.startsWith('Light') ? 'light' : 'dark'}`);
      // The migration panel in the same theme: a Reshard plan preview beside the tree.
      await wb.command('Redis Cluster: Reshard…');
      await pickClusterIfAsked(wb, 'e2e');
      await page.locator('.quick-input-widget:not(.hidden) .quick-input-list .monaco-list-row').first().click(); // target: the first master
      await wb.pick('All other masters');
      await page.keyboard.press('Enter');
      await wb.answer('100');
      const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await panel.locator('#plan-total-slots').waitFor({ timeout: 60_000 });
      await panel.locator(dark ? 'body.vscode-dark' : 'body.vscode-light').waitFor();
      // #16 problem 8: the phase badge keeps a colour in both themes (the dark theme's badge colour is a grey) and reads.
      // A webview frame not laid out yet computes no colours at all (CI once read "" on "", contrast NaN): measure
      // once it is styled; the assertion below still judges what it reads.
      let badge = await renderedColours(panel.locator('#phase-badge'));
      await waitFor(
        'the phase badge to be styled',
        async () => {
          badge = await renderedColours(panel.locator('#phase-badge'));
          return (badge.color !== '' && badge.background !== '') || 'no computed colour yet';
        },
        10_000,
        100,
      ).catch(() => undefined);
      if (badge.chroma < 40 || badge.contrast < 4.5)
        throw new Error(`the ${theme} phase badge: ${badge.color} on ${badge.background} (contrast ${badge.contrast.toFixed(2)}:1)`);
      await page.waitForTimeout(600); // the palette fades out
      await wb.shot(`panel-${dark ? 'dark' : 'light'}`);
      await wb.command('View: Close All Editors');
    });
  }
}
