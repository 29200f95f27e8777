/**
 * Long reads as a walk over pages (./page.ts: each page under its own deadline, its size adapting to the server).
 * Pages rather than one open-ended read cancelled part way: a cancelled read can leave data buffered in the
 * client's gRPC stream, and the client's `dispose()` then waits for ever for that stream to finish.
 * - `$all`: each page starts at the last position seen; whatever the server returns again at that boundary
 *   (forward reads include their start) is skipped by comparing (commit, prepare) pairs, so no assumption about
 *   the server's boundary rule is needed.
 * - a stream: each page starts at the revision after the last one seen.
 * A page that times out is tried again, smaller, up to `retries()` times (asked before each retry: a caller that
 * already has something to return may prefer to return it); then the walk answers the failure.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  BACKWARDS,
  END,
  FORWARDS,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type ResolvedEvent
} from '@eventstore/db-client'
import type { StoreFailure } from '@callstate/projections'
import type { Visit } from './drain.js'
import { readPage, type PageDeps } from './page.js'
import { comparePos, readPositionOf, type Pos } from './positions.js'

export interface WalkDeps extends PageDeps {
  readonly client: EventStoreDBClient
}

interface Walk {
  readonly operation: string
  /** The size of the next page, given the sizer's. */
  readonly size: (adapted: number) => number
  /** Retries left for a page that timed out, asked each time one does. */
  readonly retries: () => number
}

export interface AllWalk extends Walk {
  readonly direction: 'forwards' | 'backwards'
  readonly from: Pos | 'start' | 'end'
}

export const walkAll = async (
  deps: WalkDeps,
  walk: AllWalk,
  visit: (resolved: AllStreamResolvedEvent) => Visit
): Promise<E.Either<StoreFailure, void>> => {
  const forwards = walk.direction === 'forwards'
  let start = walk.from
  let last: Pos | undefined
  let failed = 0
  for (;;) {
    const size = walk.size(deps.sizer.size)
    const page = await readPage(deps, walk.operation, size, (maxCount) =>
      deps.client.readAll({
        fromPosition: start === 'end' ? END : readPositionOf(start),
        direction: forwards ? FORWARDS : BACKWARDS,
        maxCount
      })
    )
    if (E.isLeft(page)) {
      if (page.left._tag !== 'Timeout' || failed >= walk.retries()) return page
      failed += 1
      continue
    }
    failed = 0
    const before = last
    for (const resolved of page.right.items) {
      const position = resolved.event?.position
      if (position && last) {
        const order = comparePos(position, last)
        if (forwards ? order <= 0 : order >= 0) continue
      }
      if (position) last = position
      if (visit(resolved) === 'stop') return E.right(undefined)
    }
    // A full page that brought nothing new (only the boundary event again) would be asked for again for ever.
    if (!page.right.full || !last || last === before) return E.right(undefined)
    start = last
  }
}

export interface StreamWalk extends Walk {
  readonly stream: string
  readonly fromRevision: number
}

export const walkStream = async (
  deps: WalkDeps,
  walk: StreamWalk,
  visit: (resolved: ResolvedEvent) => Visit
): Promise<E.Either<StoreFailure, void>> => {
  let revision = walk.fromRevision
  let failed = 0
  for (;;) {
    const size = walk.size(deps.sizer.size)
    const page = await readPage(deps, walk.operation, size, (maxCount) =>
      deps.client.readStream(walk.stream, { fromRevision: BigInt(revision), direction: FORWARDS, maxCount })
    )
    if (E.isLeft(page)) {
      if (page.left._tag !== 'Timeout' || failed >= walk.retries()) return page
      failed += 1
      continue
    }
    failed = 0
    let next = revision
    for (const resolved of page.right.items) {
      const seen = resolved.event ? Number(resolved.event.revision) : undefined
      if (seen !== undefined) {
        if (seen < next) continue
        next = seen + 1
      }
      if (visit(resolved) === 'stop') return E.right(undefined)
    }
    if (!page.right.full || next === revision) return E.right(undefined)
    revision = next
  }
}
