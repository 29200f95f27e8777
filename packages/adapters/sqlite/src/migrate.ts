/**
 * Upgrading a schema 1 log in place (schema.ts says what schema 2 changes and why). One IMMEDIATE transaction:
 * other processes wait on the write lock, a crash or a full disk leaves the schema 1 file as it was, and a second
 * process that opens the file meanwhile finds it upgraded when it gets the lock. Positions, ids, streams,
 * revisions, data and metadata are copied as they are; `occurred_at` is computed from each notification's
 * envelope exactly as ingest computes it for new ones (`occurredAtOf`), so a re-delivery after the upgrade still
 * meets its first copy.
 */
import type Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import { occurredAtOf, type StoreFailure } from '@callstate/projections'
import { NO_TIME } from './rows.js'
import { eventsTable, SCHEMA_VERSION, STREAMS_TABLE } from './tables.js'

/** The event types whose data is a notification envelope: ingest gives these their `occurredAt`. */
const NOTIFICATION_TYPES = new Set([
  'TelephonySessionNotification',
  'PresenceNotification',
  'DetailedPresenceNotification',
  'MessageStoreNotification',
  'UnknownNotification'
])

/** `occurred_at` of a schema 1 row: the envelope's timestamp in ms, or NO_TIME. */
export const occurredKeyOf = (type: unknown, data: unknown): number => {
  if (typeof type !== 'string' || !NOTIFICATION_TYPES.has(type) || typeof data !== 'string') return NO_TIME
  let envelope: unknown
  try {
    envelope = JSON.parse(data)
  } catch {
    return NO_TIME
  }
  const timestamp = typeof envelope === 'object' && envelope !== null ? Reflect.get(envelope, 'timestamp') : undefined
  const at = occurredAtOf(timestamp)
  return at === undefined ? NO_TIME : Date.parse(at)
}

const COPY = `
INSERT INTO events_v2 (position, id, stream, revision, type, data, received_at, source, content_hash, source_ref,
                       transport, uuid, stream_id, occurred_at)
SELECT e.position, e.id, e.stream, e.revision, e.type, e.data, e.received_at, e.source, e.content_hash, e.source_ref,
       e.transport, e.uuid, s.id, callstate_occurred_key(e.type, e.data)
FROM events e JOIN streams s ON s.name = e.stream
ORDER BY e.position`

export const migrateV1 = (
  db: Database.Database,
  onUpgrade: (message: string) => void
): E.Either<StoreFailure, void> => {
  db.exec('BEGIN IMMEDIATE')
  try {
    if (db.pragma('user_version', { simple: true }) === 1) {
      const count: unknown = db.prepare('SELECT count(*) FROM events').pluck().get()
      onUpgrade(
        `upgrading the log ${db.name} from schema 1 to ${SCHEMA_VERSION} (${String(count)} events); ` +
          'this rewrites the file once and needs about its size again in free disk space'
      )
      const started = Date.now()
      db.function('callstate_occurred_key', { deterministic: true }, occurredKeyOf)
      db.exec(STREAMS_TABLE)
      db.exec('INSERT INTO streams (name) SELECT stream FROM events GROUP BY stream ORDER BY min(position)')
      db.exec(eventsTable('events_v2'))
      db.exec(COPY)
      db.exec('DROP TABLE events')
      db.exec('ALTER TABLE events_v2 RENAME TO events')
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
      db.exec('COMMIT')
      onUpgrade(`upgraded the log ${db.name} to schema ${SCHEMA_VERSION} in ${Date.now() - started} ms`)
    } else db.exec('COMMIT')
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK')
  }
  return E.right(undefined)
}
