/**
 * The webhook's path to the log: each request's body becomes one raw item, items of concurrent requests are
 * group-committed (./group-commit.ts) through the shared ingest step (../ingest/ingest.ts: classify, one
 * `appendBatch`, per-item outcomes), and each request gets back the outcomes of its own item.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { EventStore, StoreFailure } from '@callstate/projections'
import { ingest, type ItemOutcome } from '@callstate/ingest'
import type { RawItem } from '@callstate/ingest'
import { groupCommit } from './group-commit.js'

/** What became of (one value of) a webhook body, as the webhook answers it. */
export interface WebhookItemOutcome {
  readonly outcome: 'appended' | 'duplicate' | 'quarantined'
  /** The stored event's id (for quarantine: the quarantine entry's id). */
  readonly id: string
  /** The stream it went to (appended, duplicate). */
  readonly stream?: string
  /** Log position (appended). */
  readonly position?: number
  readonly reason?: string
  readonly reasons?: ReadonlyArray<string>
}

export interface WebhookCommit {
  readonly submit: (item: RawItem) => Promise<E.Either<StoreFailure, ReadonlyArray<WebhookItemOutcome>>>
  /** Resolves once every submitted item has been committed (or failed). */
  readonly drain: () => Promise<void>
}

export interface WebhookCommitOptions {
  readonly store: EventStore
  readonly now: () => Date
  /** At most this many requests per transaction (default 1000). */
  readonly maxBatch?: number
  readonly onBatch?: (size: number) => void
}

const toWebhookOutcome = (o: ItemOutcome): WebhookItemOutcome => {
  switch (o._tag) {
    case 'appended':
      return { outcome: 'appended', id: o.id, stream: o.stream, position: o.position }
    case 'duplicate':
      // Bad input sent again is a duplicate of its quarantine entry: still quarantined, as far as the sender goes.
      return o.stream === 'quarantine'
        ? { outcome: 'quarantined', id: o.id, reasons: ['already in quarantine: the same input was received before'] }
        : { outcome: 'duplicate', id: o.id, stream: o.stream }
    case 'quarantined':
      return { outcome: 'quarantined', id: o.id, reason: o.reason, reasons: o.reasons }
    case 'conflict':
      return {
        outcome: 'quarantined',
        id: o.id,
        reason: 'conflict',
        reasons: [`uuid ${o.uuid} is already logged with other content (${o.existingContentHash})`]
      }
  }
}

/** The item an outcome belongs to: the ingest step numbers the values of an array body `<sourceRef>#<i>`. */
const itemRef = (sourceRef: string): string => sourceRef.replace(/#\d+$/, '')

export const webhookCommit = (options: WebhookCommitOptions): WebhookCommit => {
  const { store, now, maxBatch = 1000, onBatch } = options
  const queue = groupCommit<RawItem, ReadonlyArray<WebhookItemOutcome>, StoreFailure>({
    maxBatch,
    onBatch,
    onBroken: (cause) => ({ _tag: 'Unavailable', cause }),
    commit: async (items) => {
      const result = await ingest(store, items, now)()
      if (E.isLeft(result)) return result
      const byItem = new Map<string, WebhookItemOutcome[]>(items.map((i) => [i.sourceRef, []]))
      for (const o of result.right.outcomes) byItem.get(itemRef(o.sourceRef))?.push(toWebhookOutcome(o))
      return E.right(items.map((i) => byItem.get(i.sourceRef) ?? []))
    }
  })
  return { submit: queue.submit, drain: queue.drain }
}
