export * from './open-readmodels.js'
export {
  checkReadModels,
  recoverReadModels,
  setAsideReadModels,
  type ReadModelsHealth,
  type ReadModelsRecovery
} from './health.js'
export { ReadModelCorrupt } from './rows.js'
export {
  rebuildInParallel,
  defaultRebuildWorkers,
  MAX_REBUILD_WORKERS,
  PARALLEL_REBUILD_FROM,
  rebuildReadModels,
  type ParallelRebuildOptions,
  type RebuildReadModelsOptions
} from './parallel/rebuild.js'
export * from './analytics/index.js'
