export * from './open-readmodels.js'
export { ReadModelCorrupt } from './rows.js'
export {
  rebuildInParallel,
  defaultRebuildWorkers,
  MAX_REBUILD_WORKERS,
  rebuildReadModels,
  type ParallelRebuildOptions,
  type RebuildReadModelsOptions
} from './parallel/rebuild.js'
