/**
 * Terminal plumbing shared by import, backup and restore: buffered output
 * (an import prints two chunks per key), a progress line on stderr when it
 * is a terminal, Ctrl-C as a safe stop, and the summary line.
 */
import { colourize, type DataEvent, type DataProgress, type OutputChunk } from '../engine';
import type { CommandContext } from './context';

export interface DataView {
  readonly onOutput?: (chunk: OutputChunk) => void;
  readonly onEvent: (e: DataEvent) => void;
  /** Writes what is buffered (before a question, say). */
  flush(): void;
  /** Writes what is buffered and clears the progress line. */
  finish(): void;
}

export function formatDataProgress(p: DataProgress): string {
  const eta = p.etaSec === null ? '?' : `${Math.ceil(p.etaSec)}s`;
  if (p.op === 'backup') {
    return `${(p.bytes / 1048576).toFixed(1)} MiB received, ${p.keysMoved}/${p.keysTotal} keys saved`;
  }
  const pct = p.keysTotal > 0 ? Math.min(100, Math.floor(((p.keysMoved + p.keysSkipped) * 100) / p.keysTotal)) : 0;
  const width = 24;
  const filled = Math.round((pct / 100) * width);
  const skipped = p.keysSkipped > 0 ? `, ${p.keysSkipped} skipped` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${p.keysMoved}/${p.keysTotal} keys${skipped}, ${Math.round(p.keysPerSec)} keys/s, ETA ${eta}`;
}

export function createDataView(ctx: CommandContext): DataView {
  const io = ctx.io;
  const colours = (io.env.TERM ?? '').includes('xterm');
  const bar = io.isTTY === true && process.stderr.isTTY === true && !ctx.json;
  let pending = '';
  let scheduled = false;
  let barShown = false;
  let lastBar = 0;
  const clearBar = (): void => {
    if (barShown) io.stderr('\r\x1b[K');
    barShown = false;
  };
  const flushOut = (): void => {
    scheduled = false;
    if (!pending) return;
    clearBar();
    io.stdout(pending);
    pending = '';
  };
  return {
    onOutput: ctx.json
      ? undefined
      : (chunk) => {
          if (chunk.stream === 'stderr') {
            flushOut();
            clearBar();
            io.stderr(colourize(chunk, colours));
            return;
          }
          pending += colourize(chunk, colours);
          if (pending.length >= 1 << 16) flushOut();
          else if (!scheduled) {
            scheduled = true;
            setImmediate(flushOut);
          }
        },
    onEvent: (e) => {
      if (!bar || e.type !== 'progress') return;
      const now = Date.now();
      if (now - lastBar < 100) return;
      lastBar = now;
      flushOut();
      io.stderr(`\r\x1b[K${formatDataProgress(e.progress)}`);
      barShown = true;
    },
    flush() {
      flushOut();
      clearBar();
    },
    finish() {
      flushOut();
      clearBar();
    },
  };
}

/** Runs `run` with Ctrl-C as "stop after what is in flight" (a second Ctrl-C quits at once). */
export function withSigint<T>(ctx: CommandContext, what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withStopNotice(ctx, `\nrcm: stopping the ${what} after the batches in flight (Ctrl-C again to quit at once)…\n`, run);
}

/** The one Ctrl-C handler of rcm: the first prints `notice` and aborts `run`'s signal, a second quits (130). */
export function withStopNotice<T>(ctx: CommandContext, notice: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    ctx.io.stderr(notice);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return run(controller.signal).finally(() => process.off('SIGINT', onSigint));
}

export function rate(p: DataProgress): string {
  return `${(p.elapsedMs / 1000).toFixed(2)}s (${Math.round(p.keysPerSec)} keys/s)`;
}
