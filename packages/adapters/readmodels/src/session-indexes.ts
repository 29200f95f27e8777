/**
 * The rm_sessions indexes that keep the session list's pages (`sessions`, the active calls now and at any past
 * instant, `--known-at`) costing the same whatever the number of sessions (./session-list.ts reads them), and the
 * one-time migration of a file written before them.
 *
 * - `rm_sessions_started`: list order (start, id), with the columns the list filters on, so a filter is checked in
 *   the index without reading the row (and its few KB of state).
 * - `rm_sessions_span_hour`, `rm_sessions_span_day`: the same, for the sessions whose span (first to last telephony
 *   event) is longer than an hour, or a day, or unknown. A call is live only within its span plus the stale
 *   threshold, so the active calls at an instant are the sessions started in the few hours before it, plus these.
 * - `rm_sessions_known_days`: the days sessions started on, with when each became known (`known_since_ms`, the first
 *   receipt of one of its telephony notifications): `--known-at` skips the days with nothing known by then.
 */
import type Database from 'better-sqlite3'

/** A session's span in seconds; NULL when it has no start or last event (or one that SQLite cannot read as a time). */
const SPAN = "unixepoch(last_event_at, 'subsec') - unixepoch(started_at, 'subsec')"

/**
 * Sessions whose span is longer than `seconds`, or unknown. The same text is the partial indexes' WHERE and the
 * queries' condition (SQLite uses a partial index only for a query that repeats its condition).
 */
const longerThan = (seconds: number): string => `IFNULL(${SPAN} <= ${seconds}, 0) = 0`

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
export const LONGER_THAN_HOUR = longerThan(HOUR_MS / 1000)
export const LONGER_THAN_DAY = longerThan(DAY_MS / 1000)

/** What the list filters on, after its order: checked in the index. */
const LISTED = "COALESCE(started_at, ''), telephony_session_id, ended_at, last_event_at, known_since_ms"

export const SESSION_INDEXES = `
CREATE INDEX IF NOT EXISTS rm_sessions_started ON rm_sessions(${LISTED});
-- Active calls now list the sessions not ended, newest first: without this partial index SQLite walks every session
-- in start order (80k rows of ~5 KB state on a 1M-event log) to find the few hundred still open.
CREATE INDEX IF NOT EXISTS rm_sessions_live ON rm_sessions(COALESCE(started_at, ''), telephony_session_id)
  WHERE status != 'ended';
CREATE INDEX IF NOT EXISTS rm_sessions_span_hour ON rm_sessions(${LISTED}) WHERE ${LONGER_THAN_HOUR};
CREATE INDEX IF NOT EXISTS rm_sessions_span_day ON rm_sessions(${LISTED}) WHERE ${LONGER_THAN_DAY};
CREATE INDEX IF NOT EXISTS rm_sessions_known_days ON rm_sessions(substr(started_at, 1, 10), known_since_ms);
-- The calls not ended by their last event: the queue board's live calls, the calls that went stale meanwhile.
CREATE INDEX IF NOT EXISTS rm_sessions_live_last ON rm_sessions(last_event_at) WHERE status != 'ended';
`

const hasKnownSince = (db: Database.Database): boolean =>
  db.prepare("SELECT 1 FROM pragma_table_info('rm_sessions') WHERE name = 'known_since_ms'").get() !== undefined

const hasSessions = (db: Database.Database): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rm_sessions'").get() !== undefined

/**
 * A file written before `known_since_ms`: the column is added (NULL until the sessions are replayed, which the bump
 * of SESSIONS_VERSION makes the runner do) and the list-order index of the old shape dropped, for SCHEMA to create
 * again with the filtered columns. Runs before SCHEMA, whose indexes name the column.
 */
export const migrateSessionColumns = (db: Database.Database): void => {
  if (!hasSessions(db) || hasKnownSince(db)) return
  db.transaction(() => {
    // Another process may have migrated the file between the check above and this write lock.
    if (hasKnownSince(db)) return
    db.exec('ALTER TABLE rm_sessions ADD COLUMN known_since_ms INTEGER')
    db.exec('DROP INDEX IF EXISTS rm_sessions_started')
  }).immediate()
}
