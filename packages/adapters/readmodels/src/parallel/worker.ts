/**
 * The entry point of a parallel-rebuild worker thread (started by ./feed.ts): reads the events of its shard of the
 * log (`readShard`: every event of a stream is in one shard) and folds them into its own scratch read-model file
 * (`shardFold` of packages/projections: each event decoded once, sessions written behind), a batch at a time.
 *
 * A session's end can come from another stream: an extension's detailed presence, perhaps in another shard. The
 * worker posts the end facts it finds about other shards' sessions, and the main thread hands them to the worker that
 * owns the session (`ends`), which applies them between its own batches. `readShard` also returns the other shards'
 * detailed presence that says `final` (for a reader that folds them itself): those rows are skipped here, undecoded,
 * since their end facts come from the shard that owns them. The worker posts its position after each batch and reads
 * on only as far as the main thread allows (`allow`: not far ahead of the other shards). Once it has read its shard
 * it says so (`forwarded`); `finish` then tells it that no more end facts will come, and it writes what it holds.
 *
 * A failure is reported as a message and the worker ends; the main thread then stops the other workers and leaves
 * the live read models untouched.
 */
import path from 'node:path'
import { setImmediate as turn } from 'node:timers/promises'
import { parentPort, workerData } from 'node:worker_threads'
import * as E from 'fp-ts/lib/Either.js'
import { describeError, describeStoreFailure, shardFold, type StoredEvent } from '@callstate/projections'
import { openSqliteStore, shardOf } from '@callstate/sqlite'
import { openReadModels } from '../open-readmodels.js'
import { isRebuildWorkerData, receivedByWorker, type RebuildWorkerMessage } from './protocol.js'

/** Events per read of the shard. */
const BATCH = 500

const port = parentPort
if (port === null) throw new Error('the rebuild worker runs as a worker thread only')
const setup: unknown = workerData
if (!isRebuildWorkerData(setup)) throw new Error(`rebuild worker: unexpected setup ${JSON.stringify(setup)}`)
const post = (message: RebuildWorkerMessage): void => port.postMessage(message)

/** The worker's last message: `done`, or why it failed. Sent once the scratch file is closed (committed). */
const run = async (): Promise<RebuildWorkerMessage> => {
  const failed = (cause: string): RebuildWorkerMessage => ({ kind: 'failed', cause })
  // The shard is read once, in position order: a page cache would hold nothing that is read again.
  const opened = openSqliteStore({ dataDir: path.dirname(setup.log), fileName: path.basename(setup.log), cacheMiB: 1 })
  if (E.isLeft(opened)) return failed(describeStoreFailure(opened.left))
  const store = opened.right
  const scratchOpened = openReadModels({ file: setup.scratch }, { scratch: true })
  if (E.isLeft(scratchOpened)) {
    await store.close()
    return failed(scratchOpened.left.cause)
  }
  const scratch = scratchOpened.right
  const { count, index } = setup.shard
  const owns = (stream: string): boolean => shardOf(stream, count) === index
  const fold = shardFold({ owns })
  // Messages from the main thread are handled between batches (the loop below yields a turn after each one).
  let failure: string | undefined
  let finishing = false
  let allowed = setup.allowed
  let wake: () => void = () => undefined
  const changed = (): Promise<void> => new Promise((resolve) => (wake = resolve))
  port.on('message', (raw: unknown) => {
    const message = receivedByWorker(raw)
    if (E.isLeft(message)) failure ??= `an unexpected message from the rebuild: ${message.left}`
    else if (message.right.kind === 'ends') {
      const { ends } = message.right
      try {
        if (failure === undefined) scratch.transaction((tx) => fold.applyEnds(tx, ends))
      } catch (error) {
        failure = describeError(error)
      }
    } else if (message.right.kind === 'allow') allowed = Math.max(allowed, message.right.until)
    else finishing = true
    wake()
  })
  /** Waits until `ready` holds or something failed; true when it holds. */
  const whenReady = async (ready: () => boolean): Promise<boolean> => {
    while (failure === undefined && !ready()) await changed()
    return failure === undefined
  }
  try {
    let after = 0
    let own = 0
    for (;;) {
      const read = await store.readShard(after, Math.min(BATCH, setup.until - after), setup.shard)()
      if (E.isLeft(read)) return failed(describeStoreFailure(read.left))
      const events: StoredEvent[] = read.right.filter((e) => e.position <= setup.until && owns(e.stream))
      const last = read.right.at(-1)?.position
      own += events.length
      if (events.length > 0) {
        const ends = scratch.transaction((tx) => fold.apply(tx, events))
        if (ends.length > 0) post({ kind: 'ends', ends })
      }
      if (last === undefined || last >= setup.until || read.right.length < BATCH) break
      after = last
      post({ kind: 'progress', checkpoint: after })
      await turn()
      // Not too far ahead of the other shards: the end facts they pass on then find their sessions still in memory.
      if (!(await whenReady(() => after < allowed))) return failed(failure ?? 'stopped')
    }
    post({ kind: 'forwarded' })
    if (!(await whenReady(() => finishing))) return failed(failure ?? 'stopped')
    const report = scratch.transaction((tx) => fold.finish(tx))
    return { kind: 'done', events: own, undecodable: report.undecodable, problems: report.problems }
  } finally {
    scratch.close()
    await store.close()
  }
}

run().then(
  (message) => {
    post(message)
    port.close()
  },
  (error: unknown) => {
    post({ kind: 'failed', cause: describeError(error) })
    port.close()
  }
)
