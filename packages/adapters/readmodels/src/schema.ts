/**
 * The read-model schema (readmodels.db). The tables and columns below are a contract other modules build
 * on (analytics, HTTP): add columns or tables, never rename. Times are stored as normalised ISO 8601 UTC
 * (`Date#toISOString`), so comparing them as text in SQL is comparing instants.
 */
import type { ProjectionName } from '@callstate/projections'
import { MESSAGE_COLUMNS, PRESENCE_COLUMNS, SESSION_DIGEST_COLUMNS, SESSION_EXTENSION_COLUMNS } from './rows.js'
import { SESSION_INDEXES } from './session-indexes.js'

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS rm_meta (
  projection TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  checkpoint INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rm_sessions (
  telephony_session_id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT,
  last_event_at TEXT,
  position INTEGER NOT NULL,
  state TEXT NOT NULL,
  known_since_ms INTEGER
);
CREATE INDEX IF NOT EXISTS rm_sessions_status ON rm_sessions(status);
${SESSION_INDEXES}
CREATE TABLE IF NOT EXISTS rm_session_extensions (
  telephony_session_id TEXT,
  extension_id TEXT,
  PRIMARY KEY (telephony_session_id, extension_id)
);
CREATE INDEX IF NOT EXISTS rm_session_extensions_ext ON rm_session_extensions(extension_id);
CREATE TABLE IF NOT EXISTS rm_calls (
  telephony_session_id TEXT,
  party_id TEXT,
  extension_id TEXT,
  direction TEXT,
  ring_out_role TEXT,
  queue_call INTEGER,
  status TEXT,
  reason TEXT,
  outcome TEXT,
  ended INTEGER,
  ring_ms INTEGER,
  talk_ms INTEGER,
  hold_ms INTEGER,
  session_started_at TEXT,
  started_at TEXT,
  ended_at TEXT,
  ended_position INTEGER,
  PRIMARY KEY (telephony_session_id, party_id)
);
CREATE INDEX IF NOT EXISTS rm_calls_extension ON rm_calls(extension_id, session_started_at);
CREATE INDEX IF NOT EXISTS rm_calls_started ON rm_calls(session_started_at);
CREATE INDEX IF NOT EXISTS rm_calls_ended_position ON rm_calls(ended_position);
CREATE TABLE IF NOT EXISTS rm_presence (
  extension_id TEXT,
  sequence INTEGER,
  at TEXT,
  content_key TEXT,
  fact TEXT,
  PRIMARY KEY (extension_id, sequence, content_key)
);
CREATE TABLE IF NOT EXISTS rm_messages (
  extension_id TEXT,
  at TEXT,
  type TEXT,
  new_count INTEGER,
  updated_count INTEGER,
  event_id TEXT,
  PRIMARY KEY (event_id, type)
);
CREATE INDEX IF NOT EXISTS rm_messages_extension ON rm_messages(extension_id, at);
-- Stats read the voicemails of a time range: without it, every message of the log.
CREATE INDEX IF NOT EXISTS rm_messages_at ON rm_messages(at, event_id);
`

/** The tables each projection owns (a reset empties exactly these), in digest order. */
export const PROJECTION_TABLES: Readonly<Record<ProjectionName, ReadonlyArray<string>>> = {
  sessions: ['rm_sessions', 'rm_session_extensions', 'rm_calls'],
  presence: ['rm_presence'],
  messages: ['rm_messages']
}

/**
 * Every content table with the columns the digest covers and its primary key (rows are read in key order).
 * No column that holds a log position is covered: positions are assigned by the store (1..N in SQLite, byte
 * offsets in EventStoreDB) and by the order events arrived in, so the same notifications must digest the same in
 * any store. rm_sessions.position is left out for that reason (SESSION_DIGEST_COLUMNS); rm_calls.ended_position
 * also because it marks the batch in which the end became visible (see the sessions projection), so it differs
 * between a live and a rebuilt read model. Every key is content (session, party, extension ids, a presence
 * fact's hash, an event id: ids are kept by `callstate copy`), so the order rows are read in is too.
 */
export const DIGEST_TABLES: ReadonlyArray<{ readonly table: string; readonly columns: string; readonly key: string }> =
  [
    { table: 'rm_sessions', columns: SESSION_DIGEST_COLUMNS, key: 'telephony_session_id' },
    { table: 'rm_session_extensions', columns: SESSION_EXTENSION_COLUMNS, key: 'telephony_session_id, extension_id' },
    {
      table: 'rm_calls',
      columns:
        'telephony_session_id, party_id, extension_id, direction, ring_out_role, queue_call, status, reason, outcome, ' +
        'ended, ring_ms, talk_ms, hold_ms, session_started_at, started_at, ended_at',
      key: 'telephony_session_id, party_id'
    },
    { table: 'rm_presence', columns: PRESENCE_COLUMNS, key: 'extension_id, sequence, content_key' },
    { table: 'rm_messages', columns: MESSAGE_COLUMNS, key: 'event_id, type' }
  ]
