export {}
export * from './sqlite/index.js'
export * from './http/index.js'
export * from './esdb/index.js'
export * from './readmodels/index.js'
export * from './ingest/index.js'
export * from './open-store.js'
export * from './simulate/index.js'
