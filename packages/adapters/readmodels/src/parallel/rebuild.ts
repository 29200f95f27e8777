/**
 * A rebuild spread over worker threads, for the embedded log. The log is split by stream into shards (every event
 * of a session, or of an extension's presence, in one shard: `shardOf`), each worker folds its shard into its own
 * scratch file (./feed.ts, ./worker.ts), and the main thread then swaps all the scratch rows into the live read
 * models in one transaction (`replaceWith`) while a last worker takes the digest of the same rows
 * (./digest-worker.ts).
 *
 * Same rows as a sequential rebuild (the folds are per session and per extension, and order-free), so the same
 * digest; tested against it. Unlike the sequential rebuild, the live read models stay as they were until the swap:
 * queries (and `serve`) answer from the old read models meanwhile, and a rebuild that is stopped leaves them as
 * they were (its scratch files are removed by the next rebuild).
 */
import { readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Worker } from 'node:worker_threads'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  defaultProjections,
  rebuild,
  type EventStore,
  type Position,
  type RebuildReport,
  type RunnerFailure,
  describeError
} from '@callstate/projections'
import type { SqliteEventStore } from '@callstate/sqlite'
import { startWorker } from '@callstate/threads'
import type { SqliteReadModelStore } from '../open-readmodels.js'
import { replayInWorkers } from './feed.js'
import { isDigestWorkerMessage, LOCAL_REBUILD_BATCH_SIZE, type DigestWorkerData } from './protocol.js'

/** At most this many workers: SQLite attaches at most 10 files to a connection, and the swap attaches them all. */
export const MAX_REBUILD_WORKERS = 8

/**
 * Below this many events a sequential rebuild is as fast (starting the threads and swapping the files cost about as
 * much as replaying a few thousand events).
 */
export const PARALLEL_REBUILD_FROM = 20_000

/**
 * Workers for a log of `head` events when the user did not choose: one per core, at most 4 (beyond that the swap and
 * the digest, both single-threaded, dominate), and 1 (sequential) for a small log.
 */
export const defaultRebuildWorkers = (head: Position): number =>
  head < PARALLEL_REBUILD_FROM ? 1 : Math.max(1, Math.min(4, os.availableParallelism()))

export interface ParallelRebuildOptions {
  /** 2 to MAX_REBUILD_WORKERS. */
  readonly workers: number
  /** Replay only up to this position (verify: as far as the live read models got). */
  readonly until?: Position
  readonly onProgress?: (checkpoint: Position, head: Position) => void
}

const SCRATCH = '.rebuild-'
/** Two shards holding one key: an event filed under a stream that does not match what the decoder reads in it. */
const isCollision = (e: unknown): boolean => e instanceof Error && /constraint failed/i.test(e.message)
const COLLISION_HINT =
  ' (two shards of the log hold the same read-model row: some event is filed under a stream that does not match ' +
  'its content; `callstate rebuild --workers 1` folds by content and works on such a log)'
const failed = (cause: string): RunnerFailure => ({ _tag: 'ReadModelFailure', cause })

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it runs, as another user.
    return e instanceof Error && 'code' in e && e.code === 'EPERM'
  }
}

/** Scratch files of this read-model file left by rebuilds that were killed (their process is gone). */
const removeAbandoned = (file: string): void => {
  const dir = path.dirname(file)
  const prefix = `${path.basename(file)}${SCRATCH}`
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length).split('-')[0])
    if (Number.isSafeInteger(pid) && pid !== process.pid && !isRunning(pid))
      rmSync(path.join(dir, name), { force: true })
  }
}

/**
 * Waits for a worker's answer: the first message `read` turns into a result (`undefined`: not an answer, keep
 * listening), an error, or an exit before answering.
 */
const answer = <A>(worker: Worker, read: (message: unknown) => E.Either<string, A> | undefined) =>
  new Promise<E.Either<string, A>>((resolve) => {
    worker.on('message', (message: unknown) => {
      const result = read(message)
      if (result !== undefined) resolve(result)
    })
    worker.on('error', (error) => resolve(E.left(describeError(error))))
    worker.on('exit', (code) => resolve(E.left(`a worker exited (code ${code}) before reporting`)))
  })

