import { computeIdCheckChar } from '../../contracts/idcard';
// Deterministic pseudo-random numbers (mulberry32) for the demo-data generator.
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Picks a key by weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1][0];
  }
}

/**
 * A fictional GB 11643 ID number (area code 43xxxx, the birth date, a sequence
 * with the sex parity, the checksum) not yet in `used`; it is added to it.
 */
export function drawIdNumber(rng: Rng, birth: string, isFemale: boolean, used: Set<string>): string {
  let idNo: string;
  do {
    const area = `43${String(rng.int(1, 99)).padStart(2, '0')}${String(rng.int(1, 30)).padStart(2, '0')}`;
    const seqNo = rng.int(0, 99) * 10 + (isFemale ? rng.pick([0, 2, 4, 6, 8]) : rng.pick([1, 3, 5, 7, 9]));
    const first17 = area + birth.replace(/-/g, '') + String(seqNo).padStart(3, '0');
    idNo = first17 + computeIdCheckChar(first17);
  } while (used.has(idNo));
  used.add(idNo);
  return idNo;
}
