/**
 * Whether readmodels.db can be trusted, and what to do when it cannot. The read models are derived data: a file
 * that SQLite reports damaged (or cannot open), or whose checkpoint is past the log's head (the log lost commits,
 * or the file belongs to another log), is set aside (renamed `readmodels.db.damaged-<time>`, kept for a post
 * mortem) and a fresh file is rebuilt from the log. `serve` does this at start, `callstate rebuild` before it
 * replays, and `callstate doctor` reports it.
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { describeError } from '@callstate/projections'
import { inspectSqliteFile } from '@callstate/sqlite'

export type ReadModelsHealth =
  | { readonly status: 'missing' }
  | { readonly status: 'ok'; readonly checkpoint: number; readonly highest: number }
  | { readonly status: 'damaged'; readonly problems: ReadonlyArray<string> }
  | { readonly status: 'ahead'; readonly checkpoint: number; readonly highest: number; readonly head: number }

/** The lowest and highest checkpoint of rm_meta (0 when it has no row); throws when the table cannot be read. */
const checkpoints = (file: string): { lowest: number; highest: number } => {
  const db = new Database(file, { fileMustExist: true, timeout: 10_000 })
  try {
    const row = db.prepare('SELECT min(checkpoint) AS lowest, max(checkpoint) AS highest FROM rm_meta').get() as
      { lowest: unknown; highest: unknown } | undefined
    const n = (v: unknown): number => (typeof v === 'number' ? v : 0)
    return { lowest: n(row?.lowest), highest: n(row?.highest) }
  } finally {
    db.close()
  }
}

/**
 * SQLite's check of the file (`quick_check`, or `integrity_check` with `full`), then its checkpoints against the
 * log's `head` when one is given. `checkpoint` is the lowest projection checkpoint (what the lag is measured from).
 */
export const checkReadModels = (file: string, options: { full?: boolean; head?: number } = {}): ReadModelsHealth => {
  const check = inspectSqliteFile(file, options.full === true ? { full: true } : {})
  if (check.missing) return { status: 'missing' }
  if (!check.ok) return { status: 'damaged', problems: check.problems }
  try {
    const { lowest, highest } = checkpoints(file)
    if (options.head !== undefined && highest > options.head)
      return { status: 'ahead', checkpoint: lowest, highest, head: options.head }
    return { status: 'ok', checkpoint: lowest, highest }
  } catch (error) {
    return { status: 'damaged', problems: [describeError(error)] }
  }
}

/** Renames the file (and its -wal and -shm) out of the way; returns the new name of the file. */
export const setAsideReadModels = (file: string, now: Date = new Date()): string => {
  const aside = `${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`
  for (const suffix of ['', '-wal', '-shm'])
    if (fs.existsSync(`${file}${suffix}`)) fs.renameSync(`${file}${suffix}`, `${aside}${suffix}`)
  return aside
}

export interface ReadModelsRecovery {
  /** Where the untrusted file went; undefined when the file was fine (or absent). */
  readonly setAside?: string
  /** Why it was set aside, one line. */
  readonly reason?: string
}

/**
 * Checks readmodels.db and sets it aside when it cannot be trusted, so that opening it next creates a fresh file
 * that the projections rebuild from the log. Only for a moment when no other process writes the read models
 * (`serve` at start, `rebuild`).
 */
export const recoverReadModels = (file: string, head?: number): ReadModelsRecovery => {
  const health = checkReadModels(file, head !== undefined ? { head } : {})
  const reason =
    health.status === 'damaged'
      ? `${file} is damaged (${health.problems.slice(0, 3).join('; ')})`
      : health.status === 'ahead'
        ? `${file} has applied position ${health.highest} but the log ends at ${health.head} (the log lost ` +
          'commits or belongs to another data directory)'
        : undefined
  if (reason === undefined) return {}
  return { setAside: setAsideReadModels(file), reason }
}
