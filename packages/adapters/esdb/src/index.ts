export { openEsdbStore, type EsdbStoreOptions } from './store.js'
