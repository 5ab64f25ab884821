/** Slot lists as typed in an input box. Pure. */

/** "0-99 200 300-310" → slots; null when malformed. */
export function parseSlotList(text: string): number[] | null {
  const out: number[] = [];
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (a > b || b > 16383) return null;
    for (let s = a; s <= b; s++) out.push(s);
  }
  return out.length > 0 ? out : null;
}
