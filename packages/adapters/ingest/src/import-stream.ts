/**
 * A whole import: read a file or stdin and ingest it in batches. Each batch is one store transaction (embedded
 * store), so a crash loses at most the batch in flight, and running the import again completes it without
 * duplicates (ids are deterministic).
 *
 * Two ways through, one result: NDJSON can be classified on worker threads while the main thread writes
 * (./import-workers.ts); everything else, and any import asked to use no worker, runs on the main thread
 * (./import-sequential.ts). Both store the same events in the same batches, positions included.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventStore } from '@callstate/projections'
import { describeError, type ImportOptions, type ImportFailure, type ReadFailure } from './import-batches.js'
import { importInThread } from './import-sequential.js'
import { defaultWorkers, importWithWorkers } from './import-workers.js'
import type { IngestTotals } from './ingest.js'

export { type ImportFailure, type ImportOptions, type ReadFailure } from './import-batches.js'
export { type WorkerFailure } from './worker-pool.js'
export { defaultWorkers } from './import-workers.js'

/**
 * Ingests everything `input` yields; stops at the first failure (what was stored stays stored). Worker threads
 * only when `options.workers` asks for them.
 */
export const importStream = (
  store: EventStore,
  input: AsyncIterable<Buffer | string>,
  name: string,
  source: 'import-file' | 'stdin',
  options: ImportOptions = {}
): TE.TaskEither<ImportFailure, IngestTotals> => {
  const workers = options.workers ?? 0
  return workers > 0
    ? importWithWorkers(store, input, name, source, workers, options)
    : importInThread(store, input, name, source, options)
}

/** The size of a file, or why it cannot be imported (checked before opening the store). */
export const inputSize = async (path: string): Promise<E.Either<ReadFailure, number>> => {
  try {
    const s = await stat(path)
    if (s.isDirectory()) return E.left({ _tag: 'ReadFailure', path, cause: 'is a directory' })
    return E.right(s.size)
  } catch (e) {
    return E.left({ _tag: 'ReadFailure', path, cause: describeError(e) })
  }
}

/** Imports a file (streamed in 1 MiB chunks), on `defaultWorkers()` worker threads unless `options.workers` says. */
export const importFile = (
  store: EventStore,
  path: string,
  options: ImportOptions = {}
): TE.TaskEither<ImportFailure, IngestTotals> =>
  importStream(store, createReadStream(path, { highWaterMark: 1 << 20 }), path, 'import-file', {
    ...options,
    workers: options.workers ?? defaultWorkers()
  })
