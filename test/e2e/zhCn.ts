/**
 * The extension's Simplified Chinese UI in the real workbench, without
 * downloading Microsoft's language pack: a stub language pack (only
 * `contributes.localizations` for zh-cn, no translations of its own; files in
 * test/e2e/fixtures/zh-cn-language-pack) is packaged with vsce, installed into
 * a fresh code-server started with `--locale zh-cn`, and the tree and the
 * palette must then show the extension's zh-cn strings.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO, runPaletteCommand, startCodeServer, type CodeServer } from './codeServer';
import { assertTreeRowsFit } from './treeFit';

const STUB_ID = 'rcm-test.zh-cn-language-pack-stub';
const STUB_VERSION = '0.0.1';

/**
 * The server finds language packs through <user-data>/languagepacks.json, which its extension service
 * writes after an install through the workbench; `code-server --install-extension` does not. Write the
 * same entry (format of VS Code 1.139's LanguagePacksCache) for the installed stub.
 */
function writeLanguagePacks(stateDir: string): void {
  const dir = join(stateDir, 'ext', `${STUB_ID}-${STUB_VERSION}`);
  const hash = createHash('md5').update(STUB_ID).update(STUB_VERSION).digest('hex');
  const packs = {
    'zh-cn': {
      hash,
      label: '中文(简体)',
      extensions: [{ extensionIdentifier: { id: STUB_ID }, version: STUB_VERSION }],
      translations: { vscode: join(dir, 'translations', 'main.i18n.json') },
    },
  };
  writeFileSync(join(stateDir, 'ud', 'languagepacks.json'), JSON.stringify(packs));
}

export async function runZhCn(
  browser: Browser,
  o: { port: number; stateDir: string; settings: Record<string, unknown>; artifacts: string; log: (m: string) => void },
): Promise<void> {
  mkdirSync(o.stateDir, { recursive: true });
  const vsix = join(o.stateDir, 'zh-cn-stub.vsix');
  const pack = spawnSync(
    process.execPath,
    [join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix],
    { cwd: join(REPO, 'test', 'e2e', 'fixtures', 'zh-cn-language-pack'), encoding: 'utf8' },
  );
  if (pack.status !== 0) throw new Error(`packaging the language pack stub failed:\n${pack.stdout}${pack.stderr}`);
  let cs: CodeServer | undefined;
  try {
    cs = await startCodeServer({
      port: o.port,
      stateDir: o.stateDir,
      workspaceSettings: o.settings,
      extraArgs: ['--locale', 'zh-cn'],
      install: [vsix],
      prepare: () => writeLanguagePacks(o.stateDir),
    });
    const page = await (await browser.newContext({ viewport: { width: 1500, height: 950 } })).newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(cs.url({ dev: true }));
    await page.locator('.monaco-workbench').waitFor();
    try {
      await page
        .getByRole('tab', { name: /Redis 集群/ })
        .first()
        .click({ timeout: 30_000 });
    } catch (e) {
      await page.screenshot({ path: join(o.artifacts, 'zh-cn-failure.png') });
      throw e;
    }
    // The cluster's description in zh-cn: "ok · 3 个主节点 · N 个键".
    await page
      .locator('.part.sidebar .monaco-list-row[role="treeitem"]', { hasText: /3 个主节点/ })
      .first()
      .waitFor({ timeout: 90_000 });
    // The zh-cn descriptions fit the default sidebar width too (wide characters count double in the tree's budget).
    await assertTreeRowsFit(page, o.log);
    await page.screenshot({ path: join(o.artifacts, 'tree-zh-cn.png') });
    o.log('screenshot .test-artifacts/e2e/tree-zh-cn.png');
    // Restore and Resume no longer start alike; one term for the output.
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Redis 集群: ');
    for (const title of ['Redis 集群: 还原…', 'Redis 集群: 继续中断的迁移…', 'Redis 集群: 显示输出']) {
      await page.locator('.quick-input-widget input').fill(`>${title}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    }
    await page.locator('.quick-input-widget input').fill('>Redis 集群');
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(o.artifacts, 'palette-zh-cn.png') });
    o.log('screenshot .test-artifacts/e2e/palette-zh-cn.png');
    await page.keyboard.press('Escape');
    // A zh-cn dialog: Set Node Timeout's input box.
    await runPaletteCommand(page, 'Redis 集群: 设置节点超时…');
    await page.locator('.quick-input-widget:not(.hidden) .quick-input-title', { hasText: '设置' }).first().waitFor();
    await page.screenshot({ path: join(o.artifacts, 'dialog-set-timeout-zh-cn.png') });
    await page.keyboard.press('Escape');
    await page.context().close();
  } finally {
    await cs?.stop();
  }
}
