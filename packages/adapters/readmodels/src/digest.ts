/**
 * The read-model digest: sha256 over every content table, each read in primary-key order, one canonical
 * line per row (a JSON array of the column values). rm_meta is left out: versions and checkpoints are
 * bookkeeping, not content. So is every log position (`DIGEST_TABLES` in ./schema.ts): positions are the
 * store's (SQLite numbers events 1..N, EventStoreDB by byte offset) and follow the order of arrival, while the
 * digest must be the same for the same notifications in any store and any order, so that `verify` or `rebuild`
 * on both sides of a `callstate copy` proves the two logs hold the same read models. A runner that skipped an
 * event still shows wherever the event mattered: in the session's facts, its calls, a presence fact, a message.
 *
 * The same digest can be taken over several read-model files that partition the rows (the shards of a parallel
 * rebuild, attached to one connection): each table is then read as `SELECT … FROM shard0.t UNION ALL SELECT … FROM
 * shard1.t … ORDER BY key`, which SQLite answers by merging the shards' primary-key orders, so the rows come in the
 * order, and with the values, they will have once copied into one file.
 */
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { DIGEST_TABLES } from './schema.js'

/** The SELECT (without ORDER BY) that yields a table's digest columns: from one schema, or merged from several. */
type Source = (table: string, columns: string) => string

const hashTables = (db: Database.Database, source: Source): string => {
  const hash = createHash('sha256')
  for (const { table, columns, key } of DIGEST_TABLES) {
    hash.update(`# ${table}\n`)
    for (const row of db
      .prepare(`${source(table, columns)} ORDER BY ${key}`)
      .raw()
      .iterate()) {
      // One update per row (the same bytes as two): the digest reads every state text of the read model.
      hash.update(`${JSON.stringify(row)}\n`)
    }
  }
  return hash.digest('hex')
}

const main: Source = (table, columns) => `SELECT ${columns} FROM main.${table}`

// Read transactions, so the tables (and the checkpoint) are read as of one instant even while a runner writes.
export const digestTables = (db: Database.Database): string => db.transaction(() => hashTables(db, main)).deferred()

/** The digest of the rows of every attached `schemas` together, as if they were one read-model file. */
export const digestMerged = (db: Database.Database, schemas: ReadonlyArray<string>): string =>
  db
    .transaction(() =>
      hashTables(db, (table, columns) => schemas.map((s) => `SELECT ${columns} FROM ${s}.${table}`).join(' UNION ALL '))
    )
    .deferred()

export const snapshotTables = (db: Database.Database): { digest: string; checkpoint: number } =>
  db
    .transaction(() => {
      const checkpoint: unknown = db.prepare('SELECT coalesce(min(checkpoint), 0) FROM rm_meta').pluck().get()
      if (typeof checkpoint !== 'number') throw new Error(`rm_meta: checkpoint is not a number: ${String(checkpoint)}`)
      return { digest: hashTables(db, main), checkpoint }
    })
    .deferred()
