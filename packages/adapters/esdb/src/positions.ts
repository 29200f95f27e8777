/**
 * Positions: the port's `Position` of an event is its `$all` PREPARE position.
 *
 * EventStoreDB writes the events of one append call as one implicit transaction: they share one commit position
 * (the transaction's first prepare position) and each has its own prepare position. `$all` is ordered by
 * (commit, prepare), and a transaction's records are written together, so that is also prepare order: prepare
 * positions are strictly increasing along `$all`, one per event, as the port needs. A log written by the old
 * adapter (one event per append) has commit == prepare for every event and reads exactly the same way.
 *
 * Reading strictly after P (`readAll(P)`, `subscribe(P)`): `{ commit: P, prepare: P }` sorts AFTER every event of
 * P's transaction when P is not its first event (their commit is smaller), so a read from it would skip the rest
 * of that transaction. `startAfter` finds where to start instead:
 * - one event read backwards from {P, P} is the last one before it. When its prepare is >= P it belongs to P's
 *   transaction (transactions are not interleaved), whose commit C is where the read starts: {C, C}, the
 *   transaction's first event, a real record position;
 * - otherwise P begins its transaction (or is no event at all) and the read starts at {P, P}.
 * Either way the reader drops every event with prepare <= P, so it depends on no server rule about whether a
 * start position itself is included (forward reads include it, subscriptions start after it).
 * The exact (commit, prepare) of the last event a read handed out is remembered (`KnownPositions`), so the next
 * read from it (a catch-up's next batch, the subscription from the checkpoint) starts there without that lookup.
 * 0 means "before the first event" and reads from the start. Positions are byte offsets in the log: they fit a
 * JS number exactly up to 2^53 (9 PB of log).
 */
import * as E from 'fp-ts/lib/Either.js'
import { BACKWARDS, START, type EventStoreDBClient, type ReadPosition } from '@eventstore/db-client'
import type { Position, StoreFailure } from '@callstate/projections'
import { readPage, retried, type PageDeps } from './page.js'

export interface Pos {
  readonly commit: bigint
  readonly prepare: bigint
}

/** `$all` order. */
export const comparePos = (a: Pos, b: Pos): number =>
  a.commit === b.commit ? (a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0) : a.commit < b.commit ? -1 : 1

export const readPositionOf = (from: Pos | 'start'): ReadPosition => (from === 'start' ? START : from)

/** The exact positions of the last events reads handed out, by their port Position (most recent kept). */
export class KnownPositions {
  private readonly byPosition = new Map<number, Pos>()

  constructor(private readonly capacity = 64) {}

  remember(position: Pos): void {
    const key = Number(position.prepare)
    this.byPosition.delete(key)
    this.byPosition.set(key, position)
    if (this.byPosition.size > this.capacity) {
      const oldest = this.byPosition.keys().next()
      if (!oldest.done) this.byPosition.delete(oldest.value)
    }
  }

  get(position: Position): Pos | undefined {
    return this.byPosition.get(position)
  }
}

export interface StartDeps extends PageDeps {
  readonly client: EventStoreDBClient
  readonly known: KnownPositions
}

/** Where a read of the events strictly after `after` starts (see the header); `retries` after a Timeout. */
export const startAfter = async (
  deps: StartDeps,
  operation: string,
  after: Position,
  retries: number
): Promise<E.Either<StoreFailure, Pos | 'start'>> => {
  if (after === 0) return E.right('start')
  const known = deps.known.get(after)
  if (known) return E.right(known)
  const at: Pos = { commit: BigInt(after), prepare: BigInt(after) }
  const before = await retried(retries, () =>
    readPage(
      deps,
      operation,
      1,
      (maxCount) => deps.client.readAll({ fromPosition: at, direction: BACKWARDS, maxCount }),
      false
    )
  )
  if (E.isLeft(before)) return before
  const last = before.right.items[0]?.event?.position
  return E.right(last && last.prepare >= at.prepare ? { commit: last.commit, prepare: last.commit } : at)
}
