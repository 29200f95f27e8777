export { openSqliteStore, type SqliteEventStore, type SqliteStoreOptions } from './store.js'
export { type Durability, SCHEMA_VERSION } from './schema.js'
export { shardOf, type Shard } from './shard.js'
