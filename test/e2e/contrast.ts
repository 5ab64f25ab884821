/**
 * How readable an element is as rendered: its text colour against the first opaque background behind it
 * (WCAG 2 contrast ratio), and whether that text colour is a grey (the dark theme's badge colour that
 * hid the migration's phase, issue #16 problem 8).
 */
import type { Locator } from 'playwright-core';

export interface Rendered {
  readonly color: string;
  readonly background: string;
  readonly contrast: number;
  /** The largest difference between two of the text colour's channels (0: a grey). */
  readonly chroma: number;
}

export async function renderedColours(el: Locator): Promise<Rendered> {
  // No named helpers inside the page function: tsx would wrap them in a `__name` the page does not have.
  const { color, background } = await el.evaluate((node) => {
    const view = node.ownerDocument.defaultView!;
    let bg = 'rgb(255, 255, 255)';
    for (let n: typeof node | null = node; n; n = n.parentElement as typeof node | null) {
      const c = view.getComputedStyle(n).backgroundColor;
      if (!/^rgba\(.*,\s*0\)$|^transparent$|\/\s*0\)$/.test(c)) {
        bg = c;
        break;
      }
    }
    return { color: view.getComputedStyle(node).color, background: bg };
  });
  // rgb(r, g, b) / rgba(…) in 0-255; color-mix() computes to color(srgb r g b) in 0-1.
  const rgb = (c: string): number[] => {
    const v = (c.replace(/^color\(srgb/, '').match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    return c.startsWith('color(srgb') ? v.map((x) => x * 255) : v;
  };
  const lum = (c: string): number => {
    const [r, g, b] = rgb(c).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [a, b] = [lum(color), lum(background)].sort((x, y) => y - x);
  const c = rgb(color);
  return { color, background, contrast: (a! + 0.05) / (b! + 0.05), chroma: Math.max(...c) - Math.min(...c) };
}
