/**
 * The entry point of a parallel-rebuild worker thread (started by ./rebuild.ts): replays the events of its shard
 * of the log (`readShard`: every event of a stream is in one shard) into its own scratch read-model file, with the
 * same runner and projections as any rebuild, then reports what it read. It posts its checkpoint as it goes.
 *
 * A session's end can come from another stream: an extension's detailed presence (`terminationType: final`). So
 * `readShard` also hands each worker the other shards' presence notifications that say `final`, and the worker's
 * projections write only the rows of the streams it owns: the presence rows of its own extensions, and the end
 * facts about its own sessions, wherever they came from. Those foreign events are not counted as its events.
 *
 * A failure is reported as a message and the worker ends; the main thread then stops the other workers and leaves
 * the live read models untouched.
 */
import path from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  createRunner,
  defaultProjections,
  projectEvent,
  REBUILD_SESSION_CACHE,
  type EventStore,
  type StoredEvent,
  describeError
} from '@callstate/projections'
import { openSqliteStore, shardOf } from '@callstate/sqlite'
import { describeRunnerFailure, describeStoreFailure } from '@callstate/projections'
import { openReadModels } from '../open-readmodels.js'
import { isRebuildWorkerData, LOCAL_REBUILD_BATCH_SIZE, type RebuildWorkerMessage } from './protocol.js'

/** Progress is posted about this often (positions), not after every batch. */
const PROGRESS_EVERY = 20_000

const port = parentPort
if (port === null) throw new Error('the rebuild worker runs as a worker thread only')
const setup: unknown = workerData
if (!isRebuildWorkerData(setup)) throw new Error(`rebuild worker: unexpected setup ${JSON.stringify(setup)}`)
const post = (message: RebuildWorkerMessage): void => port.postMessage(message)

const run = async (): Promise<RebuildWorkerMessage> => {
  const opened = openSqliteStore({ dataDir: path.dirname(setup.log), fileName: path.basename(setup.log) })
  if (E.isLeft(opened)) return { kind: 'failed', cause: describeStoreFailure(opened.left) }
  const store = opened.right
  const scratchOpened = openReadModels({ file: setup.scratch }, { scratch: true })
  if (E.isLeft(scratchOpened)) {
    await store.close()
    return { kind: 'failed', cause: scratchOpened.left.cause }
  }
  const scratch = scratchOpened.right
  try {
    const { count, index } = setup.shard
    const owns = (stream: string): boolean => shardOf(stream, count) === index
    // Another shard's events it reads for their end facts: they are that shard's to count (and to report when they
    // do not decode).
    const foreign = { events: 0, undecodable: new Set<number>() }
    const noteForeign = (events: ReadonlyArray<StoredEvent>): ReadonlyArray<StoredEvent> => {
      for (const e of events) {
        if (owns(e.stream)) continue
        foreign.events++
        if (E.isLeft(projectEvent(e))) foreign.undecodable.add(e.position)
      }
      return events
    }
    // The log as this shard sees it: the runner reads it like the whole log.
    const shardLog: EventStore = {
      ...store,
      readAll: (after, limit) => pipe(store.readShard(after, limit, setup.shard), TE.map(noteForeign))
    }
    const runner = createRunner(shardLog, scratch, {
      projections: defaultProjections({ sessionCacheSize: REBUILD_SESSION_CACHE, owns }),
      batchSize: LOCAL_REBUILD_BATCH_SIZE
    })
    let posted = 0
    const report = await runner.catchUp({
      until: setup.until,
      onProgress: (checkpoint) => {
        if (checkpoint - posted < PROGRESS_EVERY) return
        posted = checkpoint
        post({ kind: 'progress', checkpoint })
      }
    })()
    if (E.isLeft(report)) return { kind: 'failed', cause: describeRunnerFailure(report.left) }
    const { events, undecodable, problems } = report.right
    return {
      kind: 'done',
      events: events - foreign.events,
      undecodable: undecodable - foreign.undecodable.size,
      problems: problems.filter((p) => !foreign.undecodable.has(p.position))
    }
  } finally {
    scratch.close()
    await store.close()
  }
}

run().then(post, (error: unknown) => post({ kind: 'failed', cause: describeError(error) }))
