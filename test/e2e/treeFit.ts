/**
 * Whether the sidebar tree's rows fit: VS Code cuts a row's label + description
 * with an ellipsis (CSS text-overflow on `.monaco-icon-label-container`, whose
 * overflow is hidden), so a cut-off row is one whose container's scrollWidth
 * (or the laid-out width of its text) exceeds its clientWidth. Open-slot rows are reported, not asserted
 * (their label is the slot, its state and the peer's address, all of it the row's point).
 */
import type { Page } from 'playwright-core';

export interface RowFit {
  readonly level: number;
  readonly label: string;
  readonly description: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  /** The laid-out width of label + description (what the row would need). */
  readonly textWidth: number;
}

export async function treeRowFits(page: Page): Promise<RowFit[]> {
  return page.locator('.part.sidebar .monaco-list-row[role="treeitem"]').evaluateAll((rows) =>
    rows.map((row) => {
      const box = row.querySelector('.monaco-icon-label-container');
      const range = row.ownerDocument.createRange();
      if (box) range.selectNodeContents(box);
      return {
        level: Number(row.getAttribute('aria-level')),
        label: row.querySelector('.label-name')?.textContent ?? '',
        description: row.querySelector('.label-description')?.textContent ?? '',
        scrollWidth: box?.scrollWidth ?? 0,
        clientWidth: box?.clientWidth ?? 0,
        textWidth: box ? Math.ceil(range.getBoundingClientRect().width) : 0,
      };
    }),
  );
}

/** Throws naming every cluster, node, slot-range or message row whose text is cut off; logs every row's widths. */
export async function assertTreeRowsFit(page: Page, log: (m: string) => void = console.log): Promise<void> {
  const fits = await treeRowFits(page);
  if (fits.length === 0) throw new Error('no tree rows to measure');
  const cut = fits.filter((f) => f.scrollWidth > f.clientWidth || f.textWidth > f.clientWidth);
  for (const f of fits)
    log(
      `  row L${f.level} text ${f.textWidth}px, scroll ${f.scrollWidth}px in ${f.clientWidth}px ${cut.includes(f) ? 'CUT ' : ''}"${f.label}" "${f.description}"`,
    );
  const bad = cut.filter((f) => !/^slot \d|^槽 \d/.test(f.label));
  if (bad.length > 0) throw new Error(`tree rows cut off at the default sidebar width: ${bad.map((f) => `"${f.label}  ${f.description}"`).join(', ')}`);
}
