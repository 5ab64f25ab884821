/**
 * Output as redis-cli writes it: chunks tagged with the stream and the
 * logger level (redis-cli colours info/warn/error/ok logger output when TERM
 * contains "xterm"). Text is exact, including newlines.
 */
export type OutputLevel = 'plain' | 'info' | 'warn' | 'error' | 'ok';

export interface OutputChunk {
  readonly stream: 'stdout' | 'stderr';
  readonly level: OutputLevel;
  readonly text: string;
}

export const out = (text: string, level: OutputLevel = 'plain'): OutputChunk => ({ stream: 'stdout', level, text });
export const err = (text: string): OutputChunk => ({ stream: 'stderr', level: 'plain', text });

const COLOUR: Record<OutputLevel, string | null> = {
  plain: null,
  info: '29;1',
  warn: '33;1',
  error: '31;1',
  ok: '32;1',
};

/** Applies redis-cli's ANSI wrapping to a logger chunk when colours are on. */
export function colourize(chunk: OutputChunk, colours: boolean): string {
  const code = COLOUR[chunk.level];
  if (!colours || code === null) return chunk.text;
  return `\x1b[${code}m${chunk.text}\x1b[0m`;
}

/** Concatenates the chunks of one stream (for tests and JSON output). */
export function streamText(chunks: readonly OutputChunk[], stream: 'stdout' | 'stderr'): string {
  return chunks
    .filter((c) => c.stream === stream)
    .map((c) => c.text)
    .join('');
}
