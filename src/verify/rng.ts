/**
 * Seeded random numbers (float64), so that every measured claim is reproducible and a grader
 * seed (student id) chooses the inputs deterministically.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** standard normal */
  normal(): number;
  uniform(lo: number, hi: number): number;
  int(lo: number, hiInclusive: number): number;
}

/** Hash a string (e.g. a student id) into a 32-bit seed (FNV-1a). */
export function seedFrom(s: string | number): number {
  if (typeof s === 'number') return s >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** sfc32 generator seeded through splitmix32; 2^128 period, good statistical quality. */
export function makeRng(seed: number | string): Rng {
  let s = seedFrom(seed);
  const split = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(),
    b = split(),
    c = split(),
    d = split();
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  let spare: number | undefined;
  const next = (): number => (u32() * 2 ** 21 + (u32() >>> 11)) / 2 ** 53;
  return {
    next,
    normal(): number {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    uniform(lo, hi) {
      return lo + (hi - lo) * next();
    },
    int(lo, hi) {
      return lo + Math.floor(next() * (hi - lo + 1));
    },
  };
}

/** A rows×cols matrix with N(0, std²) entries. */
export function randnMatrix(rng: Rng, rows: number, cols: number, std = 1): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => std * rng.normal()));
}

export function randnVector(rng: Rng, n: number, std = 1): number[] {
  return Array.from({ length: n }, () => std * rng.normal());
}
