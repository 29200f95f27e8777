/** Sessions: a session's row with its calls and extensions, saved whole by the projection; read one or a page. */
import type Database from 'better-sqlite3'
import type { ReadModelStore, ReadModelTx } from '@callstate/projections'
import { CALL_COLUMNS, SESSION_COLUMNS, callParams, callRow, sessionParams, sessionRow } from './rows.js'
import { prepareSessionList } from './session-list.js'

export type Sessions = Pick<ReadModelStore, 'session' | 'listSessions' | 'calls'> &
  Pick<ReadModelTx, 'loadSession' | 'saveSession'>

export const prepareSessions = (db: Database.Database): Sessions => {
  const q = {
    session: db.prepare(`SELECT ${SESSION_COLUMNS} FROM rm_sessions WHERE telephony_session_id = ?`).raw(),
    calls: db.prepare(`SELECT ${CALL_COLUMNS} FROM rm_calls WHERE telephony_session_id = ? ORDER BY party_id`).raw(),
    putSession: db.prepare(`INSERT OR REPLACE INTO rm_sessions(${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
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
    listSessions: prepareSessionList(db),
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
