/** Order assertions that cannot pass when an item is missing (an indexOf of -1 is "before" everything). */
import assert from 'node:assert/strict';

/** Each of `items` occurs in `haystack` (a string or a list), in this order. */
export function assertInOrder(haystack: string | readonly string[], ...items: string[]): void {
  let from = -1;
  for (const item of items) {
    const at = haystack.indexOf(item, from + 1);
    assert.ok(at >= 0, `"${item}" is missing${from >= 0 ? ` after "${items[items.indexOf(item) - 1]}"` : ''}`);
    from = at;
  }
}

/** The text before `marker`, which must occur. */
export function upTo(text: string, marker: string): string {
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `"${marker}" is missing in:\n${text}`);
  return text.slice(0, at);
}
