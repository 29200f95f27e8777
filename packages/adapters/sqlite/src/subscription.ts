/**
 * Live subscriptions over the SQLite log. A subscription is a cursor plus a pump: whenever it is woken it reads
 * the log after its cursor, in batches, and hands each batch to `onEvents`, waiting for it before the next.
 * Events are always read back from the file, never pushed from the writer, so in-process and foreign appends
 * arrive the same way, in log order, without gaps.
 *
 * Wake-ups: the store wakes every subscription right after it commits an append (in-process events are
 * delivered at once), and the `Hub` polls `PRAGMA data_version`, which changes when another connection (another
 * process, or another store on the same file) has committed, every `pollIntervalMs` while any subscription is open.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Position, StoreFailure, StoredEvent, SubscribeHandlers, Subscription } from '@callstate/projections'
import { describeError } from '@callstate/projections'

export interface LogReader {
  readonly after: (position: Position, limit: number) => E.Either<StoreFailure, ReadonlyArray<StoredEvent>>
  readonly head: () => E.Either<StoreFailure, Position>
}

interface Live extends Subscription {
  readonly wake: () => void
  /** Ends the subscription because the store went away: `onError` is told, then in-flight work is awaited. */
  readonly fail: (failure: StoreFailure) => Promise<void>
}

/** A stopped subscription must be visible: without an `onError` the failure goes to the process warnings. */
const report = (handlers: SubscribeHandlers, failure: StoreFailure): void => {
  if (handlers.onError) handlers.onError(failure)
  else process.emitWarning(`store subscription stopped: ${JSON.stringify(failure)}`, 'StoreSubscriptionWarning')
}

const live = (
  read: LogReader,
  after: Position,
  handlers: SubscribeHandlers,
  batchSize: number,
  release: (subscription: Live) => void
): Live => {
  let cursor = after
  // The head when the subscription starts: the backlog ends there even if appends keep coming meanwhile.
  let backlogEnd: Position | undefined
  let caughtUp = false
  let stopped = false
  let again = false
  let running: Promise<void> | undefined

  const stop = (failure?: StoreFailure): void => {
    if (stopped) return
    stopped = true
    release(subscription)
    if (failure) report(handlers, failure)
  }

  // A handler that throws stops the subscription: delivering later events past one that failed would corrupt
  // whatever the handler builds.
  const handlerFailed = (error: unknown): void =>
    stop({ _tag: 'Unavailable', cause: `subscription handler failed: ${describeError(error)}` })

  const reachedBacklogEnd = (): void => {
    if (caughtUp || stopped) return
    caughtUp = true
    try {
      handlers.onCaughtUp?.()
    } catch (error) {
      handlerFailed(error)
    }
  }

  const drain = async (): Promise<void> => {
    if (backlogEnd === undefined) {
      const head = read.head()
      if (E.isLeft(head)) return stop(head.left)
      backlogEnd = head.right
    }
    while (!stopped) {
      const batch = read.after(cursor, batchSize)
      if (E.isLeft(batch)) return stop(batch.left)
      const last = batch.right.at(-1)
      if (last === undefined) return reachedBacklogEnd()
      try {
        await handlers.onEvents(batch.right)
      } catch (error) {
        return handlerFailed(error)
      }
      cursor = last.position
      if (cursor >= backlogEnd) reachedBacklogEnd()
    }
  }

  // One pump at a time: a wake during a drain is remembered and served by another pass, never by a second pump.
  // `busy` is set synchronously: a handler that appends wakes this pump from inside the first drain, before the
  // drain's promise exists.
  let busy = false
  const pump = (): void => {
    if (stopped) return
    if (busy) {
      again = true
      return
    }
    busy = true
    running = (async () => {
      try {
        do {
          again = false
          await drain()
        } while (again && !stopped)
      } finally {
        busy = false
      }
    })()
  }

  const subscription: Live = {
    wake: pump,
    close: async () => {
      stop()
      await running
    },
    fail: async (failure) => {
      stop(failure)
      await running
    }
  }
  // Not synchronously: `subscribe` returns before the first handler call.
  queueMicrotask(pump)
  return subscription
}

/** The subscriptions of one store and the poll that notices commits from other connections. */
export const makeHub = (changedElsewhere: () => E.Either<StoreFailure, boolean>, pollIntervalMs: number) => {
  const subscriptions = new Set<Live>()
  let timer: ReturnType<typeof setInterval> | undefined

  const wakeAll = (): void => subscriptions.forEach((s) => s.wake())

  // A failed check wakes everyone too: their next read meets the same failure and reports it through onError.
  const poll = (): void => {
    const changed = changedElsewhere()
    if (E.isLeft(changed) || changed.right) wakeAll()
  }

  const release = (subscription: Live): void => {
    subscriptions.delete(subscription)
    if (subscriptions.size === 0 && timer !== undefined) {
      clearInterval(timer)
      timer = undefined
    }
  }

  return {
    wakeAll,
    subscribe: (read: LogReader, after: Position, handlers: SubscribeHandlers, batchSize: number): Subscription => {
      const subscription = live(read, after, handlers, batchSize, release)
      subscriptions.add(subscription)
      // Keeps the process alive while a subscription is open, as a socket would; `close` ends it.
      timer ??= setInterval(poll, pollIntervalMs)
      return { close: subscription.close }
    },
    closeAll: async (failure: StoreFailure): Promise<void> => {
      await Promise.all([...subscriptions].map((s) => s.fail(failure)))
    }
  }
}

/** The subscription a closed store hands out: it reports the failure once and has nothing to close. */
export const refused = (handlers: SubscribeHandlers, failure: StoreFailure): Subscription => {
  queueMicrotask(() => report(handlers, failure))
  return { close: () => Promise.resolve() }
}
