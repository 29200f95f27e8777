/**
 * `GET /feed`: Server-Sent Events, a live stream of call-state changes and ended-call records (event names
 * and data: feed.ts in @callstate/projections). Each event's `id:` is its log position; a client resumes after a position
 * with the `Last-Event-ID` header (what EventSource sends on reconnect; it wins over `?from=`) or `?from=`.
 * Without either, the feed starts at the current end of the log (live changes only); `?from=0` replays it all.
 *
 * What an event says is worked out once per log position and shared by every client (./feed-texts.ts): with 200
 * clients one session fold per event, not 200, so the feed does not take the event loop from the webhook.
 *
 * Each client follows the log with its own store subscription, so a slow client only slows itself: the
 * subscription waits for the socket to drain before it delivers more, so at most one event waits in memory
 * beyond the socket's buffers. A client whose socket has not drained for `stallMs` (it stopped reading) is
 * dropped: its connection is closed, and it resumes with Last-Event-ID. A comment line every 15 s keeps
 * proxies from closing an idle stream. At shutdown every feed is ended (server.ts preClose hook).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FastifyInstance } from 'fastify'
import type { EventStore, ReadModelStore, Subscription } from '@callstate/projections'
import { ApiErrorRef, apiError } from '../errors.js'
import { feedTexts } from './feed-texts.js'

const KEEPALIVE_MS = 15_000

export interface FeedOptions {
  readonly store: EventStore
  /** Where the end facts a session got from presence are kept (the log has no index of presence by session). */
  readonly readModels: ReadModelStore
  /** Open feeds, ended by the server at shutdown. */
  readonly open: Set<() => void>
  /** The clock: a live call's open spans are counted up to the moment its event is sent. */
  readonly now: () => Date
  readonly staleAfterMs: number
  /** A client whose socket has not drained for this long is dropped. */
  readonly stallMs: number
}

export const registerFeed = (
  app: FastifyInstance,
  { store, readModels, open, now, staleAfterMs, stallMs }: FeedOptions
): void => {
  const texts = feedTexts({ store, readModels, now, staleAfterMs })
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
      // HEAD (fastify adds it to every GET): the headers of the stream, no stream. Without this, the hijacked
      // stream below never sends its headers (a HEAD answer has no body to flush them) and the client hangs.
      if (request.method === 'HEAD')
        return reply
          .code(200)
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache')
          .send()
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

      // `end` may run before the subscription exists (the client left at once), hence the holder.
      const holder: { subscription?: Subscription } = {}
      let sent = 0
      let stalled = false
      const end = (): void => {
        if (!open.has(end)) return
        clearInterval(keepalive)
        open.delete(end)
        // The route is hijacked, so the usual per-request line is not written: this is the feed's line.
        request.log.info({ from, sent, remoteAddress: request.ip, stalled }, 'feed: client disconnected')
        void holder.subscription?.close()
        // A stalled socket would never flush what `end` writes: it is closed instead.
        if (stalled) res.destroy()
        else if (!res.writableEnded) res.end()
      }

      /** Resolves once the socket took `text` (or drained after it); drops the client if it does not drain in time. */
      const write = (text: string): Promise<void> => {
        if (res.write(text) || res.destroyed) return Promise.resolve()
        return new Promise((resolve) => {
          const done = (): void => {
            clearTimeout(timer)
            res.off('drain', done)
            res.off('close', done)
            resolve()
          }
          const timer = setTimeout(() => {
            stalled = true
            request.log.warn(
              { from, sent, buffered: res.writableLength, stallMs, remoteAddress: request.ip },
              'feed: client stopped reading; dropped (it may resume with Last-Event-ID)'
            )
            end()
            done()
          }, stallMs)
          res.once('drain', done)
          res.once('close', done)
        })
      }
      // No keepalive onto a socket that is already backed up: the stall timer decides about that client.
      const keepalive = setInterval(() => {
        if (!res.writableNeedDrain && !res.destroyed) res.write(': keepalive\n\n')
      }, KEEPALIVE_MS)
      open.add(end)
      res.on('close', end)

      holder.subscription = store.subscribe(from, {
        onEvents: async (events) => {
          for (const event of events) {
            if (res.destroyed) return
            const worked = await texts.of(event)
            if (E.isLeft(worked)) {
              request.log.error({ failure: worked.left }, 'feed: cannot read the session stream; ending the feed')
              end()
              return
            }
            for (const text of worked.right) {
              sent++
              await write(text)
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
