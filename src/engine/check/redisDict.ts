/**
 * Emulation of the iteration order of Redis's `dict` (SipHash-1-2 with a zero
 * key, power-of-two tables, head insertion, incremental rehash). redis-cli keeps
 * open slots and uncovered slots in such a dict, so the order it prints them in
 * is this order, not numeric order. Pure; written from the behavioural spec.
 * valkey-cli 9's and redis-cli 8's dict (src/dict.c of Valkey 9 and Redis 8.6) differ in one step (DictRehash
 * 'bucket'): an insert while the table is rehashing moves the key's own old bucket when it is still there and
 * not empty (dictBucketRehash) instead of the next bucket in order, so the same slots come out in another order.
 */
import type { DictRehash } from '../model/dialect';

const MASK = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK;
}

/** SipHash-1-2 with a 16-byte all-zero key. */
export function siphash12(data: Uint8Array): bigint {
  let v0 = 0x736f6d6570736575n;
  let v1 = 0x646f72616e646f6dn;
  let v2 = 0x6c7967656e657261n;
  let v3 = 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const full = Math.floor(data.length / 8) * 8;
  for (let i = 0; i < full; i += 8) {
    let m = 0n;
    for (let j = 7; j >= 0; j--) m = (m << 8n) | BigInt(data[i + j]!);
    v3 ^= m;
    round();
    v0 ^= m;
  }
  let b = BigInt(data.length & 0xff) << 56n;
  for (let i = full; i < data.length; i++) b |= BigInt(data[i]!) << BigInt(8 * (i - full));
  v3 ^= b;
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  return v0 ^ v1 ^ v2 ^ v3;
}

const UTF8 = new TextEncoder();

interface Entry<V> {
  key: string;
  value: V;
  hash: bigint;
}

/** Insert-only Redis dict: add-or-replace and iteration order. */
export class RedisDictOrder<V> {
  private tables: Entry<V>[][][] = [[], []];
  private used = [0, 0];
  private rehashIdx = -1;

  constructor(private readonly rehash: DictRehash = 'scan') {}

  private index(hash: bigint, t: number): number {
    return Number(hash & BigInt(this.tables[t]!.length - 1));
  }

  private rehashStep(): void {
    if (this.rehashIdx === -1) return;
    const t0 = this.tables[0]!;
    let emptyVisits = 10;
    if (this.used[0]! > 0) {
      while (t0[this.rehashIdx]!.length === 0) {
        this.rehashIdx++;
        if (--emptyVisits === 0) return;
      }
      this.moveBucket(this.rehashIdx);
      this.rehashIdx++;
    }
    this.completeRehash();
  }

  private moveBucket(idx: number): void {
    const t1 = this.tables[1]!;
    for (const e of this.tables[0]![idx]!) {
      t1[this.index(e.hash, 1)]!.unshift(e);
      this.used[0]!--;
      this.used[1]!++;
    }
    this.tables[0]![idx] = [];
  }

  private completeRehash(): void {
    if (this.used[0] === 0) {
      this.tables = [this.tables[1]!, []];
      this.used = [this.used[1]!, 0];
      this.rehashIdx = -1;
    }
  }

  private expandIfNeeded(): void {
    if (this.rehashIdx !== -1) return;
    const t0 = this.tables[0]!;
    if (t0.length === 0) {
      this.tables[0] = Array.from({ length: 4 }, () => []);
      return;
    }
    if (this.used[0]! >= t0.length) {
      let size = 4;
      while (size < this.used[0]! + 1) size *= 2;
      this.tables[1] = Array.from({ length: size }, () => []);
      this.rehashIdx = 0;
    }
  }

  set(key: string, value: V): void {
    const hash = siphash12(UTF8.encode(key));
    const own = this.rehashIdx !== -1 ? this.index(hash, 0) : -1;
    if (this.rehash === 'bucket' && own >= this.rehashIdx && own !== -1 && this.tables[0]![own]!.length > 0) {
      this.moveBucket(own);
      this.completeRehash();
    } else this.rehashStep();
    this.expandIfNeeded();
    const tabs = this.rehashIdx !== -1 ? [0, 1] : [0];
    for (const t of tabs) {
      const bucket = this.tables[t]![this.index(hash, t)]!;
      const found = bucket.find((e) => e.key === key);
      if (found) {
        found.value = value;
        return;
      }
    }
    const t = this.rehashIdx !== -1 ? 1 : 0;
    this.tables[t]![this.index(hash, t)]!.unshift({ key, value, hash });
    this.used[t]!++;
  }

  entries(): [string, V][] {
    const out: [string, V][] = [];
    for (const bucket of this.tables[0]!) for (const e of bucket) out.push([e.key, e.value]);
    if (this.rehashIdx !== -1) for (const bucket of this.tables[1]!) for (const e of bucket) out.push([e.key, e.value]);
    return out;
  }

  keys(): string[] {
    return this.entries().map(([k]) => k);
  }
}
