/**
 * Online copies of SQLite files (`callstate backup`, `callstate restore`): SQLite's backup API through
 * better-sqlite3's `db.backup`, taken while other processes (`serve`) keep writing.
 *
 * Consistency: the source connection opens a read transaction first and keeps it for the whole copy. In WAL mode
 * that is a snapshot: `sqlite3_backup_step` reuses the open read transaction, so every page comes from the same
 * moment, and the log's head and count are read in that same snapshot (the manifest's head is exactly what the
 * copy holds). Writers are not blocked (WAL readers never block writers); the WAL only cannot be checkpointed past
 * the snapshot until the copy ends. The copy is switched to `journal_mode = DELETE`, so it is one self-contained
 * file (the store switches it back to WAL when it is opened).
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import { describeError } from '@callstate/projections'

/** What a copy of the log holds. */
export interface LogCopy {
  /** The highest position in the copy (0 for an empty log). */
  readonly head: number
  /** Rows in the copy; equal to `head`, since positions are gap-free. */
  readonly events: number
  readonly bytes: number
}

export interface FileCheck {
  /** `ok`, or SQLite's first complaints (integrity_check). */
  readonly integrity: string
  readonly bytes: number
}

export interface LogCheck extends FileCheck {
  readonly head: number
  readonly events: number
}

const message = (error: unknown): string =>
  error instanceof Database.SqliteError ? `${error.code}: ${error.message}` : describeError(error)

const snapshotCounts = (db: Database.Database): { head: number; events: number } => {
  const row: unknown = db.prepare('SELECT coalesce(max(position), 0) AS head, count(*) AS events FROM events').get()
  const head: unknown = typeof row === 'object' && row !== null ? Reflect.get(row, 'head') : undefined
  const events: unknown = typeof row === 'object' && row !== null ? Reflect.get(row, 'events') : undefined
  if (typeof head !== 'number' || typeof events !== 'number') throw new Error('unreadable head/count')
  return { head, events }
}

/**
 * Copies the SQLite file `source` to `destination` (which must not exist) in one read snapshot of the source, and
 * runs `inSnapshot` on the source in that same snapshot. A `Left` is one line saying what failed.
 */
const copyInSnapshot = async <A>(
  source: string,
  destination: string,
  inSnapshot: (db: Database.Database) => A
): Promise<E.Either<string, { readonly value: A; readonly bytes: number }>> => {
  if (!fs.existsSync(source)) return E.left(`${source} does not exist`)
  if (fs.existsSync(destination)) return E.left(`${destination} already exists`)
  let db: Database.Database | undefined
  try {
    db = new Database(source, { fileMustExist: true, timeout: 5000 })
    db.exec('BEGIN')
    // The first read starts the snapshot the backup then reuses.
    const value = inSnapshot(db)
    // All remaining pages in each step: the snapshot is held anyway, so small steps would only take longer.
    await db.backup(destination, { progress: () => 0x7fffffff })
    db.exec('COMMIT')
    db.close()
    db = undefined
    const copy = new Database(destination, { fileMustExist: true })
    try {
      copy.pragma('journal_mode = DELETE')
    } finally {
      copy.close()
    }
    return E.right({ value, bytes: fs.statSync(destination).size })
  } catch (error) {
    fs.rmSync(destination, { force: true })
    return E.left(`cannot copy ${source}: ${message(error)}`)
  } finally {
    if (db?.open === true) {
      if (db.inTransaction) db.exec('ROLLBACK')
      db.close()
    }
  }
}

/** An online copy of the log file `source` (events.db) into `destination`, with the head and count it holds. */
export const backupLogFile = async (source: string, destination: string): Promise<E.Either<string, LogCopy>> => {
  const copied = await copyInSnapshot(source, destination, snapshotCounts)
  return E.map(({ value, bytes }: { value: { head: number; events: number }; bytes: number }) => ({
    ...value,
    bytes
  }))(copied)
}

/**
 * An online copy of any SQLite file (the read models), consistent like the log's; `query` (optional) is run in the
 * copy's snapshot and its first row returned (the read models' checkpoint as of the copy).
 */
export const backupSqliteFile = async (
  source: string,
  destination: string,
  query?: string
): Promise<E.Either<string, { readonly bytes: number; readonly row: unknown }>> =>
  E.map(({ value, bytes }: { value: unknown; bytes: number }) => ({ bytes, row: value }))(
    await copyInSnapshot(source, destination, (db): unknown =>
      query === undefined ? undefined : db.prepare(query).get()
    )
  )

const withReadOnly = <A>(file: string, body: (db: Database.Database) => A): E.Either<string, A> => {
  if (!fs.existsSync(file)) return E.left(`${file} does not exist`)
  let db: Database.Database | undefined
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    return E.right(body(db))
  } catch (error) {
    return E.left(`${file}: ${message(error)}`)
  } finally {
    db?.close()
  }
}

const integrity = (db: Database.Database): string => {
  const rows = db.pragma('integrity_check(10)', { simple: false })
  const lines = (Array.isArray(rows) ? rows : []).map((r: unknown) =>
    typeof r === 'object' && r !== null ? String(Reflect.get(r, 'integrity_check')) : String(r)
  )
  if (lines.length === 1 && lines[0] === 'ok') return 'ok'
  // One line whatever SQLite says (a row may hold several lines): the first complaints, shortened.
  const text = lines
    .flatMap((l) => l.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ')
  return text.length > 300 ? `${text.slice(0, 300)}...` : text
}

/** SQLite's integrity check of any file (opened read-only). A file that SQLite cannot open at all is a `Left`. */
export const checkSqliteFile = (file: string): E.Either<string, FileCheck> =>
  withReadOnly(file, (db) => ({ integrity: integrity(db), bytes: fs.statSync(file).size }))

/** The integrity check of a copy of the log, and its head and count (0 when the check fails). */
export const checkLogFile = (file: string): E.Either<string, LogCheck> =>
  withReadOnly(file, (db) => {
    const result = integrity(db)
    const counts = result === 'ok' ? snapshotCounts(db) : { head: 0, events: 0 }
    return { integrity: result, bytes: fs.statSync(file).size, ...counts }
  })
