/**
 * The I/O half of ingest, shared by `callstate import` and the webhook server: classify a batch of raw items
 * (pure, ./classify.ts), append it with one `appendBatch` grouped by stream, and tell each item's outcome.
 *
 * Idempotency comes from the ids (./ids.ts) and the store's id uniqueness, not from reading first, so a
 * re-import, a crashed import run again, or two imports at once all end with each notification stored once.
 * A `Duplicate` answer whose stored content hash differs from ours is not a duplicate but a conflict (one
 * uuid, two contents): the second version is kept in quarantine with both hashes, never dropped.
 */
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { AppendRequest, AppendResult, EventStore, NewEvent, StoreFailure } from '@callstate/projections'
import { streams } from '@callstate/projections'
import { classify, quarantineEntry, type Prepared, type PreparedNotification } from './classify.js'
import type { QuarantineReason } from '@callstate/projections'
import type { RawItem } from './readers.js'

export type ItemOutcome =
  | {
      readonly _tag: 'appended'
      readonly sourceRef: string
      readonly id: string
      readonly stream: string
      readonly position: number
    }
  /** Already in the log (`stream` is `quarantine` for bad input seen before). */
  | { readonly _tag: 'duplicate'; readonly sourceRef: string; readonly id: string; readonly stream: string }
  | {
      readonly _tag: 'quarantined'
      readonly sourceRef: string
      readonly id: string
      readonly reason: QuarantineReason
      readonly reasons: ReadonlyArray<string>
    }
  | {
      readonly _tag: 'conflict'
      readonly sourceRef: string
      /** Id of the quarantine entry that keeps this version. */
      readonly id: string
      readonly uuid: string
      readonly contentHash: string
      readonly existingContentHash: string
    }

export interface IngestTotals {
  /** Values read (a JSON array line counts its elements); equals appended + duplicates + quarantined. */
  readonly read: number
  readonly appended: number
  readonly duplicates: number
  /** New quarantine entries, conflicts included. */
  readonly quarantined: number
}

export interface IngestReport {
  /** One per value read, in input order. */
  readonly outcomes: ReadonlyArray<ItemOutcome>
  readonly totals: IngestTotals
}

export const emptyTotals: IngestTotals = { read: 0, appended: 0, duplicates: 0, quarantined: 0 }

export const addTotals = (a: IngestTotals, b: IngestTotals): IngestTotals => ({
  read: a.read + b.read,
  appended: a.appended + b.appended,
  duplicates: a.duplicates + b.duplicates,
  quarantined: a.quarantined + b.quarantined
})

/** Requests for one `appendBatch`: one per stream, events in input order, `expected: 'any'`. */
export const groupByStream = (events: ReadonlyArray<{ stream: string; event: NewEvent }>): AppendRequest[] => {
  const byStream = new Map<string, NewEvent[]>()
  for (const { stream, event } of events) {
    const list = byStream.get(stream)
    if (list === undefined) byStream.set(stream, [event])
    else list.push(event)
  }
  return [...byStream].map(([stream, list]) => ({ stream, expected: 'any', events: list }))
}

const streamOfPrepared = (p: Prepared): string => (p._tag === 'notification' ? p.stream : streams.quarantine)

/** Appends and returns each event's result by id. */
const appendAll = (
  store: EventStore,
  items: ReadonlyArray<Prepared>
): TE.TaskEither<StoreFailure, ReadonlyMap<string, AppendResult>> =>
  items.length === 0
    ? TE.right(new Map())
    : pipe(
        store.appendBatch(groupByStream(items.map((p) => ({ stream: streamOfPrepared(p), event: p.event })))),
        TE.map((outcomes) => new Map(outcomes.flatMap((o) => o.results.map((r) => [r.id, r] as const))))
      )

const conflictOf = (p: PreparedNotification, existingHash: string, receivedAt: string) =>
  quarantineEntry(
    p.raw,
    p.source,
    p.sourceRef,
    receivedAt,
    'conflict',
    [`uuid ${p.uuid} is already logged with content hash ${existingHash}; this copy has ${p.contentHash}`],
    { uuid: p.uuid, contentHash: p.contentHash, existingContentHash: existingHash, existingEventId: p.event.id }
  )

