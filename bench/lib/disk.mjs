/**
 * Disk: what the store the import and rebuild benchmarks left takes on disk, per notification of the dataset,
 * next to the notifications' own size in the file, and what that makes in a year for the issue's centre. Read
 * after the workers closed the store: SQLite checkpoints the WAL into the database when its last connection
 * closes, so the `-wal` file is empty or gone; it is counted all the same, whatever it holds.
 */
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'

/** The centre: 10,000 calls a day, ~150,000 notifications a day. */
export const CENTRE_CALLS_PER_DAY = 10_000
export const CENTRE_NOTIFICATIONS_PER_DAY = 150_000

const kindOf = (name) =>
  name.startsWith('events.db') ? 'log' : name.startsWith('readmodels.db') ? 'readModels' : 'other'

/** Sizes of the files in `storeDir` by kind (log, readModels, other; the bench's own marker file left out). */
export const diskUsage = (storeDir, { datasetBytes, notifications, skip = [] }) => {
  const files = readdirSync(storeDir)
    .filter((name) => !skip.includes(name))
    .map((name) => ({ name, bytes: statSync(path.join(storeDir, name)).size, kind: kindOf(name) }))
    .filter((f) => f.bytes > 0)
  const total = (kind) => files.filter((f) => f.kind === kind).reduce((n, f) => n + f.bytes, 0)
  return {
    notifications,
    datasetBytes,
    files: files.map(({ name, bytes }) => ({ name, bytes })),
    logBytes: total('log'),
    readModelBytes: total('readModels'),
    otherBytes: total('other')
  }
}

/** Bytes per notification of each part, and the year of the centre at that rate. */
export const perNotification = (d) => {
  const n = Math.max(1, d.notifications)
  const log = d.logBytes / n
  const readModels = d.readModelBytes / n
  const year = (perNotification) => perNotification * CENTRE_NOTIFICATIONS_PER_DAY * 365
  return {
    notificationBytes: d.datasetBytes / n,
    log,
    readModels,
    other: d.otherBytes / n,
    logRatio: log / Math.max(1, d.datasetBytes / n),
    logYear: year(log),
    readModelsYear: year(readModels),
    totalYear: year(log + readModels + d.otherBytes / n)
  }
}
