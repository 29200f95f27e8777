/**
 * The notification log's tables and connection settings.
 *
 * `position INTEGER PRIMARY KEY` is SQLite's rowid. Without AUTOINCREMENT a new row gets max(rowid) + 1, so the
 * log never has holes: a rolled-back transaction leaves max(rowid) where it was, and nothing is ever deleted.
 *
 * Schema 2 keeps the write path sequential. An append used to update two indexes at random places (the UUID `id`
 * and `(stream, revision)` with random session ids): once they outgrew the page cache, every event dirtied about
 * one page of each, some 10 KB written per 0.8 KB notification. Now both keys grow at their end:
 * - `(stream_id, revision)`: streams get integer ids in the order they appear (`streams`), and the streams being
 *   written to are the recent ones, so their entries sit together at the end of the index;
 * - `(occurred_at, id)`: the duplicate check keys on the notification's own time (`EventMetadata.occurredAt`, in
 *   ms; 0 for an event without one: quarantine entries, resolutions, reconciliations, which are few), and every
 *   copy of one notification carries the same time. Ids are unique per time, not across the whole log.
 * Only `streams(name)` still takes inserts at random places, once per new stream (one in about twelve events).
 * The stream name stays in each row too: reads (the rebuild's 100k rows a second) need no join.
 *
 * Metadata lives in its own columns rather than a JSON text: `receivedAt` and `contentHash` are read on every
 * replay and duplicate check, and mapping columns is cheaper than parsing JSON for each of 100k rows a second.
 */
import type Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import type { StoreFailure } from '@callstate/projections'
import { unavailable } from './failure.js'
import { migrateV1 } from './migrate.js'
import { eventsTable, SCHEMA_VERSION, STREAMS_TABLE } from './tables.js'
import { enableWal } from './wal.js'

/**
 * `full` (the default): synchronous=FULL with WAL fsyncs the WAL on every commit, so an append that has returned
 * survives `kill -9`, an OS crash and power loss.
 * `normal`: synchronous=NORMAL with WAL skips that fsync (the WAL is synced at checkpoints only). A process crash
 * still loses nothing (the commit is in the OS page cache), but a power loss or OS crash may roll back the last
 * commits; the file stays consistent. It trades those seconds of acknowledged webhooks for faster appends.
 */
export type Durability = 'full' | 'normal'

export { SCHEMA_VERSION }

/**
 * SQLite's page cache for the log, in MiB (a bound, not a reservation). Readers (queries, rebuild, verify) scan
 * the log in order and gain nothing from a large cache: 8 MiB (1M-event rebuild: same speed as 64 MiB, peak RSS
 * 261 instead of 319 MB). Writers ask for more, because event ids are UUIDs and their index takes inserts at
 * random places: `serve` 64 MiB keeps the hot index pages in memory. The import keeps the default: its worker
 * threads need memory too, and at a million events both indexes outgrow any of these sizes anyway (1M import,
 * back to back: 8 MiB 39,900 and 42,000 notifications/s, peak RSS 296 and 299 MB; 16 MiB 39,400 and 39,700/s,
 * 302 and 308 MB).
 */
export const DEFAULT_CACHE_MIB = 8

/**
 * Connection settings, and the tables: created in a new file, upgraded in an older one (`onUpgrade` hears what
 * happens, for the operator); safe to run while another process has the same file open.
 */
export const prepareSchema = (
  db: Database.Database,
  durability: Durability,
  cacheMiB: number = DEFAULT_CACHE_MIB,
  onUpgrade: (message: string) => void = () => undefined
): E.Either<StoreFailure, void> => {
  const mode = enableWal(db)
  if (mode !== 'wal') return E.left(unavailable(`cannot switch ${db.name} to WAL (journal_mode is ${String(mode)})`))
  db.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL')
  db.pragma(`cache_size = -${cacheMiB * 1024}`)
  // A bulk writer (`normal`: the import) commits some 20 MB of WAL per batch of 5000 (the import's batch size then), mostly index pages at random
  // places: checkpointing after every commit (the default 1000 pages) copies and syncs them again each time. 64 MiB
  // of WAL between checkpoints lets pages dirtied by several batches be copied once (400k events: 3.2 -> 2.6 GB
  // written, about 10% less CPU). The WAL file keeps that size once reached.
  if (durability === 'normal') db.pragma('wal_autocheckpoint = 16384')
  const version = db.pragma('user_version', { simple: true })
  if (typeof version !== 'number') return E.left(unavailable(`unreadable user_version in ${db.name}`))
  if (version > SCHEMA_VERSION)
    return E.left(unavailable(`${db.name} has schema ${version}; this build reads up to ${SCHEMA_VERSION}`))
  if (version === SCHEMA_VERSION) return E.right(undefined)
  if (version === 1) return migrateV1(db, onUpgrade)
  // A new file, which another process may be creating at this very moment: create it under the write lock.
  db.exec('BEGIN IMMEDIATE')
  try {
    const now = db.pragma('user_version', { simple: true })
    if (now === 0) {
      db.exec(STREAMS_TABLE)
      db.exec(eventsTable('events'))
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
    }
    db.exec('COMMIT')
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK')
  }
  return E.right(undefined)
}

/**
 * The exclusive bulk mode of `import --exclusive`: a rollback journal instead of the WAL, and SQLite's lock held
 * until the store closes. In WAL mode every page is written twice (to the WAL, then by the checkpoint into the
 * file); with a rollback journal, new pages (the appended rows, the ends of the indexes) are written once and only
 * the pages a transaction changes that existed before it are copied to the journal first. The price: no other
 * process can open the log meanwhile (they wait for the lock, then fail saying so). Taken only when no other
 * process has the file open; FULL synchronous, as a rollback journal needs it to survive a power cut.
 * `releaseExclusive` puts the file back in WAL mode before it is closed; after a crash, the next process to open
 * the file rolls the journal back (SQLite does, on first access) and switches it to WAL again (prepareSchema).
 */
export const takeExclusive = (db: Database.Database): E.Either<StoreFailure, void> => {
  const mode: unknown = db.pragma('journal_mode = DELETE', { simple: true })
  if (mode !== 'delete')
    return E.left(
      unavailable(
        `another process has ${db.name} open (serve, connect or an import?): --exclusive needs the log to itself; ` +
          'stop that process, or import without --exclusive'
      )
    )
  db.pragma('synchronous = FULL')
  db.pragma('locking_mode = EXCLUSIVE')
  // Take the lock now rather than at the first append: from here on nobody else opens the file.
  db.exec('BEGIN EXCLUSIVE')
  db.exec('COMMIT')
  return E.right(undefined)
}

export const releaseExclusive = (db: Database.Database): void => {
  db.pragma('locking_mode = NORMAL')
  enableWal(db)
}
