/**
 * Replacing every read model with rows built elsewhere (the shards of a parallel rebuild), in ONE transaction: a
 * query, or `serve`, reading the file sees the old read models until the commit and the new ones after it, never a
 * half-built state; a rebuild killed before the commit leaves the old read models as they were.
 *
 * The secondary indexes are dropped and rebuilt inside the same transaction (sorting a finished table is much
 * cheaper than keeping every index up to date row by row). Rows are copied with plain INSERTs: the shards partition
 * the log by stream, so two shards never hold the same key, and a collision (a decoder that reads a session id
 * other than the one the event was filed under) fails the whole replacement instead of hiding a row.
 */
import type Database from 'better-sqlite3'
import type { ProjectionName } from '@callstate/projections'
import { dropSecondaryIndexes } from './bulk.js'
import { CALL_COLUMNS, MESSAGE_COLUMNS, PRESENCE_COLUMNS, SESSION_COLUMNS, SESSION_EXTENSION_COLUMNS } from './rows.js'
import { PROJECTION_TABLES, SCHEMA } from './schema.js'

/** Every projection table with the columns copied (named: the files may have been created by other versions). */
const COPIED: Readonly<Record<string, string>> = {
  rm_sessions: SESSION_COLUMNS,
  rm_session_extensions: SESSION_EXTENSION_COLUMNS,
  rm_calls: CALL_COLUMNS,
  rm_presence: PRESENCE_COLUMNS,
  rm_messages: MESSAGE_COLUMNS
}

export interface ReplacedProjection {
  readonly projection: ProjectionName
  readonly version: number
  readonly checkpoint: number
}

export const replaceWith = (
  db: Database.Database,
  files: ReadonlyArray<string>,
  projections: ReadonlyArray<ReplacedProjection>
): void => {
  const tables = projections.flatMap((p) => PROJECTION_TABLES[p.projection])
  const setMeta = db.prepare(
    'INSERT INTO rm_meta(projection, version, checkpoint) VALUES (?, ?, ?) ' +
      'ON CONFLICT(projection) DO UPDATE SET version = excluded.version, checkpoint = excluded.checkpoint'
  )
  const schemas = files.map((_, i) => `shard${i}`)
  // ATTACH and DETACH cannot run inside a transaction.
  files.forEach((file, i) => db.prepare(`ATTACH DATABASE ? AS shard${i}`).run(file))
  try {
    db.transaction(() => {
      dropSecondaryIndexes(db)
      for (const table of tables) {
        const columns = COPIED[table]
        if (columns === undefined) throw new Error(`no column list for ${table}`)
        db.exec(`DELETE FROM main.${table}`)
        for (const schema of schemas)
          db.exec(`INSERT INTO main.${table}(${columns}) SELECT ${columns} FROM ${schema}.${table}`)
      }
      db.exec(SCHEMA)
      for (const p of projections) setMeta.run(p.projection, p.version, p.checkpoint)
    }).immediate()
  } finally {
    for (const schema of schemas) db.exec(`DETACH DATABASE ${schema}`)
  }
  db.pragma('wal_checkpoint(TRUNCATE)')
}
