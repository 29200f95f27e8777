/**
 * The analytics requests as the faces receive them (`callstate stats --from --to --by --tz`, `GET /stats?from=&to=
 * &by=&tz=`, `callstate export calls --from --to`), parsed once. Failures are tagged values naming the parameter;
 * each face words them with its own name for the parameter (`--from` on the command line, `querystring/from` over
 * HTTP) through `describeRequestFailure`, so the rule and its explanation exist once.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { parseDuration } from '../duration.js'
import { parseDimensions } from './dimensions.js'
import { DEFAULT_QUEUE_THRESHOLDS, type QueueThresholds } from './queue-stats.js'
import type { StatsQuery } from './stats.js'
import { UTC, zoneOf, type Zone } from './zone.js'

/** Calls selected by their start: `[from, to)`. */
export interface TimeRange {
  /** Inclusive, normalised ISO (so text order is time order). */
  readonly from?: string
  /** Exclusive. */
  readonly to?: string
}

export type RequestParam = 'from' | 'to' | 'by' | 'tz' | 'answerWithin' | 'shortAbandon'

export type RequestFailure =
  | { readonly _tag: 'NotAnInstant'; readonly param: 'from' | 'to'; readonly value: string }
  | { readonly _tag: 'EmptyRange'; readonly from: string; readonly to: string }
  | { readonly _tag: 'InvalidDimensions'; readonly param: 'by'; readonly message: string }
  | { readonly _tag: 'UnknownZone'; readonly param: 'tz'; readonly zone: string }
  | { readonly _tag: 'NotADuration'; readonly param: 'answerWithin' | 'shortAbandon'; readonly message: string }

/** The parameters as received: strings when given, anything else is refused as not an instant (or ignored). */
export interface RangeInput {
  readonly from?: unknown
  readonly to?: unknown
}
export interface StatsInput extends RangeInput {
  readonly by?: unknown
  readonly tz?: unknown
  /** Queue rows: answered within this counts for the service level (a duration: `20s`, `30000`). */
  readonly answerWithin?: unknown
  /** Queue rows: abandoned within this is a short abandon. */
  readonly shortAbandon?: unknown
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/

const instant = (param: 'from' | 'to', value: unknown, zone: Zone): E.Either<RequestFailure, string | undefined> => {
  if (value === undefined) return E.right(undefined)
  // A date alone is the start of that day in `zone` (stats' --tz; UTC otherwise); a date-time must say its offset
  // (without one, JavaScript would read it in the machine's zone, and the same request would select different
  // calls on another machine).
  const ms = typeof value === 'string' && ISO.test(value) ? Date.parse(value) : NaN
  if (!Number.isFinite(ms)) return E.left({ _tag: 'NotAnInstant', param, value: String(value) })
  return E.right(typeof value === 'string' && value.length === 10 ? zone.midnight(value) : new Date(ms).toISOString())
}

/** `zone`: where a date alone begins (default UTC). */
export const parseTimeRange = (input: RangeInput, zone: Zone = UTC): E.Either<RequestFailure, TimeRange> =>
  pipe(
    E.Do,
    E.bind('from', () => instant('from', input.from, zone)),
    E.bind('to', () => instant('to', input.to, zone)),
    E.flatMap(({ from, to }) =>
      from !== undefined && to !== undefined && from >= to
        ? E.left<RequestFailure, TimeRange>({ _tag: 'EmptyRange', from, to })
        : E.right({ ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) })
    )
  )

const threshold = (
  param: 'answerWithin' | 'shortAbandon',
  value: unknown,
  fallback: number
): E.Either<RequestFailure, number> =>
  value === undefined
    ? E.right(fallback)
    : pipe(
        parseDuration(typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '?'),
        E.mapLeft((message): RequestFailure => ({ _tag: 'NotADuration', param, message }))
      )

/** The queue thresholds of a request, the defaults (20 s, 5 s) where it names none. */
export const parseThresholds = (input: StatsInput): E.Either<RequestFailure, QueueThresholds> =>
  pipe(
    E.Do,
    E.bind('answerWithinMs', () =>
      threshold('answerWithin', input.answerWithin, DEFAULT_QUEUE_THRESHOLDS.answerWithinMs)
    ),
    E.bind('shortAbandonMs', () =>
      threshold('shortAbandon', input.shortAbandon, DEFAULT_QUEUE_THRESHOLDS.shortAbandonMs)
    )
  )

export interface StatsRequest {
  readonly query: StatsQuery
  readonly range: TimeRange
  readonly thresholds: QueueThresholds
}

export const parseStatsRequest = (input: StatsInput): E.Either<RequestFailure, StatsRequest> =>
  pipe(
    E.Do,
    E.bind('by', () =>
      pipe(
        parseDimensions(typeof input.by === 'string' ? input.by : ''),
        E.mapLeft((f): RequestFailure => ({ _tag: 'InvalidDimensions', param: 'by', message: f.message }))
      )
    ),
    E.bind('zone', () =>
      typeof input.tz === 'string'
        ? pipe(
            zoneOf(input.tz),
            E.mapLeft((f): RequestFailure => ({ _tag: 'UnknownZone', param: 'tz', zone: f.zone }))
          )
        : E.right(UTC)
    ),
    // A date alone in from/to is the start of that day in tz.
    E.bind('range', ({ zone }) => parseTimeRange(input, zone)),
    E.bind('thresholds', () => parseThresholds(input)),
    E.map(({ range, by, zone, thresholds }) => ({ range, query: { by, zone }, thresholds }))
  )

/** The failure as one line, with the parameter called what the face calls it (`--from`, `querystring/from`). */
export const describeRequestFailure = (f: RequestFailure, name: (param: RequestParam) => string): string => {
  switch (f._tag) {
    case 'NotAnInstant':
      return `${name(f.param)} must be an ISO 8601 time with a zone (e.g. 2026-01-05, 2026-01-05T09:00:00Z, 2026-01-05T09:00-05:00), got ${f.value}`
    case 'EmptyRange':
      return `${name('from')} (${f.from}) must be before ${name('to')} (${f.to})`
    case 'InvalidDimensions':
      return `${name(f.param)}: ${f.message}`
    case 'UnknownZone':
      return `${name(f.param)}: unknown time zone "${f.zone}" (use an IANA name such as Europe/Paris)`
    case 'NotADuration':
      return `${name(f.param)}: ${f.message}`
  }
}
