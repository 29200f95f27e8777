/** The options stats and export share: the time range (`--from`, `--to`: ISO instants, [from, to)). */
import * as E from 'fp-ts/lib/Either.js'
import { UTC, type Zone } from '@callstate/projections'
import type { TimeRange } from './source.js'

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/

const instant = (name: string, value: unknown, zone: Zone): E.Either<string, string | undefined> => {
  if (value === undefined) return E.right(undefined)
  // A date alone is the start of that day in `zone` (stats' --tz; UTC otherwise); a date-time must say its offset
  // (without one, JavaScript would read it in the machine's zone, and the same command would select different
  // calls on another machine).
  const ms = typeof value === 'string' && ISO.test(value) ? Date.parse(value) : NaN
  if (!Number.isFinite(ms)) return E.left(problem(name, value))
  return E.right(typeof value === 'string' && value.length === 10 ? zone.midnight(value) : new Date(ms).toISOString())
}

const problem = (name: string, value: unknown): string =>
  `${name} must be an ISO 8601 time with a zone (e.g. 2026-01-05, 2026-01-05T09:00:00Z, 2026-01-05T09:00-05:00), got ${String(value)}`

/** `zone`: where a date alone begins (default UTC). */
export const timeRange = (opts: Record<string, unknown>, zone: Zone = UTC): E.Either<string, TimeRange> => {
  const from = instant('--from', opts['from'], zone)
  if (E.isLeft(from)) return from
  const to = instant('--to', opts['to'], zone)
  if (E.isLeft(to)) return to
  if (from.right !== undefined && to.right !== undefined && from.right >= to.right)
    return E.left(`--from (${from.right}) must be before --to (${to.right})`)
  return E.right({
    ...(from.right === undefined ? {} : { from: from.right }),
    ...(to.right === undefined ? {} : { to: to.right })
  })
}
