export * from './open-readmodels.js'
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
