/**
 * Checking a SQLite file without trusting it: SQLite's own integrity check (`quick_check`, or `integrity_check`
 * with `full`) and, for a damaged log, how much of it can still be read. Used by `serve` at start (a damaged log is
 * refused rather than served), by `callstate doctor`, and by the read models' recovery. Never writes to the file.
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { describeError } from '@callstate/projections'

export interface FileInspection {
  /** The file exists and SQLite's check said `ok`. */
  readonly ok: boolean
  /** The file does not exist (not a failure by itself: a fresh data directory has none). */
  readonly missing: boolean
  /** What the check found (at most `maxProblems` lines), or why the file could not be opened. */
  readonly problems: ReadonlyArray<string>
}

const describe = (error: unknown): string =>
  error instanceof Database.SqliteError ? `${error.code}: ${error.message}` : describeError(error)

/**
 * Runs SQLite's `quick_check` (O(file size), about 2 ms per MB; does not cross-check indexes) or, with `full`,
 * `integrity_check` (about 3 times slower; also checks every index against its table) on `file`.
 */
export const inspectSqliteFile = (
  file: string,
  options: { full?: boolean; maxProblems?: number } = {}
): FileInspection => {
  if (!fs.existsSync(file)) return { ok: false, missing: true, problems: [] }
  let db: Database.Database | undefined
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5000 })
    const pragma = `${options.full === true ? 'integrity_check' : 'quick_check'}(${options.maxProblems ?? 10})`
    const rows: unknown = db.pragma(pragma, { simple: false })
    const lines = Array.isArray(rows)
      ? rows.map((r: unknown) => (typeof r === 'object' && r !== null ? String(Object.values(r)[0]) : String(r)))
      : [String(rows)]
    const findings = lines
      // SQLite puts several findings in one row, one per line, under a `*** in database main ***` heading.
      .flatMap((l) => l.split('\n'))
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('***'))
    const ok = findings.length === 1 && findings[0] === 'ok'
    return { ok, missing: false, problems: ok ? [] : findings }
  } catch (error) {
    return { ok: false, missing: false, problems: [describe(error)] }
  } finally {
    try {
      db?.close()
    } catch {
      // closing a damaged file may fail too; nothing was written
    }
  }
}

export interface ReadableLog {
  /** Rows whose position, id, stream and data could be read. */
  readonly readable: number
  /** Positions up to `highest` that could not be read (holes in a damaged file); 0 when the scan was clean. */
  readonly unreadable: number
  /** The highest position SQLite reports (null when even that cannot be read). */
  readonly highest: number | null
  /** Why the file could not be scanned at all (it cannot be opened). */
  readonly error?: string
}

const BATCH = 1000

/**
 * Counts the events of a (possibly damaged) log that can still be read: a scan in position order, and where a
 * batch fails, one lookup per position of that batch, so a damaged page costs only the rows on it.
 */
export const readableEvents = (file: string): ReadableLog => {
  let db: Database.Database | undefined
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5000 })
    const tryGet = <A>(f: () => A): A | undefined => {
      try {
        return f()
      } catch {
        return undefined
      }
    }
    const max: unknown = tryGet(() => db?.prepare('SELECT max(position) FROM events').pluck().get())
    const highest = typeof max === 'number' ? max : null
    const scan = db.prepare(
      'SELECT position, id, stream, data FROM events WHERE position > ? ORDER BY position LIMIT ?'
    )
    const one = db.prepare('SELECT position, id, stream, data FROM events WHERE position = ?')
    let readable = 0
    let unreadable = 0
    let after = 0
    for (;;) {
      const rows = tryGet(() => scan.all(after, BATCH) as Array<{ position: number }>)
      if (rows !== undefined) {
        readable += rows.length
        const last = rows[rows.length - 1]
        if (rows.length < BATCH || last === undefined) break
        after = last.position
        continue
      }
      // A damaged page in this range: row by row, up to the highest position known (or a batch when unknown).
      const end = highest !== null ? Math.min(after + BATCH, highest) : after + BATCH
      for (let p = after + 1; p <= end; p++) {
        const row: unknown = tryGet(() => one.get(p))
        if (row !== undefined) readable++
        else unreadable++
      }
      if (highest === null || end >= highest) break
      after = end
    }
    return { readable, unreadable, highest }
  } catch (error) {
    return { readable: 0, unreadable: 0, highest: null, error: describe(error) }
  } finally {
    try {
      db?.close()
    } catch {
      // nothing was written
    }
  }
}

/** The size in bytes of a file, 0 when it does not exist. */
export const fileSize = (file: string): number => {
  try {
    return fs.statSync(file).size
  } catch {
    return 0
  }
}

export interface LogSummary {
  /** The highest position (0 for an empty log). */
  readonly head: number
  /** Rows in the log (equal to `head`: positions have no holes). */
  readonly count: number
}

/** The head and the event count of a log file, read without creating or changing anything; a failure is a string. */
export const summarizeLog = (file: string): LogSummary | string => {
  let db: Database.Database | undefined
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5000 })
    const row = db.prepare('SELECT coalesce(max(position), 0) AS head, count(*) AS count FROM events').get() as
      { head: unknown; count: unknown } | undefined
    return { head: Number(row?.head ?? 0), count: Number(row?.count ?? 0) }
  } catch (error) {
    return describe(error)
  } finally {
    try {
      db?.close()
    } catch {
      // nothing was written
    }
  }
}

/**
 * Copies the WAL of a file back into it and truncates the WAL (`wal_checkpoint(TRUNCATE)`); safe while other
 * processes use the file (it waits for their readers up to the busy timeout). Returns SQLite's answer or the error.
 */
export const checkpointWal = (file: string): { busy: boolean; log: number; checkpointed: number } | string => {
  let db: Database.Database | undefined
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5000 })
    const row = db.pragma('wal_checkpoint(TRUNCATE)', { simple: false }) as Array<Record<string, number>>
    const r = row[0] ?? {}
    return { busy: r['busy'] === 1, log: r['log'] ?? 0, checkpointed: r['checkpointed'] ?? 0 }
  } catch (error) {
    return describe(error)
  } finally {
    try {
      db?.close()
    } catch {
      // nothing else to do
    }
  }
}
