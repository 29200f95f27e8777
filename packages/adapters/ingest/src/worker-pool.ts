/**
 * The import's classify workers: `size` worker threads running ./classify-worker.ts, pieces handed out in turn.
 * Each worker answers its requests in order, so the caller gets one promise per piece and, awaiting them in the
 * order it made them, sees the input in order whatever the number of workers.
 *
 * An answer stays in the worker's reply port, serialised, until the caller `take`s it: the promise only says it
 * is there (the worker sends a one-byte signal after each reply). Answers waiting for the main thread to finish a
 * SQLite batch therefore cost their bytes outside the V8 heap, and the strings are made when they are about to be
 * stored, so they die young instead of being promoted and piling up as old-generation garbage (1M lines with 12
 * pieces in flight: main-thread heap before each full GC ~115 MB when answers were decoded on arrival).
 *
 * A worker that throws or exits breaks the pool: every request still waiting, and every later one, answers
 * `WorkerFailure` (a value, like the store's failures), and the caller stops the import.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads'
import * as E from 'fp-ts/lib/Either.js'
import { startWorker } from '@callstate/threads'
import type { Prepared } from './classify.js'
import type { LinePiece } from './line-pieces.js'
import { decodeReply, type ClassifyRequest, type WorkerSetup } from './worker-protocol.js'
import { describeError } from '@callstate/projections'

/** A classify worker failed (a bug, or the thread could not start or ran out of memory). */
export interface WorkerFailure {
  readonly _tag: 'WorkerFailure'
  readonly cause: string
}

/** A piece's answer, ready to be taken (once, in the order the pieces were handed out). */
export type Answer = () => E.Either<WorkerFailure, ReadonlyArray<Prepared>>

export interface ClassifyPool {
  readonly classify: (piece: LinePiece, receivedAt: string) => Promise<Answer>
  /** Stops every worker; requests still waiting answer `WorkerFailure`. */
  readonly close: () => Promise<void>
}

/**
 * A worker's garbage is almost all young (parsed lines live for one line), and V8's default young generation
 * (3 x 16 MiB semi-spaces) only grows the resident size: 8 MiB costs no measurable time and some 30 MB of RSS.
 */
const resourceLimits = { maxYoungGenerationSizeMb: 8 }

/** A worker running ./classify-worker. */
const newWorker = (setup: WorkerSetup, replies: MessagePort): Worker =>
  startWorker(import.meta.url, './classify-worker', {
    workerData: { ...setup, replies },
    transferList: [replies],
    resourceLimits
  })

interface Waiting {
  readonly receivedAt: string
  readonly ready: (answer: Answer) => void
}

export const startPool = (size: number, setup: WorkerSetup): ClassifyPool => {
  let broken: WorkerFailure | undefined
  let closing = false
  const failed = (): Answer => () => E.left(broken ?? closed)
  const slots = Array.from({ length: Math.max(1, size) }, (_, n) => {
    const channel = new MessageChannel()
    const worker = newWorker(setup, channel.port2)
    const replies = channel.port1
    const waiting: Waiting[] = []
    const fail = (cause: string): void => {
      broken ??= { _tag: 'WorkerFailure', cause: `classify worker ${n + 1}: ${cause}` }
      for (const { ready } of waiting.splice(0)) ready(failed())
    }
    const take =
      (receivedAt: string): Answer =>
      () => {
        if (broken !== undefined) return E.left(broken)
        const received = receiveMessageOnPort(replies)
        const prepared = received === undefined ? undefined : decodeReply(received.message, receivedAt, setup.source)
        if (prepared !== undefined) return E.right(prepared)
        fail(
          received === undefined ? 'signalled a reply it did not send' : 'a reply that does not hold prepared events'
        )
        return failed()()
      }
    // The signal that the next reply is in `replies`.
    worker.on('message', () => {
      const request = waiting.shift()
      if (request === undefined) return fail('a reply nobody asked for')
      request.ready(take(request.receivedAt))
    })
    worker.on('error', (error) => fail(describeError(error)))
    worker.on('exit', (code) => fail(closing ? 'the pool was closed' : `exited with code ${code}`))
    return { worker, waiting, replies }
  })
  let next = 0
  return {
    classify: (piece, receivedAt) => {
      const slot = slots[next++ % slots.length]
      if (broken !== undefined || slot === undefined) return Promise.resolve(failed())
      // Copied, not moved: a megabyte copy is nothing next to classifying it, and the caller keeps its piece.
      const request: ClassifyRequest = { bytes: piece.bytes, firstLine: piece.firstLine, receivedAt }
      return new Promise((ready) => {
        slot.waiting.push({ receivedAt, ready })
        slot.worker.postMessage(request)
      })
    },
    close: async () => {
      closing = true
      await Promise.all(slots.map((s) => s.worker.terminate()))
      for (const s of slots) s.replies.close()
    }
  }
}

const closed: WorkerFailure = { _tag: 'WorkerFailure', cause: 'the classify pool has no worker' }
