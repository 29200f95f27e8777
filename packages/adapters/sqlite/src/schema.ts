/**
 * The notification log's table and connection settings.
 *
 * `position INTEGER PRIMARY KEY` is SQLite's rowid. Without AUTOINCREMENT a new row gets max(rowid) + 1, so the
 * log never has holes: a rolled-back transaction leaves max(rowid) where it was, and nothing is ever deleted.
 * The two UNIQUE constraints are also the read indexes: `(stream, revision)` serves readStream and the current
 * revision of a stream, `id` serves duplicate detection and findById; readAll walks the rowid itself.
 *
 * Metadata lives in its own columns rather than a JSON text: `receivedAt` and `contentHash` are read on every
 * replay and duplicate check, and mapping columns is cheaper than parsing JSON for each of 100k rows a second.
 */
import type Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import type { StoreFailure } from '@callstate/projections'
import { unavailable } from './failure.js'
import { enableWal } from './wal.js'

/**
 * `full` (the default): synchronous=FULL with WAL fsyncs the WAL on every commit, so an append that has returned
 * survives `kill -9`, an OS crash and power loss.
 * `normal`: synchronous=NORMAL with WAL skips that fsync (the WAL is synced at checkpoints only). A process crash
 * still loses nothing (the commit is in the OS page cache), but a power loss or OS crash may roll back the last
 * commits; the file stays consistent. It trades those seconds of acknowledged webhooks for faster appends.
 */
export type Durability = 'full' | 'normal'

/** Bumped when the table layout changes; a file written by a newer layout is refused rather than misread. */
export const SCHEMA_VERSION = 1

const DDL = `
CREATE TABLE IF NOT EXISTS events (
  position     INTEGER PRIMARY KEY,
  id           TEXT    NOT NULL UNIQUE,
  stream       TEXT    NOT NULL,
  revision     INTEGER NOT NULL,
  type         TEXT    NOT NULL,
  data         TEXT    NOT NULL,
  received_at  TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  content_hash TEXT    NOT NULL,
  source_ref   TEXT,
  transport    TEXT,
  uuid         TEXT,
  UNIQUE (stream, revision)
)`

/** Connection settings and table creation; safe to run while another process has the same file open. */
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

export const prepareSchema = (
  db: Database.Database,
  durability: Durability,
  cacheMiB: number = DEFAULT_CACHE_MIB
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
  db.exec(DDL)
  if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`)
  return E.right(undefined)
}
