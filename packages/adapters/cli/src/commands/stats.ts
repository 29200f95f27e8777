/** `callstate stats`: call aggregates by extension, day and hour (docs/analytics.md defines every number). */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import Table from 'cli-table3'
import { parseStatsRequest, type StatsRow } from '@callstate/projections'
import { openAnalyticsReader, readModelsPath, readQueueStats, readStats } from '@callstate/readmodels'
import { queueTable } from './queue-table.js'
import { duration } from '../duration-text.js'
import { failure, out, run, tableStyle } from '../run.js'
import { clockOptions, requestFailure, withCaughtUp } from '../cli-support.js'

const human = (rows: ReadonlyArray<StatsRow>): string => {
  const t = new Table({
    head: [
      'key',
      'calls',
      'in',
      'out',
      'answered',
      'missed',
      'voicemail',
      'cancelled',
      'transferred',
      'unknown end',
      'ring',
      'talk',
      'hold',
      'avg ring',
      'avg talk',
      'avg hold',
      'vm left'
    ],
    ...tableStyle()
  })
  for (const r of rows)
    t.push([
      r.key,
      r.calls,
      r.inbound,
      r.outbound,
      r.answered,
      r.missed,
      r.voicemail,
      r.cancelled,
      r.transferred,
      r.unknownEnd,
      duration(r.ringMs),
      duration(r.talkMs),
      duration(r.holdMs),
      duration(r.avgRingMs),
      duration(r.avgTalkMs),
      duration(r.avgHoldMs),
      r.voicemailsLeft
    ])
  return t.toString()
}

export const register = (program: Command): void => {
  program
    .command('stats')
    .description('Call aggregates: calls, directions, outcomes, ring/talk/hold time, by extension, day and/or hour.')
    .option(
      '--from <time>',
      'only calls that started at or after this instant (ISO 8601; a date alone is 00:00 in --tz, default UTC)'
    )
    .option('--to <time>', 'only calls that started before this instant')
    .option(
      '--by <dimensions>',
      'extension, queue, day, hour, or several joined by commas (key parts in that order; queue not with extension)'
    )
    .option('--tz <zone>', 'IANA time zone for days and hours (default UTC)')
    .option('--stale-after <duration>', 'a call with no event for this long counts as ended, unknown-end (default 4h)')
    .option('--answer-within <duration>', 'queue rows: answered within this counts for the service level', '20s')
    .option('--short-abandon <duration>', 'queue rows: abandoned within this is a short abandon', '5s')
    .option('--json', 'print a JSON array of rows')
    .addHelpText(
      'after',
      `
Rows: {key, calls, inbound, outbound, answered, missed, voicemail, cancelled, transferred, unknownEnd,
ringMs, talkMs, holdMs, avgRingMs, avgTalkMs, avgHoldMs, voicemailsLeft}, sorted by key. Without --by: one
row, key "all". A call is counted once per key, bucketed by its start: one telephony session, or the sessions
an attended transfer or a conference linked. A call whose end never came counts once it is stale
(unknownEnd). docs/analytics.md defines answered, missed and the queue and RingOut rules. The read models
are caught up with the log first.

With queue among --by: one row per call queue (and day or hour): {key, queue, name, offered, answered,
abandoned, shortAbandoned, voicemail, waiting, unknownEnd, answeredWithinThreshold, waitMs, asaMs,
longestWaitMs, serviceLevel, abandonRate, serviceLevelMethod, answerWithinMs, shortAbandonMs, agents[]}.

Examples:
  $ callstate stats --json
  $ callstate stats --by extension,day --tz America/New_York --from 2026-01-05 --to 2026-01-06
  $ callstate stats --by queue,day --answer-within 30s --json`
    )
    .action((opts: Record<string, unknown>, cmd: Command) => {
      const parsed = E.mapLeft(requestFailure)(parseStatsRequest(opts))
      if (E.isLeft(parsed)) return run(() => Promise.resolve(parsed))
      const clock = clockOptions(opts)
      if (E.isLeft(clock)) return run(() => Promise.resolve(clock))
      const { query, range, thresholds } = parsed.right
      return withCaughtUp(cmd, async (_deps, options) => {
        const reader = openAnalyticsReader(readModelsPath({ dataDir: options.dataDir }))
        if (E.isLeft(reader)) return E.left(failure(reader.left.message))
        try {
          if (query.by.includes('queue')) {
            const rows = readQueueStats(reader.right, query, range, thresholds, clock.right)
            if (E.isLeft(rows)) return E.left(failure(rows.left.message))
            out(options.json ? JSON.stringify(rows.right, null, 2) : queueTable(rows.right))
            return E.right(undefined)
          }
          const rows = readStats(reader.right, query, range, clock.right)
          if (E.isLeft(rows)) return E.left(failure(rows.left.message))
          out(options.json ? JSON.stringify(rows.right, null, 2) : human(rows.right))
          return E.right(undefined)
        } finally {
          reader.right.close()
        }
      })
    })
}
