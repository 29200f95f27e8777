/**
 * `subscribe(after)`: `subscribeToAll` from `after` with the client's system-event filter (event types
 * starting with `$`; `$`-prefixed streams are dropped here too), catch-up then live on one gRPC stream.
 * - Caught up: the head is read (bounded by the adapter's timeout) before subscribing; once an event at
 *   or past that position has been delivered, or at once when the head is not past `after`, the
 *   backlog that existed at subscription time is done. This works with every server version, whether
 *   or not it sends the CaughtUp message 23.10+ servers send.
 * - Batches: whatever events are buffered are delivered together, sequentially (the next batch waits
 *   for the handler's promise). Every event has its own position (./positions.ts), so a checkpoint
 *   taken after any batch is safe.
 * - Failures (the server ends or breaks the stream, an event that does not decode, a handler that
 *   throws) reach `onError` once and end the subscription. Only the start is under the adapter's timer;
 *   a peer that dies later is detected by gRPC keepalive (10 s by default) and reported as Unavailable.
 */
import * as E from 'fp-ts/lib/Either.js'
import { excludeSystemEvents, type EventStoreDBClient } from '@eventstore/db-client'
import type { Position, StoreFailure, StoredEvent, SubscribeHandlers, Subscription } from '@callstate/projections'
import { bounded } from './bounded.js'
import { decodeRecord, isSystem, resolvedOf } from './codec.js'
import { toStoreFailure } from './failure.js'
import { allFrom } from './positions.js'
import { headIn } from './read.js'
import { describeError } from '@callstate/projections'

export const subscribe =
  (client: EventStoreDBClient, ms: number) =>
  (after: Position, handlers: SubscribeHandlers): Subscription => {
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
      const head = await bounded('subscribe', ms, (scope) => headIn(client, scope))()
      if (E.isLeft(head)) return fail(head.left)
      if (closed) return
      let caughtUp = head.right <= after
      if (caughtUp) handlers.onCaughtUp?.()
      const sub = client.subscribeToAll({ fromPosition: allFrom(after), filter: excludeSystemEvents() })
      stopSubscription = async () => {
        await sub.unsubscribe()
        sub.destroy()
      }
      let ended = false
      let broken: unknown
      sub.on('readable', wake)
      sub.on('end', () => {
        ended = true
        wake()
      })
      sub.on('error', (error) => {
        broken = error
        wake()
      })
      while (!closed) {
        const arrived: StoredEvent[] = []
        for (let item: unknown = sub.read(); item !== null; item = sub.read()) {
          const { record, commit } = resolvedOf(item)
          if (!record || isSystem(record)) continue
          const decoded = decodeRecord(record, commit)
          if (E.isLeft(decoded)) return fail({ _tag: 'InvalidRequest', reason: `subscribe: ${decoded.left}` })
          if (decoded.right.position > after) arrived.push(decoded.right)
        }
        if (arrived.length === 0) {
          if (broken !== undefined) return fail(toStoreFailure(broken, 'subscribe', ms))
          if (ended) return fail({ _tag: 'Unavailable', cause: 'subscribe: the server ended the subscription' })
          await new Promise<void>((resolve) => (wakeUp = resolve))
          continue
        }
        const last = arrived[arrived.length - 1]
        if (!last) continue
        try {
          await handlers.onEvents(arrived)
        } catch (error) {
          return fail({ _tag: 'InvalidRequest', reason: `subscribe: onEvents failed: ${describeError(error)}` })
        }
        if (!caughtUp && last.position >= head.right) {
          caughtUp = true
          handlers.onCaughtUp?.()
        }
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
