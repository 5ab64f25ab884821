/** Splits what the user typed for "Call Command" into arguments, as redis-cli's prompt does. Pure. */

/**
 * Whitespace separates arguments; "double quotes" allow escapes (\n, \t, \", \\, \xHH),
 * 'single quotes' are literal except \'. Returns null for an unterminated quote.
 */
export function splitCommandLine(text: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    let cur = '';
    let inArg = true;
    while (inArg && i < n) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const q = c;
        i++;
        let closed = false;
        while (i < n) {
          const d = text[i]!;
          if (d === '\\' && i + 1 < n) {
            const e = text[i + 1]!;
            if (q === "'") {
              if (e === "'") {
                cur += "'";
                i += 2;
                continue;
              }
              cur += d;
              i++;
              continue;
            }
            if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
              cur += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
              i += 4;
              continue;
            }
            cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
            i += 2;
            continue;
          }
          if (d === q) {
            closed = true;
            i++;
            break;
          }
          cur += d;
          i++;
        }
        if (!closed) return null;
        // A closing quote must be followed by a space or the end (as redis-cli's sdssplitargs).
        if (i < n && !/\s/.test(text[i]!)) return null;
        inArg = false;
      } else if (/\s/.test(c)) {
        inArg = false;
      } else {
        cur += c;
        i++;
      }
    }
    args.push(cur);
  }
  return args;
}
