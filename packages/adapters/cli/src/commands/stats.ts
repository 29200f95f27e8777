/** `callstate stats`: call aggregates by extension, day and hour (docs/analytics.md defines every number). */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import Table from 'cli-table3'
import { parseStatsRequest, type StatsRow } from '@callstate/projections'
import { openAnalyticsReader, readModelsPath, readStats } from '@callstate/readmodels'
import { failure, out, run, tableStyle } from '../run.js'
import { requestFailure, withCaughtUp } from '../cli-support.js'

/** 5.9s, 3m05s, 2h03m: short enough for a table cell. */
export const duration = (ms: number): string => {
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)}s`
  const whole = Math.round(s)
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`
}

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
    .option('--by <dimensions>', 'extension, day, hour, or several joined by commas (key parts in that order)')
    .option('--tz <zone>', 'IANA time zone for days and hours (default UTC)')
    .option('--json', 'print a JSON array of rows')
    .addHelpText(
      'after',
      `
Rows: {key, calls, inbound, outbound, answered, missed, voicemail, cancelled, transferred, ringMs, talkMs,
holdMs, avgRingMs, avgTalkMs, avgHoldMs, voicemailsLeft}, sorted by key. Without --by: one row, key "all".
A call is one telephony session, counted once per key, bucketed by its start. docs/analytics.md defines
answered, missed and the queue and RingOut rules. The read models are caught up with the log first.

Examples:
  $ callstate stats --json
  $ callstate stats --by extension,day --tz America/New_York --from 2026-01-05 --to 2026-01-06`
    )
    .action((opts: Record<string, unknown>, cmd: Command) => {
      const parsed = E.mapLeft(requestFailure)(parseStatsRequest(opts))
      if (E.isLeft(parsed)) return run(() => Promise.resolve(parsed))
      const { query, range } = parsed.right
      return withCaughtUp(cmd, async (_deps, options) => {
        const reader = openAnalyticsReader(readModelsPath({ dataDir: options.dataDir }))
        if (E.isLeft(reader)) return E.left(failure(reader.left.message))
        try {
          const rows = readStats(reader.right, query, range)
          if (E.isLeft(rows)) return E.left(failure(rows.left.message))
          out(options.json ? JSON.stringify(rows.right, null, 2) : human(rows.right))
          return E.right(undefined)
        } finally {
          reader.right.close()
        }
      })
    })
}
