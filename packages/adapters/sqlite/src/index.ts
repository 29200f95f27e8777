export { openSqliteStore, type SqliteEventStore, type SqliteStoreOptions } from './store.js'
export { type Durability, SCHEMA_VERSION } from './schema.js'
export { shardOf, type Shard } from './shard.js'
export { isShard } from './shard.js'
export { enableWal } from './wal.js'
export {
  backupLogFile,
  backupSqliteFile,
  checkLogFile,
  checkSqliteFile,
  type FileCheck,
  type LogCheck,
  type LogCopy
} from './backup.js'
export {
  checkpointWal,
  fileSize,
  inspectSqliteFile,
  readableEvents,
  summarizeLog,
  type FileInspection,
  type LogSummary,
  type ReadableLog
} from './check.js'
