/**
 * `ReadModelStore.listSessions`: a page of sessions in list order (newest start first, then id), under the filters
 * the query layer asks for, read so that a page costs the same however many sessions the read model holds
 * (./session-indexes.ts has the indexes):
 *
 * - The active calls, now or at a past instant t (`lastEventAfter` = t - stale threshold): a call can be live at t
 *   only if it had an event after t - stale, and its events lie between its start and its last event (its span).
 *   So a candidate started after t - stale - span: the sessions started in the last stale window plus an hour are
 *   read in list order, then the older ones that lasted longer than an hour (a partial index holding only those),
 *   back to a day, then the few that lasted longer than a day (or have no span). The three start ranges are disjoint
 *   and in list order, so the page is read from one after the other. Before, the page read every session started
 *   before t (a past t) or every call never ended (now): both grow with the log.
 * - `knownBy` (`--known-at`): a session is known once one of its telephony notifications was received. The page
 *   starts at the latest start day, from its upper bound down, that holds a session known by then (one index seek
 *   per day skipped), instead of reading every session that started later: with a log imported in one go, that was
 *   every session received after the instant.
 *
 * Other filters (extension, not ended, started by, open at, the cursor) apply as they are to every range.
 */
import type Database from 'better-sqlite3'
import type { SessionListQuery, SessionRow } from '@callstate/projections'
import { SESSION_COLUMNS, sessionRow } from './rows.js'
import { DAY_MS, HOUR_MS, LONGER_THAN_DAY, LONGER_THAN_HOUR } from './session-indexes.js'

const START = "COALESCE(s.started_at, '')"
const COLUMNS = SESSION_COLUMNS.split(', ')
  .map((c) => `s.${c}`)
  .join(', ')
/** Margin for SQLite's span arithmetic in floating-point seconds: a range reaches a second further than needed. */
const MARGIN_MS = 1000
/** An ISO instant that sorts as text the way it sorts in time (a four-digit year). */
const PLAIN_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
/** Above every text a session's start can hold (`substr(day) || HIGH` bounds every start of that day). */
const HIGH = '\uffff'

interface Filter {
  readonly where: string
  readonly params: ReadonlyArray<unknown>
  /**
   * Read from the span indexes: the status filter is then written so that SQLite cannot read the range from the
   * index of the calls not ended instead (which holds every stale call of the log).
   */
  readonly bySpan?: boolean
}

type Statement = Database.Statement<unknown[]>

/** The filters the query asks for, as SQL (the same for every start range). */
const filtersOf = (query: SessionListQuery, bySpan: boolean): { join: string; where: string[]; params: unknown[] } => {
  const where: string[] = []
  const params: unknown[] = []
  let join = ''
  if (query.extensionId !== undefined) {
    // Within the active calls' start ranges the sessions are few: read them and look their extension up (CROSS JOIN
    // keeps SQLite to that order), rather than every session the extension ever had.
    const kind = query.lastEventAfter !== undefined ? 'CROSS JOIN' : 'JOIN'
    join = ` ${kind} rm_session_extensions e ON e.telephony_session_id = s.telephony_session_id`
    where.push('e.extension_id = ?')
    params.push(query.extensionId)
  }
  if (query.notEnded === true) where.push(bySpan ? "+s.status != 'ended'" : "s.status != 'ended'")
  if (query.startedAtOrBefore !== undefined) {
    where.push(`${START} <= ?`)
    params.push(query.startedAtOrBefore)
  }
  if (query.openAt !== undefined) {
    where.push('(s.ended_at IS NULL OR s.ended_at > ?)')
    params.push(query.openAt)
  }
  if (query.lastEventAfter !== undefined) {
    where.push('(s.last_event_at IS NULL OR s.last_event_at > ?)')
    params.push(query.lastEventAfter)
  }
  if (query.knownBy !== undefined) {
    where.push('s.known_since_ms <= ?')
    params.push(query.knownBy)
  }
  if (query.after !== undefined) {
    // The plain bound lets SQLite seek to the cursor (it does not use the row-value comparison as an index
    // range), so a later page does not rescan every newer session first.
    where.push(`${START} <= ?`)
    where.push(`(${START}, s.telephony_session_id) < (?, ?)`)
    params.push(query.after.startedAt, query.after.startedAt, query.after.telephonySessionId)
  }
  return { join, where, params }
}

