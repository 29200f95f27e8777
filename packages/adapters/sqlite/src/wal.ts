/**
 * Switching a connection to WAL. SQLite answers `PRAGMA journal_mode = WAL` with SQLITE_BUSY at once, without
 * calling the busy handler, while another connection holds a lock on a file that is not in WAL mode yet: exactly
 * what happens when two processes create the same data directory at the same moment (two imports, or an import
 * and `serve`). The switch is retried here, within the connection's busy timeout, like any other lock wait.
 */
import Database from 'better-sqlite3'

const pause = new Int32Array(new SharedArrayBuffer(4))

/** Returns the journal mode SQLite reports after the switch (`wal`, or the mode it kept). */
export const enableWal = (db: Database.Database): unknown => {
  const timeoutMs = db.pragma('busy_timeout', { simple: true })
  const deadline = Date.now() + (typeof timeoutMs === 'number' ? timeoutMs : 0)
  for (;;) {
    try {
      return db.pragma('journal_mode = WAL', { simple: true })
    } catch (error) {
      const busy = error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')
      if (!busy || Date.now() >= deadline) throw error
      // The driver is synchronous: this thread waits as SQLite's own busy handler would.
      Atomics.wait(pause, 0, 0, 10)
    }
  }
}
