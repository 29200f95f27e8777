/**
 * The replay of a parallel rebuild: one worker per shard (./worker.ts), each reading its shard of the log and folding
 * it into its own scratch file, with the main thread between them passing end facts on. A worker posts the end facts
 * it finds about other shards' sessions (an extension's `final` presence about a call filed in another shard); the
 * main thread hands them to the owner at once. When every worker has read its shard and posted all of its end facts
 * (`forwarded`), every end fact has been handed on, and each worker is told to `finish`.
 */
import type { Worker } from 'node:worker_threads'
import * as E from 'fp-ts/lib/Either.js'
import { describeError, streams, type Position, type SessionEnd, type Undecodable } from '@callstate/projections'
import { shardOf } from '@callstate/sqlite'
import { startWorker } from '@callstate/threads'
import { isRebuildWorkerMessage, type RebuildWorkerData, type ToRebuildWorker } from './protocol.js'

/**
 * Each worker's heap is capped: the replay keeps little alive (a batch, a few hundred sessions), and without a cap V8
 * lets garbage pile up to the size of a whole process's heap in every thread.
 */
const resourceLimits = { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 256 }

/**
 * How far (positions) a worker may read ahead of the slowest one still reading. The end facts a shard passes on then
 * reach a session of another shard while it is still held in memory (`SHARD_SESSION_CACHE` sessions of a shard span
 * more positions than this), instead of after it was written, which costs reading it back and writing it again.
 */
const WINDOW = 10_000
/** Progress is reported about this often (positions). */
const PROGRESS_EVERY = 20_000

export interface ReplayReport {
  readonly events: number
  readonly undecodable: number
  readonly problems: ReadonlyArray<Undecodable>
}

interface Shard {
  readonly worker: Worker
  checkpoint: Position
  /** Read all of its shard, and posted every end fact it found. */
  forwarded: boolean
  report?: ReplayReport
}

/** Replays the log of `log` up to `until` into `files`, one worker (shard) per file. */
export const replayInWorkers = async (
  log: string,
  files: ReadonlyArray<string>,
  until: Position,
  onProgress?: (checkpoint: Position, head: Position) => void
): Promise<E.Either<string, ReplayReport>> => {
  const count = files.length
  let failure: string | undefined
  // Every message, error or exit of a worker wakes the main thread, which then looks at what changed.
  let wake: () => void = () => undefined
  const changed = (): Promise<void> => new Promise((resolve) => (wake = resolve))
  const fail = (cause: string): void => {
    failure ??= cause
    wake()
  }
  const shards: Shard[] = files.map((scratch, index) => {
    const data: RebuildWorkerData = { log, scratch, shard: { index, count }, until, allowed: WINDOW }
    const worker = startWorker(import.meta.url, './worker', { workerData: data, resourceLimits })
    return { worker, checkpoint: 0, forwarded: false }
  })
  const post = (shard: Shard | undefined, message: ToRebuildWorker): void => shard?.worker.postMessage(message)
  const passOn = (ends: ReadonlyArray<SessionEnd>): void => {
    const byOwner = new Map<number, SessionEnd[]>()
    for (const end of ends) {
      const owner = shardOf(streams.session(end.telephonySessionId), count)
      const mine = byOwner.get(owner)
      if (mine === undefined) byOwner.set(owner, [end])
      else mine.push(end)
    }
    for (const [owner, mine] of byOwner) post(shards[owner], { kind: 'ends', ends: mine })
  }
  let allowed = WINDOW
  /** Lets every worker read up to WINDOW past the slowest one still reading. */
  const allow = (): void => {
    const reading = shards.filter((s) => !s.forwarded)
    const slowest = reading.length === 0 ? until : Math.min(...reading.map((s) => s.checkpoint))
    if (slowest + WINDOW <= allowed) return
    allowed = slowest + WINDOW
    for (const s of reading) post(s, { kind: 'allow', until: allowed })
  }
  let reported = 0
  for (const shard of shards) {
    shard.worker.on('message', (message: unknown) => {
      if (!isRebuildWorkerMessage(message)) return fail('an unexpected message from a worker')
      switch (message.kind) {
        case 'progress': {
          shard.checkpoint = message.checkpoint
          allow()
          const checkpoint = Math.min(...shards.map((s) => (s.forwarded ? until : s.checkpoint)))
          if (checkpoint - reported >= PROGRESS_EVERY) {
            reported = checkpoint
            onProgress?.(checkpoint, until)
          }
          return
        }
        case 'ends':
          return passOn(message.ends)
        case 'forwarded':
          shard.forwarded = true
          allow()
          break
        case 'done':
          shard.report = { events: message.events, undecodable: message.undecodable, problems: message.problems }
          break
        case 'failed':
          return fail(`a rebuild worker failed: ${message.cause}`)
      }
      wake()
    })
    shard.worker.on('error', (error) => fail(`a rebuild worker failed: ${describeError(error)}`))
    shard.worker.on('exit', (code) => {
      if (shard.report === undefined) fail(`a worker exited (code ${code}) before reporting`)
    })
  }
  /** Waits until `ready` holds or a worker failed; true when it holds. */
  const whenReady = async (ready: () => boolean): Promise<boolean> => {
    while (failure === undefined && !ready()) await changed()
    return failure === undefined
  }
  try {
    if (!(await whenReady(() => shards.every((s) => s.forwarded)))) return E.left(failure ?? 'stopped')
    for (const shard of shards) post(shard, { kind: 'finish' })
    if (!(await whenReady(() => shards.every((s) => s.report !== undefined)))) return E.left(failure ?? 'stopped')
    const reports = shards.flatMap((s) => (s.report === undefined ? [] : [s.report]))
    return E.right({
      events: reports.reduce((n, r) => n + r.events, 0),
      undecodable: reports.reduce((n, r) => n + r.undecodable, 0),
      problems: reports
        .flatMap((r) => r.problems)
        .sort((a, b) => a.position - b.position)
        .slice(0, 20)
    })
  } finally {
    await Promise.all(shards.map((s) => s.worker.terminate()))
  }
}
