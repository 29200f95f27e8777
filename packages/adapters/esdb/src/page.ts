/**
 * One page of a read: a client read with `maxCount`, drained to its end under ITS OWN deadline (./bounded.ts),
 * so a long read (a catch-up of 50,000 events over a slow link) is many short calls, each of which can fail and
 * be retried, instead of one call racing one timer. How big a page is adapts to how fast the server answers
 * (`PageSizer`): pages double while they answer well under the deadline, and halve after a page made slow by
 * its size or a timeout, so a remote server gets pages it can answer in time and a near one gets few round trips.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { StreamingRead } from '@eventstore/db-client'
import type { StoreFailure } from '@callstate/projections'
import { bounded } from './bounded.js'
import { drain } from './drain.js'
import { isStreamNotFound } from './failure.js'

/** Pages after a timeout that are tried again, smaller each time, before a read with nothing to show fails. */
export const RETRIES = 2

/**
 * The page size. A call's time is a fixed part (the round trip: the smallest recent call time estimates it) plus a
 * part that grows with the page. Pages double while a page twice as big would still answer within half the
 * deadline, and halve after a page slower than half the deadline when most of its time came from its size (on a
 * link whose round trip alone is slow, smaller pages would only mean more round trips) or after a timeout.
 */
export class PageSizer {
  private value: number
  private roundTrip: number | undefined

  constructor(
    readonly initial = 500,
    readonly min = 16,
    readonly max = 8192
  ) {
    this.value = initial
  }

  get size(): number {
    return this.value
  }

  /** Any call's time, page or probe: the estimate of the round trip follows the smallest, and rises slowly. */
  observe(tookMs: number): void {
    const known = this.roundTrip
    this.roundTrip = known === undefined || tookMs < known ? tookMs : known + (tookMs - known) / 20
  }

  /** A page answered in `tookMs` of its `deadlineMs`; only a full page says the server could have sent more. */
  answered(tookMs: number, deadlineMs: number, full: boolean): void {
    const fixed = Math.min(this.roundTrip ?? 0, tookMs)
    const bySize = tookMs - fixed
    if (tookMs > deadlineMs / 2 && bySize > tookMs / 2) this.value = Math.max(this.min, Math.floor(this.value / 2))
    else if (full && fixed + 2 * bySize < deadlineMs / 2) this.value = Math.min(this.max, this.value * 2)
    this.observe(tookMs)
  }

  timedOut(): void {
    this.value = Math.max(this.min, Math.floor(this.value / 2))
  }
}

export interface PageDeps {
  readonly ms: number
  readonly sizer: PageSizer
}

export interface Page<T> {
  readonly items: ReadonlyArray<T>
  /** As many items as asked for: there may be more after them. */
  readonly full: boolean
}

/**
 * Reads one page of at most `size` items (an absent stream is an empty page). The sizer learns from its time,
 * unless `adapt` is false (a probe of one event says nothing about how long a page takes).
 */
export const readPage = async <T>(
  deps: PageDeps,
  operation: string,
  size: number,
  open: (maxCount: number) => StreamingRead<T>,
  adapt = true
): Promise<E.Either<StoreFailure, Page<T>>> => {
  const started = Date.now()
  const read = await bounded(operation, deps.ms, async (scope) => {
    const items: T[] = []
    try {
      await drain(open(size), scope, (item) => {
        items.push(item)
        return 'more'
      })
    } catch (error) {
      if (!isStreamNotFound(error)) throw error
    }
    return E.right(items)
  })()
  if (E.isLeft(read)) {
    if (read.left._tag === 'Timeout') deps.sizer.timedOut()
    return read
  }
  const full = read.right.length >= size
  const took = Date.now() - started
  if (adapt) deps.sizer.answered(took, deps.ms, full)
  else deps.sizer.observe(took)
  return E.right({ items: read.right, full })
}

/** Runs `attempt` again after a Timeout, at most `retries` more times (each page is smaller: the sizer halved). */
export const retried = async <A>(
  retries: number,
  attempt: () => Promise<E.Either<StoreFailure, A>>
): Promise<E.Either<StoreFailure, A>> => {
  for (let tried = 0; ; tried += 1) {
    const result = await attempt()
    if (E.isRight(result) || result.left._tag !== 'Timeout' || tried >= retries) return result
  }
}
