/**
 * `callstate stats` and `callstate export calls` measured in-process, through the functions those commands call
 * (readStats and writeSnapshot of @callstate/readmodels over the analytics reader), on ranges spread over the
 * whole history: simulated days (the simulated centre has ~900 calls a day) and windows holding ~10,000 calls, a day
 * of the 10,000-calls-a-day centre. The read models are caught up before (the CLI's catch-up is not timed).
 */
import * as E from 'fp-ts/lib/Either.js'
import { parseStatsRequest } from '@callstate/projections'
import { readStats, writeSnapshot } from '@callstate/readmodels'
import { CENTRE_CALLS_PER_DAY } from './disk.mjs'
import { dayOf, measure, nextDay } from './sampling.mjs'

const DAY_MS = 86_400_000

const must = (what, r) => {
  if (E.isLeft(r)) throw new Error(`${what}: ${JSON.stringify(r.left)}`)
  return r.right
}

/**
 * The ranges to ask for: `days` whole UTC days and `windows` windows of ~10,000 calls, uniform over the history
 * (a window is the history itself when the history holds fewer calls). `sessions` is the read model's count.
 */
export const ranges = (random, { first, last, sessions, days, windows }) => {
  const a = Date.parse(first)
  const b = Date.parse(last)
  const span = Math.max(1, b - a)
  const windowMs = Math.min(span, Math.round((CENTRE_CALLS_PER_DAY / Math.max(1, sessions)) * span))
  // Whole days strictly inside the history when it spans more than two; else the first day.
  const firstDay = nextDay(dayOf(first))
  const lastDay = dayOf(new Date(b - DAY_MS).toISOString())
  const dayCount = Math.max(0, Math.round((Date.parse(lastDay) - Date.parse(firstDay)) / DAY_MS) + 1)
  const pickDay = () =>
    dayCount === 0
      ? dayOf(first)
      : new Date(Date.parse(firstDay) + Math.floor(random() * dayCount) * DAY_MS).toISOString().slice(0, 10)
  const pickWindow = () => {
    const from = a + Math.floor(random() * Math.max(0, span - windowMs))
    return { from: new Date(from).toISOString(), to: new Date(from + windowMs).toISOString() }
  }
  return {
    windowHours: windowMs / 3_600_000,
    days: Array.from({ length: days }, () => {
      const d = pickDay()
      return { from: d, to: nextDay(d) }
    }),
    windows: Array.from({ length: windows }, pickWindow)
  }
}

/** `callstate stats --from <from> --to <to>` (no --by: one row, "all"); resolves { calls } of the row. */
const statsOnce = (reader, input, clock) => {
  const request = must('stats request', parseStatsRequest(input))
  const rows = must('stats', readStats(reader, request.query, request.range, clock))
  return { calls: rows[0]?.calls ?? 0 }
}

/**
 * `callstate export calls --from --to` (NDJSON) into a sink that only counts: records, bytes and calls (records
 * come by session, telephonySessionId first, so a call is a change of that prefix).
 */
const exportOnce = async (reader, input, checkpoint, clock) => {
  const request = must('export range', parseStatsRequest(input))
  let bytes = 0
  let calls = 0
  let previous = ''
  const records = await writeSnapshot(
    reader,
    request.range,
    checkpoint,
    clock,
    'ndjson',
    (line) => {
      bytes += line.length + 1
      const session = line.slice(0, line.indexOf(',"partyId"'))
      if (session !== previous) {
        calls++
        previous = session
      }
      return undefined
    },
    () => false
  )
  const failure = reader.failure()
  if (failure !== undefined) throw new Error(`export: ${failure.message}`)
  return { records, bytes, calls }
}

/** Stats over each range (warm-up on a range of its own); the calls counted per range, over every range asked. */
export const measureStats = async (name, reader, list, clock, options) => {
  const totals = { calls: 0, ranges: 0 }
  const figures = await measure(name, { ...options, n: list.length - 1, warmup: 1 }, async (i) => {
    totals.calls += statsOnce(reader, list[i], clock).calls
    totals.ranges++
    return undefined
  })
  return { ...figures, callsPerRange: totals.calls / Math.max(1, totals.ranges) }
}

/**
 * Export over each range: latency per range, and the rate over every range asked, warm-up included (calls and
 * records per second).
 */
export const measureExport = async (name, reader, list, checkpoint, clock, options) => {
  const totals = { calls: 0, records: 0, bytes: 0, ms: 0, ranges: 0 }
  const figures = await measure(name, { ...options, n: list.length - 1, warmup: 1 }, async (i) => {
    const started = performance.now()
    const r = await exportOnce(reader, list[i], checkpoint, clock)
    totals.ms += performance.now() - started
    totals.calls += r.calls
    totals.records += r.records
    totals.bytes += r.bytes
    totals.ranges++
    return undefined
  })
  const seconds = totals.ms / 1000
  return {
    ...figures,
    callsPerRange: totals.calls / Math.max(1, totals.ranges),
    callsPerSecond: seconds > 0 ? totals.calls / seconds : 0,
    recordsPerSecond: seconds > 0 ? totals.records / seconds : 0,
    bytesPerSecond: seconds > 0 ? totals.bytes / seconds : 0
  }
}
