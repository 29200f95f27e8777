/**
 * Queue figures over the read models: `callstate stats --by queue` (the rows of a time range) and the live board
 * (`callstate queues`, `GET /queues`: what waits now, plus today's rows), each in one read snapshot.
 */
import * as E from 'fp-ts/lib/Either.js'
import { sessionAsOf } from '@callstate/domain'
import {
  emptyQueueRow,
  queueCallsOf,
  queuesNowOf,
  queueStatsOf,
  sessionCallsOf,
  type QueueBoardRow,
  type QueueCall,
  type QueueRow,
  type QueueThresholds,
  type StatsQuery,
  type TimeRange,
  type Zone
} from '@callstate/projections'
import type { AnalyticsFailure, AnalyticsReader } from './source.js'
import type { ReportClock } from './stats.js'

function* queueCalls(reader: AnalyticsReader, range: TimeRange, clock: ReportClock): Generator<QueueCall> {
  for (const state of reader.sessions(range)) yield* sessionCallsOf(state, clock).queueCalls
}

const inSnapshot = <A>(reader: AnalyticsReader, read: () => A): E.Either<AnalyticsFailure, A> => {
  const release = reader.snapshot()
  try {
    const result = read()
    const failure = reader.failure()
    return failure === undefined ? E.right(result) : E.left(failure)
  } finally {
    release()
  }
}

export const readQueueStats = (
  reader: AnalyticsReader,
  query: StatsQuery,
  range: TimeRange,
  thresholds: QueueThresholds,
  clock: ReportClock
): E.Either<AnalyticsFailure, QueueRow[]> =>
  inSnapshot(reader, () => queueStatsOf({ ...query, thresholds }, queueCalls(reader, range, clock)))

export const readQueuesNow = (
  reader: AnalyticsReader,
  zone: Zone,
  thresholds: QueueThresholds,
  clock: ReportClock
): E.Either<AnalyticsFailure, QueueBoardRow[]> =>
  inSnapshot(reader, () => {
    const since = new Date(Date.parse(clock.now) - clock.staleAfterMs).toISOString()
    const live: QueueCall[] = []
    for (const state of reader.liveSessions(since)) {
      const seen = sessionAsOf(state, clock)
      if (seen !== undefined && seen.status !== 'stale' && seen.status !== 'ended')
        live.push(...queueCallsOf(seen.state, seen.status, clock.now))
    }
    const today = { from: zone.midnight(zone.day(clock.now) ?? clock.now.slice(0, 10)), to: clock.now }
    const rows = queueStatsOf({ by: ['queue'], zone, thresholds }, queueCalls(reader, today, clock))
    const nows = queuesNowOf(live)
    const queues = [...new Set([...rows.map((r) => r.queue), ...nows.map((n) => n.queue)])].sort()
    return queues.map((queue): QueueBoardRow => {
      const now = nows.find((n) => n.queue === queue)
      const row = rows.find((r) => r.queue === queue) ?? emptyQueueRow(queue, now?.name ?? null, thresholds)
      return {
        ...row,
        name: row.name ?? now?.name ?? null,
        waitingNow: now?.waitingNow ?? 0,
        longestWaitNowMs: now?.longestWaitNowMs ?? 0,
        agentsOnCall: now?.agentsOnCall ?? 0
      }
    })
  })
