/**
 * The feed's events for one stored event, as SSE text, worked out once per log position and shared by every
 * client. Working an event out reads its session's stream and the presence that closed it, and folds the session:
 * done per client, 200 clients made 200 folds of every event on the event loop the webhook answers on (the `feed`
 * benchmark: webhook acknowledgements fell from 50/s to under 10/s). Now the first client to reach a position works
 * it out and the others wait for the same answer (the promise is shared); the last `keep` positions are kept, so
 * clients a little behind the others still find them. A failure is not kept: the next client tries again.
 *
 * Every client therefore sends the same text for a position, counted up to the moment it was first worked out
 * (`metricsAsOf` says when).
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  closingEvents,
  endsFor,
  feedChangesOf,
  feedEventOf,
  streams,
  telephonyBodyOf,
  type EventStore,
  type FeedEarlier,
  type FeedEvent,
  type ReadModelStore,
  type StoredEvent
} from '@callstate/projections'

/** The SSE text of one event. */
const sseText = (e: FeedEvent): string => `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`

export interface FeedTextsOptions {
  readonly store: EventStore
  readonly readModels: ReadModelStore
  readonly now: () => Date
  readonly staleAfterMs: number
  /** How many positions are kept (default 4096). */
  readonly keep?: number
}

export interface FeedTexts {
  /** The SSE texts `event` gives (none for most presence and message events), in order. */
  readonly of: (event: StoredEvent) => Promise<E.Either<unknown, ReadonlyArray<string>>>
}

/**
 * What was stored about the session before `event` (a telephony event of it, or a presence event about it): its
 * telephony bodies, and the end facts of presence events with a lower position. Those are found through the read
 * model, so an end fact the projections have not applied yet is not counted until they have.
 */
const earlierOf = async (
  store: EventStore,
  readModels: ReadModelStore,
  telephonySessionId: string,
  event: StoredEvent
): Promise<E.Either<unknown, FeedEarlier>> => {
  const stream = await store.readStream(streams.session(telephonySessionId))()
  if (E.isLeft(stream)) return stream
  const closing = await closingEvents(store, readModels, telephonySessionId)()
  if (E.isLeft(closing)) return closing
  return E.right({
    bodies: stream.right.flatMap((e) => {
      const body = e.position < event.position ? telephonyBodyOf(e) : undefined
      return body === undefined ? [] : [body]
    }),
    // a reconciliation in the session's own stream, presence from the extensions' streams
    ends: [...stream.right, ...closing.right]
      .filter((e) => e.position < event.position)
      .flatMap((e) => endsFor(e, telephonySessionId))
  })
}

export const feedTexts = (options: FeedTextsOptions): FeedTexts => {
  const { store, readModels, now, staleAfterMs } = options
  const keep = options.keep ?? 4096
  const known = new Map<number, Promise<E.Either<unknown, ReadonlyArray<string>>>>()

  const work = async (event: StoredEvent): Promise<E.Either<unknown, ReadonlyArray<string>>> => {
    const texts: string[] = []
    for (const change of feedChangesOf(event)) {
      const id = 'body' in change ? change.body.telephonySessionId : change.telephonySessionId
      const earlier = await earlierOf(store, readModels, id, event)
      if (E.isLeft(earlier)) return earlier
      const feedEvent = feedEventOf(event, change, earlier.right, { now: now().toISOString(), staleAfterMs })
      if (feedEvent !== undefined) texts.push(sseText(feedEvent))
    }
    return E.right(texts)
  }

  return {
    of: (event) => {
      const hit = known.get(event.position)
      if (hit !== undefined) return hit
      const answer = work(event).catch((e: unknown): E.Either<unknown, ReadonlyArray<string>> => E.left(e))
      known.set(event.position, answer)
      // Oldest first out (a Map keeps insertion order).
      if (known.size > keep) {
        const oldest = known.keys().next()
        if (oldest.done !== true) known.delete(oldest.value)
      }
      void answer.then((r) => {
        if (E.isLeft(r)) known.delete(event.position)
      })
      return answer
    }
  }
}