/** What became of one classified item, once the first append has answered. */
type Step =
  | { readonly _tag: 'done'; readonly outcome: ItemOutcome }
  | {
      readonly _tag: 'conflict'
      readonly entry: Prepared
      readonly of: PreparedNotification
      readonly existing: string
    }

const outcomeOf = (p: Prepared, result: AppendResult | undefined): ItemOutcome => {
  if (result?._tag === 'Appended')
    return p._tag === 'notification'
      ? { _tag: 'appended', sourceRef: p.sourceRef, id: p.event.id, stream: p.stream, position: result.position }
      : { _tag: 'quarantined', sourceRef: p.sourceRef, id: p.event.id, reason: p.reason, reasons: p.reasons }
  return { _tag: 'duplicate', sourceRef: p.sourceRef, id: p.event.id, stream: streamOfPrepared(p) }
}

const total = (outcomes: ReadonlyArray<ItemOutcome>): IngestTotals => {
  let appended = 0
  let duplicates = 0
  let quarantined = 0
  for (const o of outcomes) {
    if (o._tag === 'appended') appended++
    else if (o._tag === 'duplicate') duplicates++
    else quarantined++
  }
  return { read: outcomes.length, appended, duplicates, quarantined }
}

/**
 * Ingests a batch: at most two store round trips (the batch, then any conflict entries). `now` is read once
 * per batch for `receivedAt`.
 */
export const ingest = (
  store: EventStore,
  items: ReadonlyArray<RawItem>,
  now: () => Date = () => new Date()
): TE.TaskEither<StoreFailure, IngestReport> => {
  const receivedAt = now().toISOString()
  return ingestPrepared(
    store,
    items.flatMap((item) => classify(item, receivedAt)),
    receivedAt
  )
}

/**
 * The store half of `ingest`, for items classified elsewhere (the import's worker threads, ./import-workers.ts).
 * `receivedAt` stamps the conflict entries this step creates; the prepared events carry their own.
 */
export const ingestPrepared = (
  store: EventStore,
  prepared: ReadonlyArray<Prepared>,
  receivedAt: string
): TE.TaskEither<StoreFailure, IngestReport> => {
  // Repeats inside the batch never reach the store: the first copy of an id goes, later ones are judged here.
  const first = new Map<string, Prepared>()
  const unique: Prepared[] = []
  for (const p of prepared) {
    if (!first.has(p.event.id)) {
      first.set(p.event.id, p)
      unique.push(p)
    }
  }
  return pipe(
    appendAll(store, unique),
    TE.map((results) =>
      prepared.map((p): Step => {
        const earlier = first.get(p.event.id)
        const result = earlier === p ? results.get(p.event.id) : undefined
        if (p._tag === 'notification') {
          const existing =
            earlier !== p
              ? earlier?._tag === 'notification'
                ? earlier.contentHash
                : undefined
              : result?._tag === 'Duplicate'
                ? result.existing.metadata.contentHash
                : undefined
          if (existing !== undefined && existing !== p.contentHash)
            return { _tag: 'conflict', entry: conflictOf(p, existing, receivedAt), of: p, existing }
        }
        return { _tag: 'done', outcome: outcomeOf(p, result) }
      })
    ),
    TE.flatMap((steps) => {
      const conflicts = steps.flatMap((s) => (s._tag === 'conflict' ? [s.entry] : []))
      const firstConflict = new Map<string, Prepared>()
      for (const c of conflicts) if (!firstConflict.has(c.event.id)) firstConflict.set(c.event.id, c)
      return pipe(
        appendAll(store, [...firstConflict.values()]),
        TE.map((results): IngestReport => {
          const outcomes = steps.map((s): ItemOutcome => {
            if (s._tag === 'done') return s.outcome
            const result = firstConflict.get(s.entry.event.id) === s.entry ? results.get(s.entry.event.id) : undefined
            return result?._tag === 'Appended'
              ? {
                  _tag: 'conflict',
                  sourceRef: s.of.sourceRef,
                  id: s.entry.event.id,
                  uuid: s.of.uuid,
                  contentHash: s.of.contentHash,
                  existingContentHash: s.existing
                }
              : { _tag: 'duplicate', sourceRef: s.of.sourceRef, id: s.entry.event.id, stream: streams.quarantine }
          })
          return { outcomes, totals: total(outcomes) }
        })
      )
    })
  )
}
