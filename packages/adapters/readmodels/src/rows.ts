/**
 * SQLite rows (raw arrays) to typed read-model rows, checked column by column: no casts on store data.
 * A row that does not fit means the file is not a callstate read-model database (or a newer one); that is
 * an invariant broken outside the program, reported as a `ReadModelCorrupt` error naming the column.
 */
import type { CallRow, MessageRow, PresenceRow, SessionRow } from '@callstate/projections'
import { LIVE_STATUSES, type LiveStatus } from '@callstate/domain'

export class ReadModelCorrupt extends Error {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly value: unknown
  ) {
    super(
      `read model ${table}.${column} holds an unexpected value (${JSON.stringify(value)}): run \`callstate rebuild\``
    )
    this.name = 'ReadModelCorrupt'
  }
}

const isLive = (v: unknown): v is LiveStatus => typeof v === 'string' && LIVE_STATUSES.some((s) => s === v)

const cols = (table: string, row: unknown) => {
  if (!Array.isArray(row)) throw new ReadModelCorrupt(table, '*', row)
  const at = (i: number): unknown => row[i]
  return {
    str: (i: number, name: string): string => {
      const v = at(i)
      if (typeof v !== 'string') throw new ReadModelCorrupt(table, name, v)
      return v
    },
    strOrNull: (i: number, name: string): string | null => {
      const v = at(i)
      if (v !== null && typeof v !== 'string') throw new ReadModelCorrupt(table, name, v)
      return v
    },
    int: (i: number, name: string): number => {
      const v = at(i)
      if (typeof v !== 'number') throw new ReadModelCorrupt(table, name, v)
      return v
    },
    intOrNull: (i: number, name: string): number | null => {
      const v = at(i)
      if (v !== null && typeof v !== 'number') throw new ReadModelCorrupt(table, name, v)
      return v
    },
    live: (i: number, name: string): LiveStatus => {
      const v = at(i)
      if (!isLive(v)) throw new ReadModelCorrupt(table, name, v)
      return v
    }
  }
}

export const SESSION_COLUMNS =
  'telephony_session_id, status, started_at, ended_at, last_event_at, position, state, known_since_ms'
/**
 * What the digest reads of rm_sessions: the content. Not `position` (the log position of the session's last event:
 * assigned by the store, 1..N in SQLite, a byte offset in EventStoreDB, so the same notifications in two stores
 * would digest differently) and not `known_since_ms` (a receive time, which only serves the `--known-at` list).
 */
export const SESSION_DIGEST_COLUMNS = 'telephony_session_id, status, started_at, ended_at, last_event_at, state'
export const SESSION_EXTENSION_COLUMNS = 'telephony_session_id, extension_id'
export const sessionRow = (raw: unknown): SessionRow => {
  const c = cols('rm_sessions', raw)
  return {
    telephonySessionId: c.str(0, 'telephony_session_id'),
    status: c.live(1, 'status'),
    startedAt: c.strOrNull(2, 'started_at'),
    endedAt: c.strOrNull(3, 'ended_at'),
    lastEventAt: c.strOrNull(4, 'last_event_at'),
    position: c.int(5, 'position'),
    state: c.str(6, 'state'),
    knownSinceMs: c.intOrNull(7, 'known_since_ms')
  }
}
export const sessionParams = (r: SessionRow): unknown[] => [
  r.telephonySessionId,
  r.status,
  r.startedAt,
  r.endedAt,
  r.lastEventAt,
  r.position,
  r.state,
  r.knownSinceMs
]

export const CALL_COLUMNS =
  'telephony_session_id, party_id, extension_id, direction, ring_out_role, queue_call, status, reason, outcome, ' +
  'ended, ring_ms, talk_ms, hold_ms, session_started_at, started_at, ended_at, ended_position'
export const callRow = (raw: unknown): CallRow => {
  const c = cols('rm_calls', raw)
  return {
    telephonySessionId: c.str(0, 'telephony_session_id'),
    partyId: c.str(1, 'party_id'),
    extensionId: c.strOrNull(2, 'extension_id'),
    direction: c.strOrNull(3, 'direction'),
    ringOutRole: c.strOrNull(4, 'ring_out_role'),
    queueCall: c.int(5, 'queue_call') === 1,
    status: c.str(6, 'status'),
    reason: c.strOrNull(7, 'reason'),
    outcome: c.str(8, 'outcome'),
    ended: c.int(9, 'ended') === 1,
    ringMs: c.int(10, 'ring_ms'),
    talkMs: c.int(11, 'talk_ms'),
    holdMs: c.int(12, 'hold_ms'),
    sessionStartedAt: c.strOrNull(13, 'session_started_at'),
    startedAt: c.strOrNull(14, 'started_at'),
    endedAt: c.strOrNull(15, 'ended_at'),
    endedPosition: c.intOrNull(16, 'ended_position')
  }
}
export const callParams = (r: CallRow): unknown[] => [
  r.telephonySessionId,
  r.partyId,
  r.extensionId,
  r.direction,
  r.ringOutRole,
  r.queueCall ? 1 : 0,
  r.status,
  r.reason,
  r.outcome,
  r.ended ? 1 : 0,
  r.ringMs,
  r.talkMs,
  r.holdMs,
  r.sessionStartedAt,
  r.startedAt,
  r.endedAt,
  r.endedPosition
]

export const PRESENCE_COLUMNS = 'extension_id, sequence, at, content_key, fact'
export const presenceRow = (raw: unknown): PresenceRow => {
  const c = cols('rm_presence', raw)
  return {
    extensionId: c.str(0, 'extension_id'),
    sequence: c.int(1, 'sequence'),
    at: c.strOrNull(2, 'at'),
    contentKey: c.str(3, 'content_key'),
    fact: c.str(4, 'fact')
  }
}

export const MESSAGE_COLUMNS = 'extension_id, at, type, new_count, updated_count, event_id'
export const messageRow = (raw: unknown): MessageRow => {
  const c = cols('rm_messages', raw)
  return {
    extensionId: c.str(0, 'extension_id'),
    at: c.strOrNull(1, 'at'),
    type: c.str(2, 'type'),
    newCount: c.int(3, 'new_count'),
    updatedCount: c.int(4, 'updated_count'),
    eventId: c.str(5, 'event_id')
  }
}
