/**
 * A small seeded PRNG (mulberry32). The simulator must give the same bytes for the same arguments, so
 * nothing in it may use Math.random or the clock: every random choice goes through one of these.
 */
export interface Rng {
  /** A float in [0, 1). */
  readonly next: () => number
  /** An integer in [lo, hi] (both inclusive). */
  readonly int: (lo: number, hi: number) => number
  readonly chance: (p: number) => boolean
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** Lowercase hex of `length` characters. */
  readonly hex: (length: number) => string
}

export const mulberry32 = (seed: number): Rng => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))
  const pick = <A>(items: ReadonlyArray<A>): A => {
    const item = items[Math.floor(next() * items.length)]
    // Callers only pass non-empty lists; an empty one is a programming error, not a data condition.
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
  const hex = (length: number): string => {
    let out = ''
    while (out.length < length)
      out += Math.floor(next() * 4294967296)
        .toString(16)
        .padStart(8, '0')
    return out.slice(0, length)
  }
  return { next, int, chance: (p) => p > 0 && next() < p, pick, hex }
}

/** Picks a key by weight; weights need not sum to anything in particular. */
export const weighted = <K>(rng: Rng, table: ReadonlyArray<readonly [K, number]>): K => {
  const total = table.reduce((sum, [, w]) => sum + w, 0)
  let roll = rng.next() * total
  for (const [key, w] of table) {
    roll -= w
    if (roll < 0) return key
  }
  const last = table[table.length - 1]
  if (last === undefined) throw new Error('weighted pick from an empty table')
  return last[0]
}

/** A numeric-string notification uuid like the platform's (`"4654793329359724763"`). */
export const numericUuid = (rng: Rng): string =>
  `${rng.int(1, 9)}${String(rng.int(0, 999_999_999)).padStart(9, '0')}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`
