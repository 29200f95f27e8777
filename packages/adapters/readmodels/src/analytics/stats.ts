/** `callstate stats` over the read models: sessions and voicemails of a time range, aggregated in one read snapshot. */
import * as E from 'fp-ts/lib/Either.js'
import {
  sessionCallsOf,
  statsOf,
  type SessionCalls,
  type StatsQuery,
  type StatsRow,
  type TimeRange
} from '@callstate/projections'
import type { AnalyticsFailure, AnalyticsReader } from './source.js'

/** The instant the report is made at: a call not ended with no event for `staleAfterMs` by then counts as stale. */
export interface ReportClock {
  readonly now: string
  readonly staleAfterMs: number
}

function* sessionCalls(reader: AnalyticsReader, range: TimeRange, clock: ReportClock): Generator<SessionCalls> {
  for (const state of reader.sessions(range)) yield sessionCallsOf(state, clock)
}

export const readStats = (
  reader: AnalyticsReader,
  query: StatsQuery,
  range: TimeRange,
  clock: ReportClock
): E.Either<AnalyticsFailure, StatsRow[]> => {
  const release = reader.snapshot()
  try {
    const rows = statsOf(query, sessionCalls(reader, range, clock), reader.voicemails(range))
    const failure = reader.failure()
    return failure === undefined ? E.right(rows) : E.left(failure)
  } finally {
    release()
  }
}
