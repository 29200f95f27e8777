/** The ingest pipeline: readers, the pure raw -> event step, the batched idempotent append, the quarantine. */
export { type RawItem, type InputFormat, type ReadOptions, readItems, detectFormat } from './readers.js'
export {
  type Prepared,
  type PreparedNotification,
  type PreparedQuarantine,
  classify,
  classifyValue,
  quarantineEntry,
  streamOf
} from './classify.js'
export {
  type ItemOutcome,
  type IngestReport,
  type IngestTotals,
  ingest,
  addTotals,
  emptyTotals,
  groupByStream
} from './ingest.js'
export {
  type ImportFailure,
  type ImportOptions,
  type ReadFailure,
  importFile,
  importStream,
  inputSize
} from './import-stream.js'
export {
  type QuarantineItem,
  type QuarantineListing,
  type RetryItem,
  type RetryReport,
  listQuarantine,
  quarantineListing,
  quarantineItemJson,
  retryQuarantine
} from './quarantine.js'
export {
  CALLSTATE_NAMESPACE,
  notificationEventId,
  quarantineEventId,
  reconciliationEventId,
  resolutionEventId,
  sha256Hex
} from './ids.js'
export { contentHash } from './content-hash.js'
export { type WorkerFailure, defaultWorkers } from './import-stream.js'
export { ingestPrepared } from './ingest.js'
