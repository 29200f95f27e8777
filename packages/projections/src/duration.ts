/**
 * Durations as users type them: `4h`, `30m`, `90s`, `1500ms`, `2d`, or a plain number of milliseconds.
 * Used for `--stale-after` and CALLSTATE_STALE_AFTER.
 */
import * as E from 'fp-ts/lib/Either.js'

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** The default stale threshold: a call with no event for 4 hours is closed as stale at query time. */
export const DEFAULT_STALE_AFTER_MS = 4 * 3_600_000

export const parseDuration = (text: string): E.Either<string, number> => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text)
  const amount = m?.[1]
  if (m === null || amount === undefined)
    return E.left(`not a duration: "${text}" (use e.g. 4h, 30m, 90s or milliseconds)`)
  const ms = Number(amount) * (UNIT_MS[m[2] ?? 'ms'] ?? 1)
  return Number.isFinite(ms) && ms > 0 ? E.right(Math.round(ms)) : E.left(`duration must be positive: "${text}"`)
}
