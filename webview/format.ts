/** Number and duration formatting for the panel, in the display language. */
import type { StringKey } from '../src/shared/strings';

export type T = (key: StringKey, ...args: (string | number)[]) => string;

export class Formatter {
  private readonly int: Intl.NumberFormat;
  private readonly dec: Intl.NumberFormat;
  private readonly pct: Intl.NumberFormat;

  constructor(
    locale: string,
    private readonly t: T,
  ) {
    let loc = 'en';
    try {
      loc = Intl.NumberFormat.supportedLocalesOf([locale]).length > 0 ? locale : 'en';
    } catch {
      loc = 'en';
    }
    this.int = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
    this.dec = new Intl.NumberFormat(loc, { maximumFractionDigits: 1 });
    this.pct = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1 });
  }

  n(v: number): string {
    return this.int.format(v);
  }

  d(v: number): string {
    return this.dec.format(v);
  }

  share(part: number, whole: number): string {
    return this.pct.format(whole > 0 ? part / whole : 0);
  }

  /** Bytes with a 1024-based unit: `812 B`, `1.5 KB`, `3.2 MB`. */
  bytes(v: number): string {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let x = Math.max(0, v);
    let u = 0;
    while (x >= 1024 && u < units.length - 1) {
      x /= 1024;
      u++;
    }
    return `${u === 0 ? this.int.format(x) : this.dec.format(x)} ${units[u]}`;
  }

  /** CPU time from microseconds: `850 µs`, `12.5 ms`, `3.1 s`. */
  micros(us: number): string {
    if (us >= 1e6) return `${this.dec.format(us / 1e6)} s`;
    if (us >= 1e3) return `${this.dec.format(us / 1e3)} ms`;
    return `${this.int.format(us)} µs`;
  }

  duration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (ms < 10_000) return this.t('dur.s', this.dec.format(Math.max(0, ms) / 1000));
    if (s < 3600) return s < 60 ? this.t('dur.s', s) : this.t('dur.ms', Math.floor(s / 60), s % 60);
    return this.t('dur.hms', Math.floor(s / 3600), Math.floor((s % 3600) / 60));
  }

  /** `+mm:ss` from the start of the run. */
  clock(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000));
    const mm = Math.floor(s / 60);
    return `+${mm < 10 ? '0' : ''}${mm}:${s % 60 < 10 ? '0' : ''}${s % 60}`;
  }
}
