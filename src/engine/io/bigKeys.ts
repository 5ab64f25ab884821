/**
 * Finds the keys of a plan whose MIGRATE would block long, within a time
 * bound: per source, the planned slots' keys (CLUSTER GETKEYSINSLOT, a sample
 * of up to SAMPLE_PER_SLOT per slot) and their size (STRLEN, else TYPE and the
 * length by type: HLEN/LLEN/SCARD/ZCARD/XLEN), MEMORY USAGE only for the
 * largest few per slot. The sizes are read by one read-only script per round of
 * slots (EVAL_RO: only the keys past the thresholds come back, so 2,000 slots
 * of 60 keys cost ~0.1 s instead of ~1 s of pipelined replies parsed by Node);
 * where scripts are refused (an ACL, an old server), by pipelines as before.
 * A round is kept small: a script blocks the node while it runs (~1 ms here).
 */
import { bigKeyTimeoutMs, bigKeyWarning, BIG_KEY_MS, estimateBlockingMs, type BigKey, type BigKeyReport, type BigKeyWarning } from '../model/bigKeys';
import type { MovePlan } from '../model/plan';
import type { NodeClient } from './connection';

const SAMPLE_PER_SLOT = 256;
const TOP_PER_SLOT = 4;
const SLOTS_PER_ROUND = 32;
/** Slots per script call: about 1 ms of the node's time for slots of ~60 small keys. */
const SLOTS_PER_SCRIPT = 16;

/**
 * ARGV: sample per slot, min string bytes, min elements, then the slots. Returns {slot, key, type, length} of
 * every sampled key at or past its threshold (a WRONGTYPE from STRLEN means a collection: TYPE, then its length).
 */
const SIZE_SCRIPT = [
  'local per, minStr, minEl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])',
  "local len = {hash = 'HLEN', list = 'LLEN', set = 'SCARD', zset = 'ZCARD', stream = 'XLEN'}",
  'local out = {}',
  'for i = 4, #ARGV do',
  '  local slot = tonumber(ARGV[i])',
  "  for _, k in ipairs(redis.call('CLUSTER', 'GETKEYSINSLOT', slot, per)) do",
  "    local n = redis.pcall('STRLEN', k)",
  "    if type(n) == 'number' then",
  "      if n >= minStr then out[#out + 1] = {slot, k, 'string', n} end",
  '    else',
  "      local t = redis.call('TYPE', k)['ok']",
  '      if len[t] then',
  '        n = redis.call(len[t], k)',
  '        if n >= minEl then out[#out + 1] = {slot, k, t, n} end',
  '      end',
  '    end',
  '  end',
  'end',
  'return out',
].join('\n');

const LENGTH_COMMAND: Readonly<Record<string, string>> = { string: 'STRLEN', hash: 'HLEN', list: 'LLEN', set: 'SCARD', zset: 'ZCARD', stream: 'XLEN' };
/** Below this a key is not worth a MEMORY USAGE (strings: bytes; collections: elements). */
const MIN_STRING = 1_000_000;
const MIN_ELEMENTS = 10_000;
const MIN_LENGTH: Readonly<Record<string, number>> = {
  string: MIN_STRING,
  hash: MIN_ELEMENTS,
  list: MIN_ELEMENTS,
  set: MIN_ELEMENTS,
  zset: MIN_ELEMENTS,
  stream: MIN_ELEMENTS,
};

interface Sized {
  readonly slot: number;
  readonly targetId: string;
  readonly key: Buffer;
  readonly type: string;
  readonly length: number;
}
type Move = { readonly slot: number; readonly targetId: string };

/** The round's keys past the thresholds, sized by the script; null where the node refuses it. */
async function sizedByScript(c: NodeClient, round: readonly Move[]): Promise<Sized[] | null> {
  const out: Sized[] = [];
  for (let i = 0; i < round.length; i += SLOTS_PER_SCRIPT) {
    const part = round.slice(i, i + SLOTS_PER_SCRIPT);
    const [r] = await c.pipeline([['EVAL_RO', SIZE_SCRIPT, 0, SAMPLE_PER_SLOT, MIN_STRING, MIN_ELEMENTS, ...part.map((m) => m.slot)]], { buffers: true });
    if (!r?.ok || !Array.isArray(r.value)) return null;
    const target = new Map(part.map((m) => [m.slot, m.targetId]));
    for (const row of r.value as unknown[]) {
      if (!Array.isArray(row) || row.length !== 4) return null;
      const slot = Number(row[0]);
      const key = row[1];
      if (!Buffer.isBuffer(key) || !target.has(slot)) return null;
      out.push({ slot, targetId: target.get(slot)!, key, type: String(row[2]), length: Number(row[3]) });
    }
  }
  return out;
}

