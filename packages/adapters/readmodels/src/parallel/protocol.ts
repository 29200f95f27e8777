/**
 * The messages between a parallel rebuild (./rebuild.ts, ./feed.ts) and its workers (./worker.ts,
 * ./digest-worker.ts). Messages arrive as structured clones typed `unknown`, so each side checks what it receives
 * instead of casting it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { SessionEndMessage, type SessionEnd, type Undecodable } from '@callstate/projections'
import { isShard, type Shard } from '@callstate/sqlite'

/**
 * Events per transaction when the log is the embedded store, read in-process (the sequential rebuild). The smaller
 * the batch, the less of it survives each young-generation collection: on the 1M-event log with 2 workers, CPU time
 * (user) was 33-35 s with batches of 2,000, 27-31 s with 500, 25-29 s with 250 or 100, and peak RSS about 15 MB
 * lower; a session spread over two batches is saved twice, which 250 still leaves rare.
 */
export const LOCAL_REBUILD_BATCH_SIZE = 250

/**
 * What a rebuild worker starts with: the log's file, its scratch read-model file, its shard, how far to replay, and
 * how far it may read before the rebuild allows more (`allow`).
 */
export interface RebuildWorkerData {
  readonly log: string
  readonly scratch: string
  readonly shard: Shard
  readonly until: number
  readonly allowed: number
}

/** From the rebuild to a worker. */
export type ToRebuildWorker =
  /** End facts about the worker's sessions, from other shards. */
  | { readonly kind: 'ends'; readonly ends: ReadonlyArray<SessionEnd> }
  /** The worker may read the log up to this position (the other shards have come close enough). */
  | { readonly kind: 'allow'; readonly until: number }
  /** Every worker has read its shard and passed its end facts on: no more will come. */
  | { readonly kind: 'finish' }

/** From a worker to the rebuild. */
export type RebuildWorkerMessage =
  /** The worker's checkpoint (after each batch): every event of its shard up to here is folded. */
  | { readonly kind: 'progress'; readonly checkpoint: number }
  /** End facts about other shards' sessions, to pass on to their owners. */
  | { readonly kind: 'ends'; readonly ends: ReadonlyArray<SessionEnd> }
  /** The worker has read all of its shard, and posted every end fact it found. */
  | { readonly kind: 'forwarded' }
  | {
      readonly kind: 'done'
      readonly events: number
      readonly undecodable: number
      readonly problems: ReadonlyArray<Undecodable>
    }
  | { readonly kind: 'failed'; readonly cause: string }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

export const isRebuildWorkerData = (v: unknown): v is RebuildWorkerData =>
  isRecord(v) &&
  typeof v['log'] === 'string' &&
  typeof v['scratch'] === 'string' &&
  isCount(v['until']) &&
  isCount(v['allowed']) &&
  isRecord(v['shard']) &&
  isShard({ index: Number(v['shard']['index']), count: Number(v['shard']['count']) })

const isEnds = (v: unknown): v is SessionEnd[] => Array.isArray(v) && v.every((e) => SessionEndMessage.is(e))

const isUndecodable = (v: unknown): v is Undecodable =>
  isRecord(v) && isCount(v['position']) && typeof v['id'] === 'string' && typeof v['reason'] === 'string'

/** A message to a worker, checked; `Left` when it is not one. */
export const receivedByWorker = (v: unknown): E.Either<string, ToRebuildWorker> => {
  if (!isRecord(v)) return E.left('not an object')
  switch (v['kind']) {
    case 'ends':
      return isEnds(v['ends']) ? E.right({ kind: 'ends', ends: v['ends'] }) : E.left('ends: not end facts')
    case 'allow':
      return isCount(v['until']) ? E.right({ kind: 'allow', until: v['until'] }) : E.left('allow: not a position')
    case 'finish':
      return E.right({ kind: 'finish' })
    default:
      return E.left(`unknown kind ${JSON.stringify(v['kind'])}`)
  }
}

export const isRebuildWorkerMessage = (v: unknown): v is RebuildWorkerMessage => {
  if (!isRecord(v)) return false
  switch (v['kind']) {
    case 'progress':
      return isCount(v['checkpoint'])
    case 'ends':
      return isEnds(v['ends'])
    case 'forwarded':
      return true
    case 'done':
      return (
        isCount(v['events']) &&
        isCount(v['undecodable']) &&
        Array.isArray(v['problems']) &&
        v['problems'].every(isUndecodable)
      )
    case 'failed':
      return typeof v['cause'] === 'string'
    default:
      return false
  }
}

/** What the digest worker starts with: the scratch files whose rows, together, are the rebuilt read models. */
export interface DigestWorkerData {
  readonly files: ReadonlyArray<string>
}

export type DigestWorkerMessage =
  { readonly kind: 'digest'; readonly digest: string } | { readonly kind: 'failed'; readonly cause: string }

export const isDigestWorkerData = (v: unknown): v is DigestWorkerData =>
  isRecord(v) && Array.isArray(v['files']) && v['files'].every((f) => typeof f === 'string')

export const isDigestWorkerMessage = (v: unknown): v is DigestWorkerMessage =>
  isRecord(v) &&
  ((v['kind'] === 'digest' && typeof v['digest'] === 'string') ||
    (v['kind'] === 'failed' && typeof v['cause'] === 'string'))
