/**
 * Bulk mode for a rebuild (`ReadModelStore.bulkLoad`): the secondary indexes of the projection tables are dropped
 * and built once at the end (sorting a finished table is much cheaper than keeping six B-trees up to date row by
 * row), and `synchronous = OFF` skips the fsync of each WAL checkpoint. Primary keys stay: the projections read and
 * upsert by them.
 *
 * `finish` recreates the indexes from SCHEMA, restores `synchronous = NORMAL` and checkpoints the WAL into the
 * database file, which is then synced: the rebuilt read model is as durable as one written in normal mode. A
 * process killed in bulk mode leaves committed rows without some indexes; the next `openReadModels` runs SCHEMA,
 * whose `CREATE INDEX IF NOT EXISTS` puts them back.
 */
import type Database from 'better-sqlite3'
import { PROJECTION_TABLES, SCHEMA } from './schema.js'

const TABLES: ReadonlyArray<string> = Object.values(PROJECTION_TABLES).flat()

/** Named indexes only: `sql IS NULL` are SQLite's own primary-key indexes, which cannot be dropped. */
const secondaryIndexes = (db: Database.Database): string[] =>
  db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${TABLES.map(() => '?').join(', ')})`
    )
    .pluck()
    .all(...TABLES)
    .flatMap((name) => (typeof name === 'string' ? [name] : []))

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** Drops the secondary indexes of the projection tables (inside the caller's transaction, if any). */
export const dropSecondaryIndexes = (db: Database.Database): void => {
  for (const name of secondaryIndexes(db)) db.exec(`DROP INDEX ${quoted(name)}`)
}

export const bulkLoad = (db: Database.Database): (() => void) => {
  db.transaction(() => dropSecondaryIndexes(db)).immediate()
  db.pragma('synchronous = OFF')
  return () => {
    db.exec(SCHEMA)
    db.pragma('synchronous = NORMAL')
    db.pragma('wal_checkpoint(TRUNCATE)')
  }
}
