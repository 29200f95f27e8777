/**
 * `callstate export calls`: the records of ended calls, streamed. The snapshot part reads ended sessions by
 * (session start, session id) page by page and writes each record as it goes, waiting whenever the output is
 * full, so memory stays flat however long the range. Same store, same bytes: the order is total and the
 * snapshot covers exactly the ends visible at the caught-up checkpoint.
 *
 * Follow: after the snapshot, each batch the projection runner commits is looked at for sessions whose end
 * became visible in it (rm_calls.ended_position past the last window), and their parties are written. A party
 * is written once: the snapshot covers ends up to the checkpoint, the windows after it do not overlap, and a
 * set of the parties written while following guards against a session that ends twice (a party that arrives
 * late, after its session had ended).
 */
import { CSV_HEADER, csvLine, exportRecordsOf, isoTime, ndjsonLine, type ExportRecord } from '@callstate/projections'
import type { SessionState } from '@callstate/domain'
import type { TimeRange } from '@callstate/projections'
import type { AnalyticsReader } from './source.js'

export type ExportFormat = 'ndjson' | 'csv'

/** Where lines go: a promise when the writer must wait (backpressure), else undefined. */
export type LineWriter = (line: string) => Promise<void> | undefined

const lineOf = (format: ExportFormat): ((r: ExportRecord) => string) => (format === 'csv' ? csvLine : ndjsonLine)

const inRange = (state: SessionState, range: TimeRange): boolean => {
  const start = isoTime(state.startedAt)
  if (range.from !== undefined && (start === null || start < range.from)) return false
  if (range.to !== undefined && (start === null || start >= range.to)) return false
  return true
}

/** The header (CSV) and every record of the sessions ended at `checkpoint`; stops early when `stopped()`. */
export const writeSnapshot = async (
  reader: AnalyticsReader,
  range: TimeRange,
  checkpoint: number,
  format: ExportFormat,
  write: LineWriter,
  stopped: () => boolean
): Promise<number> => {
  const line = lineOf(format)
  let count = 0
  if (format === 'csv') await write(CSV_HEADER)
  const release = reader.snapshot()
  try {
    for (const state of reader.endedSessions(range, checkpoint)) {
      for (const r of exportRecordsOf(state)) {
        const wait = write(line(r))
        count++
        if (wait) await wait
      }
      if (stopped()) break
    }
  } finally {
    release()
  }
  return count
}

export interface Follower {
  /** Writes the records of the sessions whose end became visible in (last window, upTo]. */
  readonly advance: (upTo: number) => Promise<number>
}

export const follower = (
  reader: AnalyticsReader,
  range: TimeRange,
  from: number,
  format: ExportFormat,
  write: LineWriter
): Follower => {
  const line = lineOf(format)
  const written = new Set<string>()
  let after = from
  return {
    advance: async (upTo) => {
      if (upTo <= after) return 0
      const states = reader.endedBetween(after, upTo)
      after = upTo
      let count = 0
      for (const state of states) {
        if (!inRange(state, range)) continue
        for (const r of exportRecordsOf(state)) {
          const key = `${state.telephonySessionId}\u0000${String(r.partyId)}`
          if (written.has(key)) continue
          written.add(key)
          const wait = write(line(r))
          count++
          if (wait) await wait
        }
      }
      return count
    }
  }
}
