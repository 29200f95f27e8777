/**
 * What every import path shares: its options and failures, and the batched writes. Prepared events are stored in
 * batches of exactly `batchSize` (the last one smaller), one `ingestPrepared` (one store transaction) each, so the
 * same input gives the same log, positions included, whichever path classified it.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { EventStore, StoreFailure } from '@callstate/projections'
import type { Prepared } from './classify.js'
import { addTotals, emptyTotals, ingestPrepared, type IngestReport, type IngestTotals } from './ingest.js'
import type { InputFormat } from './readers.js'
import type { WorkerFailure } from './worker-pool.js'

/** The input could not be read (missing file, a directory, an I/O error mid-way). */
export interface ReadFailure {
  readonly _tag: 'ReadFailure'
  readonly path: string
  readonly cause: string
}

export type ImportFailure = StoreFailure | ReadFailure | WorkerFailure

export interface ImportOptions {
  /** Items per `appendBatch` (default DEFAULT_BATCH). */
  readonly batchSize?: number
  /**
   * Worker threads that parse, decode and hash NDJSON while the main thread writes (default: `defaultWorkers()`
   * for a file, 0 for a stream). 0 does everything on the main thread. Inputs under one piece (512 KiB) never start
   * a worker, and other formats than NDJSON are always read on the main thread.
   */
  readonly workers?: number
  readonly now?: () => Date
  readonly onBytes?: (bytesRead: number) => void
  readonly onFormat?: (format: InputFormat) => void
  /** Called after each batch is stored, with that batch's report. */
  readonly onBatch?: (report: IngestReport) => void
}

/**
 * Items per transaction. Larger batches write less WAL per event (fewer commits of the same random id-index pages:
 * 1M import 10.1 GB written with 2500, 8.8 GB with 5000), but a batch's strings live on the main thread until it is
 * stored, long enough to be promoted and swell V8's old generation. Measured back to back on 1M lines (6 pieces per
 * worker in flight): 2500 -> 46,000-54,600/s, peak RSS 234-241 MB; 5000 -> 51,700-54,400/s, 308-316 MB.
 */
export const DEFAULT_BATCH = 2500

export const describeError = (e: unknown): string => {
  if (e instanceof Error) {
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined
    if (code === 'ENOENT') return 'no such file'
    if (code === 'EISDIR') return 'is a directory'
    if (code === 'EACCES') return 'permission denied'
    return e.message
  }
  return String(e)
}

export interface BatchWriter {
  /** Queues prepared events, storing every full batch. */
  readonly add: (prepared: ReadonlyArray<Prepared>) => Promise<E.Either<StoreFailure, void>>
  /** Stores what is left; the totals of everything stored. */
  readonly finish: () => Promise<E.Either<StoreFailure, IngestTotals>>
}

export const batchWriter = (store: EventStore, options: ImportOptions): BatchWriter => {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH)
  const now = options.now ?? (() => new Date())
  let totals = emptyTotals
  let pending: Prepared[] = []
  const write = async (batch: ReadonlyArray<Prepared>): Promise<E.Either<StoreFailure, void>> => {
    const result = await ingestPrepared(store, batch, now().toISOString())()
    if (E.isLeft(result)) return result
    totals = addTotals(totals, result.right.totals)
    options.onBatch?.(result.right)
    return E.right(undefined)
  }
  return {
    add: async (prepared) => {
      for (const p of prepared) pending.push(p)
      while (pending.length >= batchSize) {
        const batch = pending.length === batchSize ? pending : pending.slice(0, batchSize)
        pending = pending.length === batchSize ? [] : pending.slice(batchSize)
        const written = await write(batch)
        if (E.isLeft(written)) return written
      }
      return E.right(undefined)
    },
    finish: async () => {
      const batch = pending
      pending = []
      const written = batch.length > 0 ? await write(batch) : E.right(undefined)
      return E.isLeft(written) ? written : E.right(totals)
    }
  }
}