/** The same by pipelines (GETKEYSINSLOT, STRLEN, then TYPE and the length of the keys STRLEN refuses). */
async function sizedByPipeline(c: NodeClient, round: readonly Move[]): Promise<Sized[]> {
  const lists = await c.pipeline(
    round.map((m) => ['CLUSTER', 'GETKEYSINSLOT', m.slot, SAMPLE_PER_SLOT] as const),
    { buffers: true },
  );
  const found = round.flatMap((m, j) => (lists[j]!.ok ? (lists[j]!.value as Buffer[]) : []).map((key) => ({ ...m, key })));
  if (found.length === 0) return [];
  // STRLEN first (most keys are strings): one command per key instead of TYPE then STRLEN. Only the keys it
  // refuses (WRONGTYPE: a collection) get a TYPE and their length command.
  const strlens = await c.pipeline(found.map((f) => ['STRLEN', f.key] as const));
  const strings = found.map((f, j) => ({ ...f, type: 'string', length: strlens[j]!.ok ? Number(strlens[j]!.value) : -1 }));
  const others = found.filter((_, j) => !strlens[j]!.ok);
  const types = others.length > 0 ? await c.pipeline(others.map((f) => ['TYPE', f.key] as const)) : [];
  const typed = others.map((f, j) => ({ ...f, type: types[j]!.ok ? String(types[j]!.value) : 'none' })).filter((f) => LENGTH_COMMAND[f.type]);
  const lengths = typed.length > 0 ? await c.pipeline(typed.map((f) => [LENGTH_COMMAND[f.type]!, f.key] as const)) : [];
  return [...strings.filter((f) => f.length >= 0), ...typed.map((f, j) => ({ ...f, length: lengths[j]!.ok ? Number(lengths[j]!.value) : 0 }))].filter(
    (f) => f.length >= MIN_LENGTH[f.type]!,
  );
}

export interface BigKeyScanOptions {
  /** Time bound of the whole scan, ms (default 2000). */
  readonly timeBoundMs?: number;
  /** The user's MIGRATE timeout (per-key timeouts never go below it). */
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /** Size the keys by a server-side script where the node allows it (default true; false: pipelines only). */
  readonly script?: boolean;
}

async function nodeTimeoutMs(client: NodeClient): Promise<number> {
  try {
    const reply = await client.call('CONFIG', 'GET', 'cluster-node-timeout');
    return Array.isArray(reply) ? Number(reply[1]) : 0;
  } catch {
    return 0; // CONFIG may be renamed or forbidden: no failover warning then
  }
}

export async function scanBigKeys(
  clients: ReadonlyMap<string, NodeClient>,
  plan: MovePlan,
  addr: (id: string) => string,
  opts: BigKeyScanOptions = {},
): Promise<BigKeyReport> {
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.timeBoundMs ?? 2000);
  const bySource = new Map<string, { slot: number; targetId: string }[]>();
  for (const m of plan.moves) {
    let list = bySource.get(m.sourceId);
    if (!list) bySource.set(m.sourceId, (list = []));
    list.push({ slot: m.slot, targetId: m.targetId });
  }
  const keys: BigKey[] = [];
  const warnings: BigKeyWarning[] = [];
  let scanned = 0;
  let truncated = false;
  await Promise.all(
    [...bySource].map(async ([sourceId, moves]) => {
      const c = clients.get(sourceId);
      if (!c) return;
      const nodeTimeout = await nodeTimeoutMs(c);
      let script = opts.script ?? true;
      for (let i = 0; i < moves.length; i += SLOTS_PER_ROUND) {
        if (now() > deadline) {
          truncated = true;
          return;
        }
        const round = moves.slice(i, i + SLOTS_PER_ROUND);
        let sized = script ? await sizedByScript(c, round) : null;
        if (sized === null) {
          script = false; // refused (an ACL, an old server): pipelines for this node from now on
          sized = await sizedByPipeline(c, round);
        }
        scanned += round.length;
        if (sized.length === 0) continue;
        // The largest few per slot get a MEMORY USAGE.
        const perSlot = new Map<number, typeof sized>();
        for (const f of sized) {
          let l = perSlot.get(f.slot);
          if (!l) perSlot.set(f.slot, (l = []));
          l.push(f);
        }
        const top = [...perSlot.values()].flatMap((l) => l.sort((a, b) => b.length - a.length).slice(0, TOP_PER_SLOT));
        if (top.length === 0) continue;
        const mem = await c.pipeline(top.map((f) => ['MEMORY', 'USAGE', f.key, 'SAMPLES', 5] as const));
        top.forEach((f, j) => {
          const bytes = mem[j]!.ok ? Number(mem[j]!.value) : 0;
          const estimatedMs = estimateBlockingMs(f.type, f.length, bytes);
          if (estimatedMs < BIG_KEY_MS) return;
          const k: BigKey = {
            slot: f.slot,
            sourceId,
            targetId: f.targetId,
            key: f.key.toString('utf8'),
            type: f.type,
            length: f.length,
            bytes,
            estimatedMs,
            timeoutMs: bigKeyTimeoutMs(estimatedMs, opts.timeoutMs ?? 60000),
          };
          keys.push(k);
          const w = bigKeyWarning(k, nodeTimeout, addr);
          if (w) warnings.push(w);
        });
      }
    }),
  );
  keys.sort((a, b) => b.estimatedMs - a.estimatedMs);
  return { keys, warnings, slotsScanned: scanned, slotsPlanned: plan.moves.length, truncated };
}
