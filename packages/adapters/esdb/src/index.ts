export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, openEsdbStore, type EsdbStoreOptions } from './store.js'
