/** `callstate stats` over the read models: sessions and voicemails of a time range, aggregated in one read snapshot. */
import * as E from 'fp-ts/lib/Either.js'
import { callRecordsOf, statsOf, type CallRecord, type StatsQuery, type StatsRow } from '@callstate/projections'
import type { TimeRange } from '@callstate/projections'
import type { AnalyticsFailure, AnalyticsReader } from './source.js'

function* records(reader: AnalyticsReader, range: TimeRange): Generator<ReadonlyArray<CallRecord>> {
  for (const state of reader.sessions(range)) yield callRecordsOf(state)
}

export const readStats = (
  reader: AnalyticsReader,
  query: StatsQuery,
  range: TimeRange
): E.Either<AnalyticsFailure, StatsRow[]> => {
  const release = reader.snapshot()
  try {
    const rows = statsOf(query, records(reader, range), reader.voicemails(range))
    const failure = reader.failure()
    return failure === undefined ? E.right(rows) : E.left(failure)
  } finally {
    release()
  }
}
