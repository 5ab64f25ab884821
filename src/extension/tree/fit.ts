/**
 * Fitting a tree row's description into the default sidebar width. VS Code
 * cuts a long description with "…", so the tree puts problems first (always
 * shown: a cut-off tail must never hide one), then the other parts in order
 * of use, as many as fit next to the label; everything left out is in the
 * tooltip and the child rows. Pure.
 */

/**
 * Room for label + description of a top-level row at the default sidebar
 * width (300 px in code-server and VS Code), in the average widths of
 * `textWidth`; each level of nesting costs one. Measured in the e2e tree
 * (test/e2e/run-extension-e2e.ts checks that no description is cut off):
 * a `127.0.0.1:NNNNN` label leaves about 16 for the description.
 */
export const ROW_ROOM = 32;

const SEPARATOR = ' · ';

/** A string's width in average Latin characters: wide (CJK) characters count two. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

/** Description room next to `label` at nesting `depth` (0: a cluster row). Never negative. */
export function descriptionRoom(label: string, depth: number): number {
  return Math.max(0, ROW_ROOM - depth - textWidth(label));
}

/**
 * `problems` (all of them, first), then the leading `rest` that fit in `room`,
 * joined by " · ". Stops at the first part that does not fit, so what is shown
 * is always a prefix in the order given.
 */
export function fitParts(problems: readonly string[], rest: readonly string[], room: number): string {
  const out = [...problems];
  let width = textWidth(out.join(SEPARATOR));
  for (const part of rest) {
    const next = width + (out.length > 0 ? SEPARATOR.length : 0) + textWidth(part);
    if (next > room) break;
    out.push(part);
    width = next;
  }
  return out.join(SEPARATOR);
}
