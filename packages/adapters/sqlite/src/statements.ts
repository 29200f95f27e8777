/**
 * The statements of the events table, prepared once per connection: preparing is the costly part of a
 * statement, and every append and read runs one of these many times.
 */
import type Database from 'better-sqlite3'
import { COLUMNS } from './rows.js'

import { shardOf } from './shard.js'

/** The INSERT's columns, in `encodeRow`'s order. */
const INSERTED =
  'id, stream, revision, type, data, received_at, source, content_hash, source_ref, transport, uuid, stream_id, occurred_at'
const PLACES = INSERTED.split(',')
  .map(() => '?')
  .join(', ')

/**
 * `byKey`, `byIdInStream`, `byIdAnywhere`, `readStream`, `readAll` and `readShard` answer raw rows, in the column
 * order rows.ts decodes; `streamId`, `streamRevision`, `head` and `dataVersion` answer one plucked value.
 */
export interface Statements {
  readonly insert: Database.Statement
  readonly insertUnlessKnown: Database.Statement
  readonly byKey: Database.Statement
  readonly byIdInStream: Database.Statement
  readonly byIdAnywhere: Database.Statement
  readonly streamId: Database.Statement
  readonly newStream: Database.Statement
  readonly streamRevision: Database.Statement
  readonly readStream: Database.Statement
  readonly readAll: Database.Statement
  readonly head: Database.Statement
  readonly readShard: Database.Statement
  readonly dataVersion: Database.Statement
  readonly begin: Database.Statement
  readonly commit: Database.Statement
  readonly rollback: Database.Statement
}

export const prepareStatements = (db: Database.Database): Statements => ({
  insert: db.prepare(`INSERT INTO events (${INSERTED}) VALUES (${PLACES})`),
  // The fast path for `expected: 'any'`: the UNIQUE (occurred_at, id) index is the duplicate check, so a new event
  // costs one insert and no lookup; only an event that is already there is read back.
  insertUnlessKnown: db.prepare(
    `INSERT INTO events (${INSERTED}) VALUES (${PLACES}) ON CONFLICT (occurred_at, id) DO NOTHING`
  ),
  byKey: db.prepare(`SELECT ${COLUMNS} FROM events WHERE occurred_at = ? AND id = ?`).raw(),
  // Without the time: the stream's events through (stream_id, revision), or, with no stream either, the whole log.
  byIdInStream: db
    .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND id = ? ORDER BY revision LIMIT 1`)
    .raw(),
  byIdAnywhere: db.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ? ORDER BY position LIMIT 1`).raw(),
  streamId: db.prepare('SELECT id FROM streams WHERE name = ?').pluck(),
  newStream: db.prepare('INSERT INTO streams (name) VALUES (?)'),
  streamRevision: db.prepare('SELECT coalesce(max(revision), -1) FROM events WHERE stream_id = ?').pluck(),
  readStream: db
    .prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = (SELECT id FROM streams WHERE name = ?) AND revision >= ? ` +
        'ORDER BY revision LIMIT ?'
    )
    .raw(),
  readAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
  head: db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck(),
  readShard: db
    .function('callstate_shard', { deterministic: true }, (stream: unknown, count: unknown) =>
      typeof stream === 'string' && typeof count === 'number' ? shardOf(stream, count) : null
    )
    // A shard's streams, and from the other shards the detailed presence that may end calls (`final`): the end facts
    // a worker's sessions need (projections' sessions projection). LIKE is case-insensitive, as the decoder is.
    .prepare(
      `SELECT ${COLUMNS} FROM events WHERE position > ? AND (callstate_shard(stream, ?) = ? OR ` +
        `(type = 'DetailedPresenceNotification' AND data LIKE '%"final"%')) ORDER BY position LIMIT ?`
    )
    .raw(),
  dataVersion: db.prepare('PRAGMA data_version').pluck(),
  begin: db.prepare('BEGIN IMMEDIATE'),
  commit: db.prepare('COMMIT'),
  rollback: db.prepare('ROLLBACK')
})
