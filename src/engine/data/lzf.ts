/**
 * LZF decompression (the format liblzf writes and Redis uses for compressed
 * RDB strings). Each control byte starts either a literal run (ctrl < 32:
 * ctrl+1 bytes follow) or a back reference (length ctrl>>5, extended by one
 * byte when it is 7; offset from the low 5 bits and the next byte).
 */

export class LzfError extends Error {}

/** Decompresses `input` into exactly `outLen` bytes; throws LzfError on malformed data. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  const inEnd = input.length;
  while (ip < inEnd) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLen) throw new LzfError('LZF: literal run overflows the output');
      if (ip + run > inEnd) throw new LzfError('LZF: literal run past the end of the input');
      for (let i = 0; i < run; i++) out[op++] = input[ip++]!;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= inEnd) throw new LzfError('LZF: truncated back reference');
      len += input[ip++]!;
    }
    if (ip >= inEnd) throw new LzfError('LZF: truncated back reference');
    const ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++]!;
    len += 2;
    if (ref < 0) throw new LzfError('LZF: back reference before the start of the output');
    if (op + len > outLen) throw new LzfError('LZF: back reference overflows the output');
    // Byte by byte: the source range may overlap the bytes being written.
    for (let i = 0; i < len; i++) out[op++] = out[ref + i]!;
  }
  if (op !== outLen) throw new LzfError(`LZF: decompressed ${op} bytes, expected ${outLen}`);
  return out;
}
