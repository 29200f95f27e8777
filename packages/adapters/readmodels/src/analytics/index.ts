export * from './source.js'
export * from './stats.js'
export * from './export-calls.js'
export * from './queues.js'
