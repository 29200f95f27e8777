/**
 * The import across threads: while the main thread writes SQLite, worker threads parse, decode and hash
 * (./worker-pool.ts). The main thread reads the input, cuts it into pieces of whole lines (./line-pieces.ts),
 * hands them out and stores the answers in input order, in the same batches as the in-thread path.
 *
 * Memory stays flat however long the input: at most `IN_FLIGHT_PER_WORKER` pieces per worker are out at once, and the next chunk of
 * input is not read until the oldest piece has been stored (backpressure down to the file or stdin).
 *
 * Only NDJSON goes through the workers (its pieces can be cut without parsing); the format is decided on the first
 * line as ./readers.ts does, and anything else is handed to the in-thread path. An input smaller than one piece (512 KiB)
 * never starts a worker: its lines are classified here, the same way.
 */
import { availableParallelism } from 'node:os'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventStore, Source } from '@callstate/projections'
import { classifyLines } from './classify-lines.js'
import { batchWriter, describeError, type ImportFailure, type ImportOptions } from './import-batches.js'
import { importInThread } from './import-sequential.js'
import { emptyTotals, type IngestTotals } from './ingest.js'
import { lineCutter, type LinePiece } from './line-pieces.js'
import { detectFormat, firstLineOf } from './readers.js'
import { startPool, type Answer, type ClassifyPool } from './worker-pool.js'

/**
 * Bytes per piece: some 600 notifications, a few milliseconds of work. Half a MiB rather than one: the answers
 * waiting on the main thread are smaller (1M lines: peak RSS 302 -> 287 MB, same speed within the noise).
 */
export const PIECE_BYTES = 1 << 19

/**
 * Pieces out per worker. The main thread stores answers in batches (DEFAULT_BATCH, some 4 pieces), and while it is
 * in SQLite it hands nothing out: the worker must have more than a batch of work queued or it stops and waits too.
 * With 3 out, the two threads took turns instead of overlapping (main thread idle 24% of a 1M import, the worker
 * 36%); with 8, measured back to back: 28,400 -> 38,300-41,900 notifications/s; 6 is as fast with batches of 2500.
 * Answers wait serialised in the worker's reply port until taken (./worker-pool.ts), outside the V8 heap.
 */
const IN_FLIGHT_PER_WORKER = 6

/** One worker per CPU beyond the one the main thread writes with, at least one, at most four. */
export const defaultWorkers = (): number => Math.min(4, Math.max(1, availableParallelism() - 1))

const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const asBuffer = (chunk: Buffer | string): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)

/** `head` (chunks already read) followed by the rest of `rest`. */
async function* replay(head: ReadonlyArray<Buffer | string>, rest: AsyncIterator<Buffer | string>) {
  yield* head
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value
}

interface Start {
  /** The chunks read to find the first line. */
  readonly head: ReadonlyArray<Buffer | string>
  /** The first non-blank line; undefined when the input is blank. */
  readonly first: string | undefined
  readonly atEnd: boolean
}

/** Reads until the first non-blank line is complete (the rule of ./readers.ts decides the format on it). */
const readStart = async (input: AsyncIterator<Buffer | string>): Promise<Start> => {
  const head: Array<Buffer | string> = []
  for (;;) {
    const next = await input.next()
    const atEnd = next.done === true
    if (next.done !== true) {
      head.push(next.value)
      // No line break in this chunk: the first line cannot have been completed by it.
      if (!asBuffer(next.value).includes(0x0a)) continue
    }
    const text = Buffer.concat(head.map(asBuffer)).toString('utf8')
    const first = firstLineOf(text.startsWith('\uFEFF') ? text.slice(1) : text, atEnd)
    if (first !== undefined || atEnd) return { head, first, atEnd }
  }
}

export const importWithWorkers =
  (
    store: EventStore,
    input: AsyncIterable<Buffer | string>,
    name: string,
    source: Source,
    workers: number,
    options: ImportOptions = {}
  ): TE.TaskEither<ImportFailure, IngestTotals> =>
  async () => {
    const iterator = input[Symbol.asyncIterator]()
    let pool: ClassifyPool | undefined
    try {
      const start = await readStart(iterator)
      // Blank or empty input: nothing to read, as in the in-thread path.
      if (start.first === undefined) return E.right(emptyTotals)
      if (detectFormat(start.first) !== 'ndjson')
        return await importInThread(store, replay(start.head, iterator), name, source, options)()
      options.onFormat?.('ndjson')
      return await pipeline(store, start, iterator, name, source, workers, options, (p) => (pool = p))
    } catch (e) {
      // Only reading the input throws (store and worker failures are values): it becomes a value here.
      return E.left({ _tag: 'ReadFailure', path: name, cause: describeError(e) })
    } finally {
      await pool?.close()
      // Also when a failure stopped the import early: the input releases its file.
      await iterator.return?.()
    }
  }

const pipeline = async (
  store: EventStore,
  start: Start,
  iterator: AsyncIterator<Buffer | string>,
  name: string,
  source: Source,
  workers: number,
  options: ImportOptions,
  started: (pool: ClassifyPool) => void
): Promise<E.Either<ImportFailure, IngestTotals>> => {
  const now = options.now ?? (() => new Date())
  const writer = batchWriter(store, options)
  const cutter = lineCutter(PIECE_BYTES)
  let pool: ClassifyPool | undefined
  // Answers still to store, oldest first.
  const out: Array<Promise<Answer>> = []
  const storeOldest = async (): Promise<E.Either<ImportFailure, void>> => {
    const ready = await out.shift()
    if (ready === undefined) return E.right(undefined)
    const answer = ready()
    return E.isLeft(answer) ? answer : writer.add(answer.right)
  }
  const handOut = async (piece: LinePiece | undefined): Promise<E.Either<ImportFailure, void>> => {
    if (piece === undefined) return E.right(undefined)
    if (pool === undefined) started((pool = startPool(workers, { name, source })))
    out.push(pool.classify(piece, now().toISOString()))
    while (out.length >= IN_FLIGHT_PER_WORKER * workers) {
      const stored = await storeOldest()
      if (E.isLeft(stored)) return stored
    }
    return E.right(undefined)
  }

  let first = Buffer.concat(start.head.map(asBuffer))
  let bytes = first.length
  if (first.subarray(0, 3).equals(BOM)) first = first.subarray(3)
  let handed = await handOut(cutter.push(first))
  options.onBytes?.(bytes)
  for (let atEnd = start.atEnd; !atEnd && E.isRight(handed);) {
    const next = await iterator.next()
    if (next.done === true) atEnd = true
    else {
      const chunk = asBuffer(next.value)
      bytes += chunk.length
      handed = await handOut(cutter.push(chunk))
      options.onBytes?.(bytes)
    }
  }
  if (E.isLeft(handed)) return handed
  const last = cutter.end()
  if (pool !== undefined) {
    const lastHanded = await handOut(last)
    if (E.isLeft(lastHanded)) return lastHanded
  }
  while (out.length > 0) {
    const stored = await storeOldest()
    if (E.isLeft(stored)) return stored
  }
  if (last !== undefined && pool === undefined) {
    // Less than one piece in all: not worth a worker.
    const text = last.bytes.toString('utf8')
    const added = await writer.add(classifyLines(text, last.firstLine, name, source, now().toISOString()))
    if (E.isLeft(added)) return added
  }
  return writer.finish()
}
