/**
 * Copying a log from one store to another through the EventStore port only: pages of the source in log order,
 * each appended to the target as it is (ids, types, data, metadata and stream names unchanged), `expected: 'any'`,
 * so what the target already holds comes back `Duplicate` and is not written twice. That makes a copy idempotent:
 * run again, or after a kill, it finishes without duplicates; the checkpoint after each page (./progress-file.ts)
 * only saves reading again what was copied.
 *
 * Order. Each stream's order is kept in both targets: a stream's events go in source order. Into the embedded log
 * the global order is kept too: the page becomes one request per consecutive run of same-stream events, and the
 * embedded store writes a batch's requests in order, in one transaction, so an empty target gets the source's
 * events at positions in the same order. Into EventStoreDB a page becomes one request per stream (one append per
 * stream), which the adapter may send concurrently: events of different streams of one page may land in another
 * order. Nothing depends on that: the read models are an order-free fold per stream, and the read-model digest
 * leaves positions out, so both sides of a copy give the same `verify`/`rebuild` digest.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { AppendRequest, EventStore, NewEvent, StoredEvent, StoreFailure } from '@callstate/projections'
import type { CopyCheckpoint } from './progress-file.js'

export type CopyFailure =
  | { readonly _tag: 'SourceFailed'; readonly failure: StoreFailure }
  | { readonly _tag: 'TargetFailed'; readonly failure: StoreFailure }
  | { readonly _tag: 'ProgressFailed'; readonly message: string }

export interface CopyTotals {
  /** Events read from the source by this run. */
  readonly read: number
  /** Of those, written to the target. */
  readonly copied: number
  /** Of those, answered `Duplicate`: the target held them already. */
  readonly alreadyThere: number
}

export interface CopyOptions {
  /** Source position to read after: 0, or the checkpoint's position when resuming (see `resumePoint`). */
  readonly after: number
  readonly pageSize: number
  /** Embedded target: one request per consecutive run of a stream, so the global order is kept exactly. */
  readonly keepGlobalOrder: boolean
  /** Once the source's head is known, before the first page: start a progress bar. */
  readonly onStart: (head: number) => void
  /** After every page the target accepted: save the checkpoint, move a progress bar. */
  readonly onPage: (checkpoint: CopyCheckpoint, totals: CopyTotals) => E.Either<string, void>
}

/** The event as written: only what the port's NewEvent has (the position and revision are the target's). */
const newEvent = (e: StoredEvent): NewEvent => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })

/** One request per consecutive run of same-stream events: the embedded store then writes them in this order. */
export const runsOf = (events: ReadonlyArray<StoredEvent>): AppendRequest[] => {
  const requests: Array<{ stream: string; expected: 'any'; events: NewEvent[] }> = []
  for (const e of events) {
    const current = requests[requests.length - 1]
    if (current !== undefined && current.stream === e.stream) current.events.push(newEvent(e))
    else requests.push({ stream: e.stream, expected: 'any', events: [newEvent(e)] })
  }
  return requests
}

/** One request per stream, streams in order of first appearance, each stream's events in source order. */
export const byStreamOf = (events: ReadonlyArray<StoredEvent>): AppendRequest[] => {
  const streams = new Map<string, NewEvent[]>()
  for (const e of events) {
    const list = streams.get(e.stream)
    if (list) list.push(newEvent(e))
    else streams.set(e.stream, [newEvent(e)])
  }
  return [...streams].map(([stream, list]) => ({ stream, expected: 'any', events: list }))
}

const checkpointOf = (e: StoredEvent): CopyCheckpoint => ({
  position: e.position,
  id: e.id,
  stream: e.stream,
  ...(e.metadata.occurredAt !== undefined ? { occurredAt: e.metadata.occurredAt } : {})
})

/**
 * Where to start: after the saved checkpoint only if the source still holds that event at that position and the
 * target holds it too (a source replaced by a restore, or a target emptied since, would otherwise skip events);
 * else from the beginning, with the reason as a note.
 */
export const resumePoint = async (
  source: EventStore,
  target: EventStore,
  saved: CopyCheckpoint | undefined
): Promise<E.Either<CopyFailure, { readonly after: number; readonly note?: string }>> => {
  if (saved === undefined) return E.right({ after: 0 })
  const atSource = await source.readAll(saved.position - 1, 1)()
  if (E.isLeft(atSource)) return E.left({ _tag: 'SourceFailed', failure: atSource.left })
  const first = atSource.right[0]
  if (first === undefined || first.position !== saved.position || first.id !== saved.id)
    return E.right({
      after: 0,
      note: `the source no longer holds event ${saved.id} at position ${saved.position}: copying from the beginning`
    })
  const atTarget = await target.findById(saved.id, saved.stream, saved.occurredAt)()
  if (E.isLeft(atTarget)) return E.left({ _tag: 'TargetFailed', failure: atTarget.left })
  if (atTarget.right === undefined)
    return E.right({
      after: 0,
      note: `the target does not hold event ${saved.id}, the last one copied before: copying from the beginning`
    })
  return E.right({ after: saved.position })
}

/** Copies every event after `options.after` up to the source's head when the copy starts. */
export const copyLog = async (
  source: EventStore,
  target: EventStore,
  options: CopyOptions
): Promise<E.Either<CopyFailure, CopyTotals>> => {
  // Up to the head as it is now: a source that keeps taking notifications (serve) does not make the copy endless;
  // a re-run copies what came after.
  const head = await source.head()()
  if (E.isLeft(head)) return E.left({ _tag: 'SourceFailed', failure: head.left })
  options.onStart(head.right)
  let after = options.after
  let totals: CopyTotals = { read: 0, copied: 0, alreadyThere: 0 }
  while (after < head.right) {
    const page = await source.readAll(after, options.pageSize)()
    if (E.isLeft(page)) return E.left({ _tag: 'SourceFailed', failure: page.left })
    const events = page.right.filter((e) => e.position <= head.right)
    const last = events[events.length - 1]
    // Nothing more of ours up to the head (EventStoreDB's head may be a system event's).
    if (last === undefined) break
    const requests = options.keepGlobalOrder ? runsOf(events) : byStreamOf(events)
    const outcomes = await target.appendBatch(requests)()
    if (E.isLeft(outcomes)) return E.left({ _tag: 'TargetFailed', failure: outcomes.left })
    let copied = 0
    for (const outcome of outcomes.right) for (const r of outcome.results) if (r._tag === 'Appended') copied += 1
    totals = {
      read: totals.read + events.length,
      copied: totals.copied + copied,
      alreadyThere: totals.alreadyThere + events.length - copied
    }
    after = last.position
    const saved = options.onPage(checkpointOf(last), totals)
    if (E.isLeft(saved)) return E.left({ _tag: 'ProgressFailed', message: saved.left })
  }
  return E.right(totals)
}
