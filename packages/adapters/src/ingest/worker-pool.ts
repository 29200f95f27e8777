/**
 * The import's classify workers: `size` worker threads running ./classify-worker.ts, pieces handed out in turn.
 * Each worker answers its requests in order, so the caller gets one promise per piece and, awaiting them in the
 * order it made them, sees the input in order whatever the number of workers.
 *
 * A worker that throws or exits breaks the pool: every request still waiting, and every later one, answers
 * `WorkerFailure` (a value, like the store's failures), and the caller stops the import.
 */
import { Worker } from 'node:worker_threads'
import * as E from 'fp-ts/lib/Either.js'
import type { Prepared } from './classify.js'
import type { LinePiece } from './line-pieces.js'
import { decodeReply, type ClassifyRequest, type WorkerSetup } from './worker-protocol.js'

/** A classify worker failed (a bug, or the thread could not start or ran out of memory). */
export interface WorkerFailure {
  readonly _tag: 'WorkerFailure'
  readonly cause: string
}

export interface ClassifyPool {
  readonly classify: (piece: LinePiece, receivedAt: string) => Promise<E.Either<WorkerFailure, ReadonlyArray<Prepared>>>
  /** Stops every worker; requests still waiting answer `WorkerFailure`. */
  readonly close: () => Promise<void>
}

/**
 * A worker's garbage is almost all young (parsed lines live for one line), and V8's default young generation
 * (3 x 16 MiB semi-spaces) only grows the resident size: 8 MiB costs no measurable time and some 30 MB of RSS.
 */
const resourceLimits = { maxYoungGenerationSizeMb: 8 }

/**
 * A worker running ./classify-worker. From the TypeScript sources (the tests run them through tsx) a worker thread
 * does not get tsx's loader, so it registers tsx itself before loading the .ts file.
 */
const newWorker = (setup: WorkerSetup): Worker => {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./classify-worker.js', import.meta.url), { workerData: setup, resourceLimits })
  const entry = JSON.stringify(new URL('./classify-worker.ts', import.meta.url).href)
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}) })`
  return new Worker(boot, { eval: true, workerData: setup, resourceLimits })
}

interface Waiting {
  readonly receivedAt: string
  readonly answer: (answer: E.Either<WorkerFailure, ReadonlyArray<Prepared>>) => void
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export const startPool = (size: number, setup: WorkerSetup): ClassifyPool => {
  let broken: WorkerFailure | undefined
  let closing = false
  const slots = Array.from({ length: Math.max(1, size) }, (_, n) => {
    const worker = newWorker(setup)
    const waiting: Waiting[] = []
    const fail = (cause: string): void => {
      broken ??= { _tag: 'WorkerFailure', cause: `classify worker ${n + 1}: ${cause}` }
      for (const { answer } of waiting.splice(0)) answer(E.left(broken))
    }
    worker.on('message', (message: unknown) => {
      const request = waiting.shift()
      if (request === undefined) return fail('a reply nobody asked for')
      const prepared = decodeReply(message, request.receivedAt, setup.source)
      if (prepared !== undefined) return request.answer(E.right(prepared))
      waiting.unshift(request)
      fail('a reply that does not hold prepared events')
    })
    worker.on('error', (error) => fail(describe(error)))
    worker.on('exit', (code) => fail(closing ? 'the pool was closed' : `exited with code ${code}`))
    return { worker, waiting }
  })
  let next = 0
  return {
    classify: (piece, receivedAt) => {
      const slot = slots[next++ % slots.length]
      if (broken !== undefined || slot === undefined) return Promise.resolve(E.left(broken ?? closed))
      // Copied, not moved: a megabyte copy is nothing next to classifying it, and the caller keeps its piece.
      const request: ClassifyRequest = { bytes: piece.bytes, firstLine: piece.firstLine, receivedAt }
      return new Promise((answer) => {
        slot.waiting.push({ receivedAt, answer })
        slot.worker.postMessage(request)
      })
    },
    close: async () => {
      closing = true
      await Promise.all(slots.map((s) => s.worker.terminate()))
    }
  }
}

const closed: WorkerFailure = { _tag: 'WorkerFailure', cause: 'the classify pool has no worker' }