const isoMinus = (iso: string, ms: number): string | undefined => {
  const t = Date.parse(iso) - ms
  const text = Number.isFinite(t) ? new Date(t).toISOString() : ''
  return PLAIN_ISO.test(text) ? text : undefined
}

/**
 * The start ranges a candidate of an active-calls page can be in, newest first; one unbounded range when the
 * bounds are not plain instants (then text order is not time order, and nothing is skipped).
 */
const activeRanges = (lastEventAfter: string): Filter[] => {
  const hour = isoMinus(lastEventAfter, HOUR_MS + MARGIN_MS)
  const day = isoMinus(lastEventAfter, DAY_MS + MARGIN_MS)
  if (!PLAIN_ISO.test(lastEventAfter) || hour === undefined || day === undefined) return [{ where: '', params: [] }]
  return [
    { where: `${START} > ?`, params: [hour] },
    { where: `${START} <= ? AND ${START} > ? AND ${LONGER_THAN_HOUR}`, params: [hour, day], bySpan: true },
    { where: `${START} <= ? AND ${LONGER_THAN_DAY}`, params: [day], bySpan: true }
  ]
}

/**
 * The latest start day at or before `upTo`'s day with a session known by `knownBy` (null: none, only sessions without
 * a start can be), walking the days down one index seek each.
 */
const KNOWN_DAY = `
WITH RECURSIVE days(d) AS (
  SELECT (SELECT MAX(substr(started_at, 1, 10)) FROM rm_sessions WHERE substr(started_at, 1, 10) <= @upTo)
  UNION ALL
  SELECT (SELECT MAX(substr(started_at, 1, 10)) FROM rm_sessions WHERE substr(started_at, 1, 10) < days.d)
  FROM days
  WHERE days.d IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM rm_sessions WHERE substr(started_at, 1, 10) = days.d AND known_since_ms <= @knownBy)
)
SELECT d FROM days
WHERE d IS NULL OR EXISTS (SELECT 1 FROM rm_sessions WHERE substr(started_at, 1, 10) = days.d AND known_since_ms <= @knownBy)
LIMIT 1`

export const prepareSessionList = (db: Database.Database): ((query: SessionListQuery) => SessionRow[]) => {
  // Statements by their text: which filters apply decides the text, and there are few combinations.
  const statements = new Map<string, Statement>()
  const statement = (sql: string): Statement => {
    const found = statements.get(sql)
    if (found !== undefined) return found
    const prepared = db.prepare<unknown[]>(sql)
    statements.set(sql, prepared)
    return prepared
  }
  const knownDay = db.prepare<[{ upTo: string; knownBy: number }]>(KNOWN_DAY).pluck()

  /** The upper bound of the first known start day, for a `knownBy` page outside the active-calls ranges. */
  const knownRange = (query: SessionListQuery, knownBy: number): Filter => {
    const bounds = [query.startedAtOrBefore, query.after?.startedAt].filter((b) => b !== undefined)
    const upTo = bounds.reduce((a, b) => (b < a ? b : a), HIGH)
    const day: unknown = knownDay.get({ upTo: upTo.slice(0, 10), knownBy })
    return typeof day === 'string'
      ? { where: `${START} < ?`, params: [day + HIGH] }
      : { where: `${START} <= ''`, params: [] }
  }

  return (query) => {
    const ranges =
      query.lastEventAfter !== undefined
        ? activeRanges(query.lastEventAfter)
        : query.knownBy !== undefined
          ? [knownRange(query, query.knownBy)]
          : [{ where: '', params: [] }]
    const rows: SessionRow[] = []
    for (const range of ranges) {
      const { join, where, params } = filtersOf(query, range.bySpan === true)
      const conditions = range.where === '' ? where : [...where, range.where]
      const sql =
        `SELECT ${COLUMNS} FROM rm_sessions s${join}` +
        (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '') +
        ` ORDER BY ${START} DESC, s.telephony_session_id DESC LIMIT ?`
      const found = statement(sql)
        .raw()
        .all([...params, ...range.params, query.limit - rows.length])
      for (const raw of found) rows.push(sessionRow(raw))
      if (rows.length >= query.limit) break
    }
    return rows
  }
}
