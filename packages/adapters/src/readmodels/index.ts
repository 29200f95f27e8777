export * from './open-readmodels.js'
export { ReadModelCorrupt } from './rows.js'
