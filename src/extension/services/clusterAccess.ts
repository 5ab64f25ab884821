/**
 * Reaching a cluster: its connection options (with secrets) and its seeds,
 * tried in order until one answers. The seed that worked is tried first next time.
 */
import type { ConnectionOptions } from '../../engine';
import { asErrorLike } from '../model/errors';
import { parseHostPort } from '../model/profile';
import type { Log } from './log';
import type { ProfileRegistry } from './profiles';

/** Errors that mean "this seed cannot be reached": the next seed may work. */
const NEXT_SEED = new Set(['unreachable', 'dns-failed', 'tls-failed']);

export class ClusterAccess {
  private readonly preferred = new Map<string, string>();

  constructor(
    private readonly registry: ProfileRegistry,
    private readonly log: Log,
  ) {}

  options(clusterId: string): Promise<ConnectionOptions> {
    return this.registry.connectionOptions(clusterId);
  }

  /** Seeds in the order to try them. */
  seeds(clusterId: string): string[] {
    const profile = this.registry.get(clusterId);
    const seeds = [...(profile?.seeds ?? [])];
    const first = this.preferred.get(clusterId);
    return first && seeds.includes(first) ? [first, ...seeds.filter((s) => s !== first)] : seeds;
  }

  /** Runs `fn` against the first seed that can be reached. */
  async withEntry<T>(clusterId: string, fn: (host: string, port: number, opts: ConnectionOptions) => Promise<T>): Promise<T> {
    const opts = await this.options(clusterId);
    const seeds = this.seeds(clusterId);
    let last: unknown;
    for (const seed of seeds) {
      const hp = parseHostPort(seed);
      if (!hp) continue;
      try {
        const result = await fn(hp.host, hp.port, opts);
        this.preferred.set(clusterId, seed);
        return result;
      } catch (e) {
        last = e;
        const code = asErrorLike(e).code;
        if (!code || !NEXT_SEED.has(code)) throw e;
        this.log.debug('access', `seed ${seed} failed (${code}); trying the next one`);
      }
    }
    throw last ?? new Error('no seeds');
  }
}
