/**
 * A whole import: read a file or stdin with ./readers.ts and ingest it in batches. Each batch is one store
 * transaction (embedded store), so a crash loses at most the batch in flight, and running the import again
 * completes it without duplicates (ids are deterministic).
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventStore, StoreFailure } from '@callstate/projections'
import { addTotals, emptyTotals, ingest, type IngestReport, type IngestTotals } from './ingest.js'
import { readItems, type InputFormat, type RawItem } from './readers.js'

/** The input could not be read (missing file, a directory, an I/O error mid-way). */
export interface ReadFailure {
  readonly _tag: 'ReadFailure'
  readonly path: string
  readonly cause: string
}

export type ImportFailure = StoreFailure | ReadFailure

export interface ImportOptions {
  /** Items per `appendBatch` (default 5000). */
  readonly batchSize?: number
  readonly now?: () => Date
  readonly onBytes?: (bytesRead: number) => void
  readonly onFormat?: (format: InputFormat) => void
  /** Called after each batch is stored, with that batch's report. */
  readonly onBatch?: (report: IngestReport) => void
}

const DEFAULT_BATCH = 5000

const describe = (e: unknown): string => {
  if (e instanceof Error) {
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined
    if (code === 'ENOENT') return 'no such file'
    if (code === 'EISDIR') return 'is a directory'
    if (code === 'EACCES') return 'permission denied'
    return e.message
  }
  return String(e)
}

/** Ingests everything `input` yields; stops at the first store failure (what was stored stays stored). */
export const importStream =
  (
    store: EventStore,
    input: AsyncIterable<Buffer | string>,
    name: string,
    source: 'import-file' | 'stdin',
    options: ImportOptions = {}
  ): TE.TaskEither<ImportFailure, IngestTotals> =>
  async () => {
    const batchSize = options.batchSize ?? DEFAULT_BATCH
    let totals = emptyTotals
    let batch: RawItem[] = []
    const flush = async (): Promise<E.Either<StoreFailure, void>> => {
      if (batch.length === 0) return E.right(undefined)
      const result = await ingest(store, batch, options.now)()
      batch = []
      if (E.isLeft(result)) return result
      totals = addTotals(totals, result.right.totals)
      options.onBatch?.(result.right)
      return E.right(undefined)
    }
    const items = readItems(input, name, source, { onBytes: options.onBytes, onFormat: options.onFormat })
    try {
      for await (const chunk of items) {
        for (const item of chunk) batch.push(item)
        if (batch.length >= batchSize) {
          const flushed = await flush()
          if (E.isLeft(flushed)) return flushed
        }
      }
    } catch (e) {
      // The reader only throws on I/O errors of the underlying stream: they become a value here.
      return E.left({ _tag: 'ReadFailure', path: name, cause: describe(e) })
    }
    const flushed = await flush()
    return E.isLeft(flushed) ? flushed : E.right(totals)
  }

/** The size of a file, or why it cannot be imported (checked before opening the store). */
export const inputSize = async (path: string): Promise<E.Either<ReadFailure, number>> => {
  try {
    const s = await stat(path)
    if (s.isDirectory()) return E.left({ _tag: 'ReadFailure', path, cause: 'is a directory' })
    return E.right(s.size)
  } catch (e) {
    return E.left({ _tag: 'ReadFailure', path, cause: describe(e) })
  }
}

/** Imports a file (streamed in 1 MiB chunks). */
export const importFile = (
  store: EventStore,
  path: string,
  options: ImportOptions = {}
): TE.TaskEither<ImportFailure, IngestTotals> =>
  importStream(store, createReadStream(path, { highWaterMark: 1 << 20 }), path, 'import-file', options)
