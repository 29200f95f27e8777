/** Sessions: a session's row with its calls and extensions, saved whole by the projection; read one or a page. */
import type Database from 'better-sqlite3'
import type { ReadModelStore, ReadModelTx, SessionListQuery, SessionRow } from '@callstate/projections'
import { CALL_COLUMNS, SESSION_COLUMNS, callParams, callRow, sessionParams, sessionRow } from './rows.js'

export type Sessions = Pick<ReadModelStore, 'session' | 'listSessions' | 'calls'> &
  Pick<ReadModelTx, 'loadSession' | 'saveSession'>

/** The page's query: built per call, since which filters apply decides the joins and the bounds. */
const listSessions = (db: Database.Database, query: SessionListQuery): SessionRow[] => {
  const where: string[] = []
  const params: unknown[] = []
  let from = 'rm_sessions s'
  if (query.extensionId !== undefined) {
    from += ' JOIN rm_session_extensions e ON e.telephony_session_id = s.telephony_session_id'
    where.push('e.extension_id = ?')
    params.push(query.extensionId)
  }
  if (query.notEnded === true) where.push("s.status != 'ended'")
  if (query.startedAtOrBefore !== undefined) {
    where.push("COALESCE(s.started_at, '') <= ?")
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
  if (query.after !== undefined) {
    // The plain bound lets SQLite seek to the cursor (it does not use the row-value comparison as an index
    // range), so a later page does not rescan every newer session first.
    where.push("COALESCE(s.started_at, '') <= ?")
    where.push("(COALESCE(s.started_at, ''), s.telephony_session_id) < (?, ?)")
    params.push(query.after.startedAt, query.after.startedAt, query.after.telephonySessionId)
  }
  const columns = SESSION_COLUMNS.split(', ')
    .map((c) => `s.${c}`)
    .join(', ')
  const sql =
    `SELECT ${columns} FROM ${from}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY COALESCE(s.started_at, '') DESC, s.telephony_session_id DESC LIMIT ?`
  params.push(query.limit)
  return db.prepare(sql).raw().all(params).map(sessionRow)
}

export const prepareSessions = (db: Database.Database): Sessions => {
  const q = {
    session: db.prepare(`SELECT ${SESSION_COLUMNS} FROM rm_sessions WHERE telephony_session_id = ?`).raw(),
    calls: db.prepare(`SELECT ${CALL_COLUMNS} FROM rm_calls WHERE telephony_session_id = ? ORDER BY party_id`).raw(),
    putSession: db.prepare(`INSERT OR REPLACE INTO rm_sessions(${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    deleteCalls: db.prepare('DELETE FROM rm_calls WHERE telephony_session_id = ?'),
    putCall: db.prepare(
      `INSERT INTO rm_calls(${CALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    deleteExtensions: db.prepare('DELETE FROM rm_session_extensions WHERE telephony_session_id = ?'),
    putExtension: db.prepare(
      'INSERT OR IGNORE INTO rm_session_extensions(telephony_session_id, extension_id) VALUES (?, ?)'
    )
  }
  return {
    session: (id) => {
      const raw: unknown = q.session.get(id)
      return raw === undefined ? undefined : sessionRow(raw)
    },
    listSessions: (query) => listSessions(db, query),
    calls: (id) => q.calls.all(id).map(callRow),
    loadSession: (id) => {
      const raw: unknown = q.session.get(id)
      if (raw === undefined) return undefined
      return { row: sessionRow(raw), calls: q.calls.all(id).map(callRow) }
    },
    saveSession: (row, calls, extensions) => {
      q.putSession.run(sessionParams(row))
      q.deleteCalls.run(row.telephonySessionId)
      for (const c of calls) q.putCall.run(callParams(c))
      q.deleteExtensions.run(row.telephonySessionId)
      for (const e of extensions) q.putExtension.run(row.telephonySessionId, e)
    }
  }
}
