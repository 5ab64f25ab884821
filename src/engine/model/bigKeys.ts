/**
 * Keys whose MIGRATE would block the source and the target for long (one
 * MIGRATE of a key serialises, sends and restores it whole, both nodes
 * serving nobody meanwhile), what it costs, and what to do about it. Pure.
 */

export interface BigKey {
  readonly slot: number;
  readonly sourceId: string;
  readonly targetId: string;
  /** Key name (UTF-8; binary names are shown lossy). */
  readonly key: string;
  readonly type: string;
  /** Bytes for strings, elements for collections. */
  readonly length: number;
  /** MEMORY USAGE on the source. */
  readonly bytes: number;
  /** Estimated time one MIGRATE of it blocks both nodes, ms. */
  readonly estimatedMs: number;
  /** The MIGRATE timeout rcm uses for it, ms. */
  readonly timeoutMs: number;
}

export interface BigKeyWarning {
  readonly key: string;
  readonly slot: number;
  readonly estimatedMs: number;
  readonly nodeTimeoutMs: number;
  readonly message: string;
}

export interface BigKeyReport {
  readonly keys: readonly BigKey[];
  readonly warnings: readonly BigKeyWarning[];
  /** Planned slots sampled within the time bound, of all planned slots. */
  readonly slotsScanned: number;
  readonly slotsPlanned: number;
  /** The sample stopped at its time bound. */
  readonly truncated: boolean;
}

/** Serialise + send + restore rates measured on Redis 7.0 on loopback (bench: test/integration/bigKeys.test.ts). */
const BYTES_PER_MS = 150_000;
const ELEMENTS_PER_MS = 2_000;

/** Keys above this estimate are listed. */
export const BIG_KEY_MS = 20;

export function estimateBlockingMs(type: string, length: number, bytes: number): number {
  const elements = type === 'string' ? 0 : length;
  return bytes / BYTES_PER_MS + elements / ELEMENTS_PER_MS;
}

/** A per-key MIGRATE timeout from the estimate: generous (the machine may be slower), never below the user's. */
export function bigKeyTimeoutMs(estimatedMs: number, userTimeoutMs: number): number {
  return Math.max(userTimeoutMs, Math.ceil(estimatedMs * 10 + 5000));
}

export function bigKeyWarning(k: BigKey, nodeTimeoutMs: number, addr: (id: string) => string): BigKeyWarning | null {
  if (!(nodeTimeoutMs > 0) || k.estimatedMs <= nodeTimeoutMs / 2) return null;
  const secs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  const suggest = Math.ceil((k.estimatedMs * 4) / 1000) * 1000;
  return {
    key: k.key,
    slot: k.slot,
    estimatedMs: k.estimatedMs,
    nodeTimeoutMs,
    message: `Moving key "${k.key}" (slot ${k.slot}, ${k.type} of ${formatBytes(k.bytes)}) blocks ${addr(k.sourceId)} and ${addr(k.targetId)} for about ${secs(k.estimatedMs)}, more than half of cluster-node-timeout (${secs(nodeTimeoutMs)}): their replicas may fail them over meanwhile. Raise cluster-node-timeout first (e.g. rcm set-timeout HOST:PORT ${Math.max(suggest, nodeTimeoutMs * 2)}), or split the key, or move it in a maintenance window.`,
  };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} B`;
}

/** One line per key for the CLI's plan preview. */
export function renderBigKeys(r: BigKeyReport, addr: (id: string) => string): string {
  const lines: string[] = [];
  if (r.keys.length > 0) {
    lines.push(`>>> ${r.keys.length} big key(s) in the planned slots (moved last in their slot, one MIGRATE each with its own timeout):`);
    for (const k of r.keys) {
      lines.push(
        `    slot ${k.slot} ${addr(k.sourceId)} -> ${addr(k.targetId)}: "${k.key}" ${k.type} ${k.type === 'string' ? `${k.length} bytes` : `${k.length} elements`}, ${formatBytes(k.bytes)}, ~${Math.round(k.estimatedMs)} ms blocking, MIGRATE timeout ${k.timeoutMs} ms`,
      );
    }
  }
  for (const w of r.warnings) lines.push(`[WARNING] ${w.message}`);
  if (r.truncated) lines.push(`>>> Big-key sample stopped at its time bound after ${r.slotsScanned} of ${r.slotsPlanned} slots.`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
