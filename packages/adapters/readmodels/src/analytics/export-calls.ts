/**
 * `callstate export calls`: the records of ended calls, and of stale calls (their end never came: written with
 * their live parties `unknown-end`, `endedBy: stale`, so analytics see them), streamed. The snapshot part reads
 * those sessions by (session start, session id) page by page and writes each record as it goes, waiting whenever
 * the output is full, so memory stays flat however long the range. Same store and same stale cut-off, same bytes:
 * the order is total and the snapshot covers exactly the ends visible at the caught-up checkpoint.
 *
 * Follow: after the snapshot, each batch the projection runner commits is looked at for sessions whose end
 * became visible in it (rm_calls.ended_position past the last window), and their parties are written; as time
 * passes, calls that go stale are written too. A record is written once: the snapshot covers ends up to the
 * checkpoint, the windows after it do not overlap, and a set of what was written while following guards against a
 * session that ends twice (a party that arrives late). A call written as stale whose end arrives later is written
 * again, with what ended it (`endedBy`): the consumer keeps the last record of a party.
 */
import { isStale } from '@callstate/domain'
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

/** The instant of the export and the stale threshold: a call with no event since `now - staleAfterMs` is stale. */
export interface ExportClock {
  readonly now: string
  readonly staleAfterMs: number
}

const staleCutoff = (clock: ExportClock): string => new Date(Date.parse(clock.now) - clock.staleAfterMs).toISOString()

/** A record's identity for "written once": the party, and what ended it (a stale party may end for real later). */
const recordKey = (r: ExportRecord): string =>
  `${String(r.telephonySessionId)}\u0000${String(r.partyId)}\u0000${String(r.endedBy)}`

/**
 * The header (CSV) and every record of the sessions ended at `checkpoint` or stale at `clock`; stops early when
 * `stopped()`. The records of stale sessions are added to `written`: a follower must not write them again.
 */
export const writeSnapshot = async (
  reader: AnalyticsReader,
  range: TimeRange,
  checkpoint: number,
  clock: ExportClock,
  format: ExportFormat,
  write: LineWriter,
  stopped: () => boolean,
  written: Set<string> = new Set()
): Promise<number> => {
  const line = lineOf(format)
  let count = 0
  if (format === 'csv') await write(CSV_HEADER)
  const release = reader.snapshot()
  try {
    for (const state of reader.endedSessions(range, checkpoint, staleCutoff(clock))) {
      const stale = isStale(state, clock.now, clock.staleAfterMs)
      for (const r of exportRecordsOf(state, stale)) {
        if (stale) written.add(recordKey(r))
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
  /** Writes the records of the calls that went stale since the last look, by the clock's `now`. */
  readonly advanceStale: (clock: ExportClock) => Promise<number>
}

/** `written`: the records already written (by the snapshot, for its stale sessions). */
export const follower = (
  reader: AnalyticsReader,
  range: TimeRange,
  from: number,
  clock: ExportClock,
  format: ExportFormat,
  write: LineWriter,
  written: Set<string> = new Set()
): Follower => {
  const line = lineOf(format)
  let after = from
  let staleFrom = staleCutoff(clock)
  const writeAll = async (states: ReadonlyArray<SessionState>, stale: boolean): Promise<number> => {
    let count = 0
    for (const state of states) {
      if (!inRange(state, range)) continue
      for (const r of exportRecordsOf(state, stale)) {
        const key = recordKey(r)
        if (written.has(key)) continue
        written.add(key)
        const wait = write(line(r))
        count++
        if (wait) await wait
      }
    }
    return count
  }
  return {
    advance: async (upTo) => {
      if (upTo <= after) return 0
      const states = reader.endedBetween(after, upTo)
      after = upTo
      return writeAll(states, false)
    },
    advanceStale: async (now) => {
      const cutoff = staleCutoff(now)
      if (cutoff <= staleFrom) return 0
      const states = reader.staleBetween(staleFrom, cutoff)
      staleFrom = cutoff
      return writeAll(states, true)
    }
  }
}
