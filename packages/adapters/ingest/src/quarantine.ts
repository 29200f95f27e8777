/**
 * Reading the quarantine back and retrying it. The quarantine stream is append-only: an entry is never
 * edited or removed; a retry that gets an entry into the log records a `QuarantineResolved` fact about it.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  readQuarantined,
  readResolution,
  readWholeStream,
  streams,
  type EventStore,
  type NewEvent,
  type QuarantineReason,
  type ResolvedData,
  type StoredEvent,
  type StoreFailure
} from '@callstate/projections'
import { resolutionEventId, sha256Hex } from './ids.js'
import { ingest, type ItemOutcome } from './ingest.js'

export interface QuarantineItem {
  /** Id of the `NotificationQuarantined` event. */
  readonly id: string
  readonly position: number
  readonly receivedAt: string
  readonly reason: QuarantineReason
  readonly reasons: ReadonlyArray<string>
  readonly source: string
  readonly sourceRef: string
  readonly raw: string
  /** The first 80 characters of `raw`, on one line. */
  readonly preview: string
  readonly uuid?: string
  readonly resolved?: { readonly outcome: 'appended' | 'duplicate'; readonly eventId: string; readonly stream: string }
}

export interface QuarantineListing {
  readonly items: ReadonlyArray<QuarantineItem>
  /** Quarantine events whose data could not be read (written by something else): reported, not hidden. */
  readonly unreadable: ReadonlyArray<{ readonly id: string; readonly position: number; readonly problem: string }>
}

const PREVIEW = 80

export const previewOf = (raw: string): string => {
  const flat = raw.replace(/\s+/g, ' ').trim()
  return flat.length > PREVIEW ? `${flat.slice(0, PREVIEW - 1)}…` : flat
}

/** Folds the quarantine stream into its entries, each marked resolved when a resolution names it. */
export const quarantineListing = (events: ReadonlyArray<StoredEvent>): QuarantineListing => {
  const resolutions = new Map<string, ResolvedData>()
  const unreadable: { id: string; position: number; problem: string }[] = []
  for (const ev of events) {
    if (ev.type !== 'QuarantineResolved') continue
    const data = readResolution(ev)
    if (E.isRight(data)) resolutions.set(data.right.quarantineId, data.right)
    else unreadable.push({ id: ev.id, position: ev.position, problem: data.left.reason })
  }
  const items: QuarantineItem[] = []
  for (const ev of events) {
    if (ev.type !== 'NotificationQuarantined') continue
    const data = readQuarantined(ev)
    if (E.isLeft(data)) {
      unreadable.push({ id: ev.id, position: ev.position, problem: data.left.reason })
      continue
    }
    const d = data.right
    const resolution = resolutions.get(ev.id)
    items.push({
      id: ev.id,
      position: ev.position,
      receivedAt: ev.metadata.receivedAt,
      reason: d.reason,
      reasons: d.reasons,
      source: d.source,
      sourceRef: d.sourceRef,
      raw: d.raw,
      preview: previewOf(d.raw),
      ...(d.uuid !== undefined ? { uuid: d.uuid } : {}),
      ...(resolution
        ? { resolved: { outcome: resolution.outcome, eventId: resolution.eventId, stream: resolution.stream } }
        : {})
    })
  }
  return { items, unreadable }
}

/** One item as `callstate quarantine --json` and `GET /quarantine` show it (one shape for both). */
export const quarantineItemJson = (i: QuarantineItem) => ({
  id: i.id,
  position: i.position,
  receivedAt: i.receivedAt,
  reason: i.reason,
  reasons: i.reasons,
  source: i.source,
  sourceRef: i.sourceRef,
  preview: i.preview,
  resolved: i.resolved !== undefined,
  ...(i.uuid !== undefined ? { uuid: i.uuid } : {}),
  ...(i.resolved !== undefined ? { resolution: i.resolved } : {}),
  raw: i.raw
})

export const listQuarantine = (store: EventStore): TE.TaskEither<StoreFailure, QuarantineListing> =>
  pipe(readWholeStream(store, streams.quarantine), TE.map(quarantineListing))

export interface RetryItem {
  readonly id: string
  readonly sourceRef: string
  /** `resolved`: the input is now in the log (appended now, or found there); otherwise why it stays. */
  readonly result: 'resolved' | 'still-quarantined'
  readonly outcome: ItemOutcome
}

export interface RetryReport {
  readonly retried: number
  readonly resolved: number
  readonly stillQuarantined: number
  readonly items: ReadonlyArray<RetryItem>
}

const resolutionEvent = (item: QuarantineItem, outcome: ItemOutcome, receivedAt: string): NewEvent | undefined => {
  if (outcome._tag !== 'appended' && outcome._tag !== 'duplicate') return undefined
  if (outcome.stream === streams.quarantine) return undefined
  const data: ResolvedData = {
    quarantineId: item.id,
    outcome: outcome._tag,
    eventId: outcome.id,
    stream: outcome.stream
  }
  const text = JSON.stringify(data)
  return {
    id: resolutionEventId(item.id),
    type: 'QuarantineResolved',
    data: text,
    metadata: { receivedAt, source: 'quarantine-retry', sourceRef: item.id, contentHash: sha256Hex(text) }
  }
}

/**
 * Re-decodes every unresolved entry with the current decoder. Entries that now decode are appended to the
 * log (or found there) and resolved; the others stay as they are (their re-quarantine is a duplicate).
 */
export const retryQuarantine = (
  store: EventStore,
  now: () => Date = () => new Date()
): TE.TaskEither<StoreFailure, RetryReport> =>
  pipe(
    listQuarantine(store),
    TE.flatMap(({ items }) => {
      const open = items.filter((i) => i.resolved === undefined)
      // One ingest call per entry keeps outcomes aligned with entries even if a raw text holds several values.
      return pipe(
        open,
        TE.traverseSeqArray((item) =>
          pipe(
            ingest(store, [{ raw: item.raw, source: 'quarantine-retry', sourceRef: item.sourceRef }], now),
            TE.map((report) => ({ item, outcomes: report.outcomes }))
          )
        )
      )
    }),
    TE.flatMap((done) => {
      const receivedAt = now().toISOString()
      const retryItems: RetryItem[] = []
      const resolutions: NewEvent[] = []
      for (const { item, outcomes } of done) {
        const events = outcomes.map((o) => resolutionEvent(item, o, receivedAt))
        const resolves = events.length > 0 && events.every((e) => e !== undefined)
        const first = events[0]
        if (resolves && first !== undefined) resolutions.push(first)
        for (const outcome of outcomes)
          retryItems.push({
            id: item.id,
            sourceRef: item.sourceRef,
            result: resolves ? 'resolved' : 'still-quarantined',
            outcome
          })
      }
      const resolved = new Set(retryItems.filter((r) => r.result === 'resolved').map((r) => r.id)).size
      const report: RetryReport = {
        retried: done.length,
        resolved,
        stillQuarantined: done.length - resolved,
        items: retryItems
      }
      return resolutions.length === 0
        ? TE.right(report)
        : pipe(
            store.append({ stream: streams.quarantine, expected: 'any', events: resolutions }),
            TE.map(() => report)
          )
    })
  )
