/**
 * What the query benchmark asks for, and how it times it: a fixed-seed generator (the same run asks the same
 * questions), instants spread over the whole history, and timing loops with a sample count and a time budget
 * (a query that is slow at a large size still gives a figure, over fewer samples, instead of taking an hour).
 */
import { percentile } from './stats.mjs'

/** A fixed-seed linear congruential generator: uniform in [0, 1). */
export const seededRandom = (seed) => {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return s / 2 ** 31
  }
}

/** `n` ISO instants: `fixed` first (the extremes a user may ask for), then uniform in [from, to]. */
export const instantsBetween = (random, from, to, n, fixed = []) => {
  const a = Date.parse(from)
  const b = Date.parse(to)
  const out = fixed.slice(0, n)
  while (out.length < n) out.push(new Date(a + Math.floor(random() * Math.max(0, b - a))).toISOString())
  return out
}

/** The UTC day (YYYY-MM-DD) of an instant, and the day after. */
export const dayOf = (iso) => iso.slice(0, 10)
export const nextDay = (day) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/**
 * Reservoir sampling: `k` items chosen uniformly from a sequence of unknown length, in bounded memory (a 10M-event
 * log has ~800,000 sessions; their ids are not all kept). Resolves `{ sample, count }`.
 */
export const reservoir = (random, k) => {
  const sample = []
  let count = 0
  return {
    add: (item) => {
      count++
      if (sample.length < k) sample.push(item)
      else {
        const j = Math.floor(random() * count)
        if (j < k) sample[j] = item
      }
    },
    result: () => ({ sample, count })
  }
}

/**
 * Times `f(i)` for i = 0..n-1 after `warmup` unmeasured calls `f(n)`..`f(n + warmup - 1)` (JIT, page cache: give
 * them inputs of their own). A slow query stops early, once `budgetMs` has passed: after 10 samples, or 3 when
 * they take more than a tenth of the budget each, or 1 when more than a third. The warm-up stops after a quarter
 * of the budget; a warm-up call that took longer than that is kept as a sample (at that speed the JIT is not what
 * is measured), so a query slower than the budget is run once. `f` may return extra figures (the last one's are
 * kept). Returns `{ n, wanted, p50, p99, max, mean, ...extra }` in ms.
 */
export const measure = async (name, { n, warmup = Math.ceil(n / 10), budgetMs, note }, f) => {
  const ms = []
  let last
  const started = performance.now()
  for (let i = 0; i < warmup && performance.now() - started < budgetMs / 4; i++) {
    const t = performance.now()
    const r = await f(n + i)
    if (performance.now() - t > budgetMs / 4) {
      ms.push(performance.now() - t)
      last = r
    }
  }
  const enough = () => {
    const elapsed = performance.now() - started
    const mean = ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)
    return (
      elapsed > budgetMs &&
      (ms.length >= 10 || (ms.length >= 3 && mean > budgetMs / 10) || (ms.length >= 1 && mean > budgetMs / 3))
    )
  }
  for (let i = 0; i < n && ms.length < n && !enough(); i++) {
    const t = performance.now()
    last = await f(i)
    ms.push(performance.now() - t)
  }
  const figures = {
    n: ms.length,
    wanted: n,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: Math.max(...ms),
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
    ...(last ?? {})
  }
  note?.(
    `${name}: p50 ${figures.p50.toFixed(3)} ms, p99 ${figures.p99.toFixed(3)} ms, max ${figures.max.toFixed(3)} ms ` +
      `(n=${figures.n}${figures.n < n ? ` of ${n}: time budget` : ''})`
  )
  return figures
}
