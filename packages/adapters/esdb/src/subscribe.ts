/**
 * `subscribe(after)`: `subscribeToAll` filtered SERVER-SIDE by callstate's stream-name prefixes (the port's
 * `streamPrefixes`: every server implementing the protocol filters on prefixes, not all on a regex), catch-up then
 * live on one gRPC stream. It starts where ./positions.ts says (`startAfter`: the start of `after`'s transaction
 * when `after` is in the middle of one) and drops events with position <= after.
 * - What still arrives and is not callstate's (a `$`-typed event in a callstate stream is skipped; an event in a
 *   `session-`... stream that does not decode is skipped and counted, ./foreign.ts) never ends the subscription.
 * - Caught up: the head is read (under the adapter's timeout) before subscribing; once an event at or past that
 *   position has been delivered, or at once when the head is not past `after`, the backlog that existed at
 *   subscription time is done. A server that says so itself (the CaughtUp message of 23.10+ servers, which the
 *   test double also sends, filtered or not) ends the backlog as soon as what it sent before has been delivered.
 *   Checkpoint messages of a filtered subscription are not asked for (no `checkpointReached`): positions come
 *   from the events themselves. The double sends none.
 * - Batches: whatever events are buffered are delivered together, sequentially (the next batch waits for the
 *   handler's promise). Every event has its own position, so a checkpoint taken after any batch is safe.
 * - Failures (the server ends or breaks the stream, a handler that throws) reach `onError` once and end the
 *   subscription. Only the start is under the adapter's timer; a peer that dies later is detected by gRPC
 *   keepalive (10 s by default) and reported as Unavailable.
 */
import * as E from 'fp-ts/lib/Either.js'
import { streamNameFilter } from '@eventstore/db-client'
import {
  describeError,
  streamPrefixes,
  type Position,
  type StoreFailure,
  type StoredEvent,
  type SubscribeHandlers,
  type Subscription
} from '@callstate/projections'
import { decodeRecord, isSystem, resolvedOf } from './codec.js'
import { toStoreFailure } from './failure.js'
import { readPositionOf, startAfter, type Pos } from './positions.js'
import { headOf } from './read.js'
import type { Reader } from './reader.js'

export const subscribe =
  (reader: Reader) =>
  (after: Position, handlers: SubscribeHandlers): Subscription => {
    const { ms } = reader
    let closed = false
    let stopSubscription: (() => Promise<void>) | undefined
    let wakeUp: (() => void) | undefined
    const wake = (): void => {
      const w = wakeUp
      wakeUp = undefined
      w?.()
    }
    let reported = false
    const fail = (failure: StoreFailure): void => {
      if (closed || reported) return
      reported = true
      handlers.onError?.(failure)
    }

    const run = async (): Promise<void> => {
      const head = await headOf(reader, 'subscribe')
      if (E.isLeft(head)) return fail(head.left)
      const start = await startAfter(reader, 'subscribe', after, 0)
      if (E.isLeft(start)) return fail(start.left)
      if (closed) return
      let caughtUp = head.right <= after
      if (caughtUp) handlers.onCaughtUp?.()
      let serverCaughtUp = false
      const sub = reader.client.subscribeToAll({
        fromPosition: readPositionOf(start.right),
        filter: streamNameFilter({ prefixes: [...streamPrefixes] })
      })
      stopSubscription = async () => {
        await sub.unsubscribe()
        sub.destroy()
      }
      let ended = false
      let broken: unknown
      sub.on('readable', wake)
      sub.on('caughtUp', () => {
        serverCaughtUp = true
        wake()
      })
      sub.on('end', () => {
        ended = true
        wake()
      })
      sub.on('error', (error) => {
        broken = error
        wake()
      })
      const catchUp = (): void => {
        if (caughtUp) return
        caughtUp = true
        handlers.onCaughtUp?.()
      }
      while (!closed) {
        // Everything the server sent before its CaughtUp is buffered by the time it is seen: read below.
        const serverSaid = serverCaughtUp
        const arrived: StoredEvent[] = []
        let lastPos: Pos | undefined
        for (let item: unknown = sub.read(); item !== null; item = sub.read()) {
          const { record, commit } = resolvedOf(item)
          if (!record || isSystem(record)) continue
          const decoded = decodeRecord(record, commit)
          if (E.isLeft(decoded)) {
            reader.foreign.note(record, decoded.left)
            continue
          }
          if (decoded.right.position <= after) continue
          arrived.push(decoded.right)
          lastPos = record.position
        }
        const last = arrived[arrived.length - 1]
        if (!last) {
          if (serverSaid) catchUp()
          if (broken !== undefined) return fail(toStoreFailure(broken, 'subscribe', ms))
          if (ended) return fail({ _tag: 'Unavailable', cause: 'subscribe: the server ended the subscription' })
          await new Promise<void>((resolve) => (wakeUp = resolve))
          continue
        }
        try {
          await handlers.onEvents(arrived)
        } catch (error) {
          return fail({ _tag: 'InvalidRequest', reason: `subscribe: onEvents failed: ${describeError(error)}` })
        }
        if (lastPos) reader.known.remember(lastPos)
        if (serverSaid || last.position >= head.right) catchUp()
      }
    }

    const running = run().catch((error: unknown) => fail(toStoreFailure(error, 'subscribe', ms)))
    return {
      close: async () => {
        closed = true
        wake()
        await stopSubscription?.()
        await running
      }
    }
  }