/**
 * The digest of the scratch files taken together, on a worker thread: started just before the swap, it reads the
 * same rows while the main thread copies them (both only read the scratch files), instead of reading them again
 * from the live file afterwards.
 */
export const digestInWorker = (files: ReadonlyArray<string>): Promise<E.Either<string, string>> => {
  const data: DigestWorkerData = { files }
  const worker = startWorker(import.meta.url, './digest-worker', { workerData: data })
  return answer(worker, (message) => {
    if (!isDigestWorkerMessage(message)) return E.left('an unexpected message from the digest worker')
    return message.kind === 'digest' ? E.right(message.digest) : E.left(message.cause)
  }).finally(() => void worker.terminate())
}

export const rebuildInParallel = (
  store: SqliteEventStore,
  readModels: SqliteReadModelStore,
  options: ParallelRebuildOptions
): TE.TaskEither<RunnerFailure, RebuildReport> => {
  const count = options.workers
  if (!Number.isSafeInteger(count) || count < 2 || count > MAX_REBUILD_WORKERS)
    return TE.left(failed(`a parallel rebuild takes 2 to ${MAX_REBUILD_WORKERS} workers, not ${count}`))
  return pipe(
    store.head(),
    TE.flatMap((head) => async () => {
      const until = Math.min(options.until ?? head, head)
      const files = Array.from({ length: count }, (_, i) => `${readModels.file}${SCRATCH}${process.pid}-${i}`)
      const removeFiles = (): void => {
        for (const f of files) rmSync(f, { force: true })
      }
      try {
        removeAbandoned(readModels.file)
        removeFiles()
        const replayed = await replayInWorkers(store.path, files, until, options.onProgress)
        if (E.isLeft(replayed)) return E.left(failed(replayed.left))
        const projections = defaultProjections().map((p) => ({
          projection: p.name,
          version: p.version,
          checkpoint: until
        }))
        const digest = digestInWorker(files)
        const swapped = E.tryCatch(
          () => readModels.replaceWith(files, projections),
          (e) =>
            failed(`swapping in the rebuilt read models: ${describeError(e)}${isCollision(e) ? COLLISION_HINT : ''}`)
        )
        const digested = await digest
        if (E.isLeft(swapped)) return swapped
        options.onProgress?.(until, until)
        return E.tryCatch(
          () => ({
            ...replayed.right,
            checkpoint: until,
            // Should the digest worker fail, the same digest is taken from the live file.
            digest: E.isRight(digested) ? digested.right : readModels.digest()
          }),
          (e) => failed(`taking the digest of the rebuilt read models: ${describeError(e)}`)
        )
      } catch (e) {
        return E.left(failed(describeError(e)))
      } finally {
        removeFiles()
      }
    })
  )
}

/** The embedded store, the only one read synchronously in process (`iterateAll`), fast enough to feed workers. */
const isSqliteStore = (store: EventStore): store is SqliteEventStore =>
  'iterateAll' in store && 'path' in store && typeof store.path === 'string'

export interface RebuildReadModelsOptions {
  /**
   * 1: the sequential rebuild (`rebuild` of packages/projections: in place, resumable). 2 or more: in parallel, when
   * the log is the embedded store (EventStoreDB logs are always rebuilt sequentially). Default
   * `defaultRebuildWorkers(head)`.
   */
  readonly workers?: number
  readonly until?: Position
  readonly onProgress?: (checkpoint: Position, head: Position) => void
}

/** What `callstate rebuild` and `verify` run: the parallel rebuild when it applies, else the sequential one. */
export const rebuildReadModels = (
  store: EventStore,
  readModels: SqliteReadModelStore,
  options: RebuildReadModelsOptions = {}
): TE.TaskEither<RunnerFailure, RebuildReport> =>
  pipe(
    options.workers === undefined ? pipe(store.head(), TE.map(defaultRebuildWorkers)) : TE.right(options.workers),
    TE.flatMap((workers) => {
      const { until, onProgress } = options
      const common = { ...(until !== undefined ? { until } : {}), ...(onProgress !== undefined ? { onProgress } : {}) }
      if (!isSqliteStore(store)) return rebuild(store, readModels, common)
      return workers >= 2
        ? rebuildInParallel(store, readModels, { workers, ...common })
        : rebuild(store, readModels, { ...common, batchSize: LOCAL_REBUILD_BATCH_SIZE })
    })
  )
