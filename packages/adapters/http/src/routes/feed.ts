/**
 * `GET /feed`: Server-Sent Events, a live stream of call-state changes and ended-call records (event names
 * and data: feed.ts in @callstate/projections). Each event's `id:` is its log position; a client resumes after a position
 * with the `Last-Event-ID` header (what EventSource sends on reconnect; it wins over `?from=`) or `?from=`.
 * Without either, the feed starts at the current end of the log (live changes only); `?from=0` replays it all.
 *
 * Each client follows the log with its own store subscription, so a slow client only slows itself: the
 * subscription waits for the socket to drain before it delivers more. A comment line every 15 s keeps
 * proxies from closing an idle stream. At shutdown every feed is ended (server.ts preClose hook).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FastifyInstance } from 'fastify'
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
  type StoredEvent,
  type Subscription
} from '@callstate/projections'
import { ApiErrorRef, apiError } from '../errors.js'

const KEEPALIVE_MS = 15_000

/** The SSE text of one event. */
const sseText = (e: FeedEvent): string => `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`

export interface FeedOptions {
  readonly store: EventStore
  /** Where the end facts a session got from presence are kept (the log has no index of presence by session). */
  readonly readModels: ReadModelStore
  /** Open feeds, ended by the server at shutdown. */
  readonly open: Set<() => void>
  /** The clock: a live call's open spans are counted up to the moment its event is sent. */
  readonly now: () => Date
  readonly staleAfterMs: number
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

export const registerFeed = (
  app: FastifyInstance,
  { store, readModels, open, now, staleAfterMs }: FeedOptions
): void => {
  app.get<{ Querystring: { from?: number } }>(
    '/feed',
    {
      schema: {
        summary: 'Live call-state changes and ended-call records (Server-Sent Events)',
        description:
          'Events `call-state` (a session changed) and `call-ended` (it ended: the ended-call record), data a ' +
          'JSON call summary with parties, outcomes and metrics. `id:` is the log position: resume with ' +
          'Last-Event-ID or ?from=. Without either the stream starts at the end of the log.',
        tags: ['queries'],
        security: [{ bearer: [] }],
        produces: ['text/event-stream'],
        querystring: {
          type: 'object',
          properties: { from: { type: 'integer', minimum: 0, description: 'Start after this log position.' } }
        },
        headers: {
          type: 'object',
          properties: {
            'last-event-id': { type: 'string', pattern: '^[0-9]+$', description: 'Resume after this position.' }
          }
        },
        response: {
          200: { description: 'An endless text/event-stream.', type: 'string' },
          400: ApiErrorRef,
          401: ApiErrorRef,
          503: ApiErrorRef
        }
      }
    },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id']
      let from: number
      if (typeof lastEventId === 'string') from = Number(lastEventId)
      else if (request.query.from !== undefined) from = request.query.from
      else {
        const head = await store.head()()
        if (E.isLeft(head))
          return reply.code(503).send(apiError('store-unavailable', 'the notification log is unavailable'))
        from = head.right
      }

      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no'
      })
      res.write(`retry: 2000\n: callstate feed after position ${from}\n\n`)

      const write = (text: string): Promise<void> =>
        res.write(text) || res.destroyed ? Promise.resolve() : new Promise((r) => res.once('drain', () => r()))

      // `end` may run before the subscription exists (the client left at once), hence the holder.
      const holder: { subscription?: Subscription } = {}
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS)
      let sent = 0
      const end = (): void => {
        if (!open.has(end)) return
        clearInterval(keepalive)
        open.delete(end)
        // The route is hijacked, so the usual per-request line is not written: this is the feed's line.
        request.log.info({ from, sent, remoteAddress: request.ip }, 'feed: client disconnected')
        void holder.subscription?.close()
        if (!res.writableEnded) res.end()
      }
      open.add(end)
      res.on('close', end)

      holder.subscription = store.subscribe(from, {
        onEvents: async (events) => {
          for (const event of events) {
            if (res.destroyed) return
            for (const change of feedChangesOf(event)) {
              const id = 'body' in change ? change.body.telephonySessionId : change.telephonySessionId
              const earlier = await earlierOf(store, readModels, id, event)
              if (E.isLeft(earlier)) {
                request.log.error({ failure: earlier.left }, 'feed: cannot read the session stream; ending the feed')
                end()
                return
              }
              const feedEvent = feedEventOf(event, change, earlier.right, { now: now().toISOString(), staleAfterMs })
              if (feedEvent !== undefined) {
                sent++
                await write(sseText(feedEvent))
              }
            }
          }
        },
        onError: (failure) => {
          request.log.error({ failure }, 'feed: subscription failed; ending the feed (the client may resume)')
          end()
        }
      })
      request.log.info({ from, remoteAddress: request.ip }, 'feed: client connected')
    }
  )
}
