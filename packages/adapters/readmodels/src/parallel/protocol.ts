/**
 * The messages between a parallel rebuild (./rebuild.ts) and its workers (./worker.ts, ./digest-worker.ts). Messages arrive as
 * structured clones typed `unknown`, so each side checks what it receives instead of casting it.
 */
import type { Undecodable } from '@callstate/projections'
import { isShard, type Shard } from '@callstate/sqlite'

/**
 * Events per transaction when the log is the embedded store, read in-process (the sequential rebuild and every
 * worker). The smaller the batch, the less of it survives each young-generation collection: on the 1M-event log
 * with 2 workers, CPU time (user) was 33-35 s with batches of 2,000, 27-31 s with 500, 25-29 s with 250 or 100,
 * and peak RSS about 15 MB lower; a session spread over two batches is saved twice, which 250 still leaves rare.
 */
export const LOCAL_REBUILD_BATCH_SIZE = 250

/** What a worker starts with: the log's file, its scratch read-model file, its shard, and how far to replay. */
export interface RebuildWorkerData {
  readonly log: string
  readonly scratch: string
  readonly shard: Shard
  readonly until: number
}

export type RebuildWorkerMessage =
  /** The worker's checkpoint: every event of its shard up to here is in its scratch file. */
  | { readonly kind: 'progress'; readonly checkpoint: number }
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
  isRecord(v['shard']) &&
  isShard({ index: Number(v['shard']['index']), count: Number(v['shard']['count']) })

const isUndecodable = (v: unknown): v is Undecodable =>
  isRecord(v) && isCount(v['position']) && typeof v['id'] === 'string' && typeof v['reason'] === 'string'

export const isRebuildWorkerMessage = (v: unknown): v is RebuildWorkerMessage => {
  if (!isRecord(v)) return false
  switch (v['kind']) {
    case 'progress':
      return isCount(v['checkpoint'])
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
