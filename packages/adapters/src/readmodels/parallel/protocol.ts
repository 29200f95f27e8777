/**
 * The messages between a parallel rebuild (./rebuild.ts) and its workers (./worker.ts). Messages arrive as
 * structured clones typed `unknown`, so each side checks what it receives instead of casting it.
 */
import type { Undecodable } from '@callstate/projections'
import { isShard, type Shard } from '../../sqlite/shard.js'

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
