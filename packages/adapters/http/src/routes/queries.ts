/**
 * The call-state query API: the projections' query functions over HTTP, answering the same JSON shapes as the
 * CLI's `--json`. Lists keep the array shape of the CLI and carry the next page's cursor in the
 * `X-Next-Cursor` header (absent on the last page). Unknown ids are 404 `{error, message}`; bad parameters
 * are refused by the route schemas with 400 naming the parameter and the rule.
 *
 * The read models follow the log in this process, so an answer reflects every notification the projections
 * have applied: a notification answered 200 becomes visible after the runner's next batch (README, "visibility
 * delay"). `stale` is decided per request from the server clock (or `at`) and `--stale-after`.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { FastifyInstance, FastifyReply } from 'fastify'
import {
  activeCalls,
  listSessions,
  queryPresence,
  queryPresenceAt,
  querySession,
  auditTrail,
  type QueryDeps,
  type QueryFailure,
  type QueryTime,
  type SessionPage
} from '@callstate/projections'
import { ApiErrorRef, apiError } from '../errors.js'
import { AuditEntrySchema, PresenceAtSchema, PresenceTimelineSchema, pageParams, timeParams } from '../schemas.js'

export interface QueryRouteOptions {
  readonly deps: QueryDeps
  readonly now: () => Date
  readonly staleAfterMs: number
}

interface TimeQuery {
  readonly at?: string
  readonly knownAt?: string
}

interface ListQuery extends TimeQuery {
  readonly extension?: string
  readonly active?: boolean
  readonly limit?: number
  readonly cursor?: string
}

const statusOf = (f: QueryFailure): number => {
  switch (f._tag) {
    case 'NotFound':
      return 404
    case 'InvalidQuery':
    case 'InvalidRequest':
      return 400
    case 'Unavailable':
    case 'Timeout':
      return 503
    case 'ReadModelFailure':
    case 'VersionConflict':
      return 500
  }
}

const messageOf = (f: QueryFailure): string => {
  switch (f._tag) {
    case 'NotFound':
    case 'InvalidQuery':
      return f.message
    case 'InvalidRequest':
      return f.reason
    case 'Unavailable':
      return `the notification log is unavailable: ${f.cause}`
    case 'Timeout':
      return `the notification log did not answer ${f.operation} within ${f.ms} ms`
    case 'ReadModelFailure':
      return `the read models failed: ${f.cause}`
    case 'VersionConflict':
      return `conflict on ${f.stream}`
  }
}

const codeOf = (status: number): string =>
  status === 404 ? 'not-found' : status === 400 ? 'bad-request' : status === 503 ? 'unavailable' : 'internal-error'

const answer = async <A>(reply: FastifyReply, task: TE.TaskEither<QueryFailure, A>): Promise<FastifyReply> => {
  const result = await task()
  if (E.isRight(result)) return reply.send(result.right)
  const status = statusOf(result.left)
  if (status >= 500) reply.log.error({ failure: result.left }, 'query failed')
  return reply.code(status).send(apiError(codeOf(status), messageOf(result.left)))
}

const answerPage = async (reply: FastifyReply, task: TE.TaskEither<QueryFailure, SessionPage>) =>
  answer(
    reply,
    pipe(
      task,
      TE.map((page) => {
        if (page.nextCursor !== null) void reply.header('x-next-cursor', page.nextCursor)
        return page.items
      })
    )
  )

const listResponse = {
  200: {
    type: 'array',
    items: { $ref: 'SessionSummary#' },
    headers: { 'x-next-cursor': { type: 'string', description: 'Cursor of the next page; absent on the last.' } }
  },
  400: ApiErrorRef,
  401: ApiErrorRef,
  503: ApiErrorRef
} as const

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } } as const

export const registerQueries = (app: FastifyInstance, { deps, now, staleAfterMs }: QueryRouteOptions): void => {
  const time = (q: TimeQuery): QueryTime => ({
    now: now().toISOString(),
    staleAfterMs,
    ...(q.at !== undefined ? { at: q.at } : {}),
    ...(q.knownAt !== undefined ? { knownAt: q.knownAt } : {})
  })
  /** What the two list routes share: the time, the extension filter and the page. */
  const listOptions = (q: Omit<ListQuery, 'active'>) => ({
    ...time(q),
    ...(q.extension !== undefined ? { extensionId: q.extension } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {})
  })
  const security = [{ bearer: [] }]

  app.get<{ Querystring: Omit<ListQuery, 'active'> }>(
    '/calls/active',
    {
      schema: {
        summary: 'Calls in progress: sessions not ended and not stale at now (or at `at`), newest first',
        tags: ['queries'],
        security,
        querystring: {
          type: 'object',
          properties: {
            extension: { type: 'string', description: 'Only calls of this extension.' },
            ...timeParams,
            ...pageParams
          }
        },
        response: listResponse
      }
    },
    async (request, reply) => answerPage(reply, activeCalls(deps, listOptions(request.query)))
  )

  app.get<{ Querystring: ListQuery }>(
    '/sessions',
    {
      schema: {
        summary: 'Telephony sessions, newest first (same items as `callstate sessions --json`)',
        tags: ['queries'],
        security,
        querystring: {
          type: 'object',
          properties: {
            extension: { type: 'string', description: 'Only sessions with a party of this extension.' },
            active: { type: 'boolean', description: 'Only sessions not ended and not stale.' },
            ...timeParams,
            ...pageParams
          }
        },
        response: listResponse
      }
    },
    async (request, reply) => {
      const q = request.query
      return answerPage(
        reply,
        listSessions(deps, { ...listOptions(q), ...(q.active !== undefined ? { active: q.active } : {}) })
      )
    }
  )

  app.get<{ Params: { id: string }; Querystring: TimeQuery }>(
    '/sessions/:id',
    {
      schema: {
        summary: 'One telephony session: status, parties with histories, metrics and outcomes',
        tags: ['queries'],
        security,
        params: idParams,
        querystring: { type: 'object', properties: { ...timeParams } },
        response: { 200: { $ref: 'Session#' }, 400: ApiErrorRef, 401: ApiErrorRef, 404: ApiErrorRef, 503: ApiErrorRef }
      }
    },
    async (request, reply) => answer(reply, querySession(deps, request.params.id, time(request.query)))
  )

  app.get<{ Params: { id: string } }>(
    '/sessions/:id/audit',
    {
      schema: {
        summary: "A session's raw notifications in log order, each with the session state after it",
        tags: ['queries'],
        security,
        params: idParams,
        querystring: { type: 'object', properties: {} },
        response: {
          200: { type: 'array', items: AuditEntrySchema },
          401: ApiErrorRef,
          404: ApiErrorRef,
          503: ApiErrorRef
        }
      }
    },
    async (request, reply) => {
      return answer(reply, auditTrail(deps.store, request.params.id))
    }
  )

  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string; at?: string; knownAt?: string } }>(
    '/extensions/:id/presence',
    {
      schema: {
        summary: "An extension's presence timeline (within from..to), or its presence at `at`",
        tags: ['queries'],
        security,
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', format: 'date-time', description: 'Intervals that end after this instant.' },
            to: { type: 'string', format: 'date-time', description: 'Intervals that start by this instant.' },
            ...timeParams
          }
        },
        response: {
          200: { anyOf: [PresenceTimelineSchema, PresenceAtSchema] },
          400: ApiErrorRef,
          401: ApiErrorRef,
          404: ApiErrorRef,
          503: ApiErrorRef
        }
      }
    },
    async (request, reply) => {
      const { from, to, at, knownAt } = request.query
      const known = knownAt !== undefined ? { knownAt } : {}
      if (at !== undefined) return answer(reply, queryPresenceAt(deps, request.params.id, at, known))
      return answer(
        reply,
        queryPresence(deps, request.params.id, {
          ...known,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {})
        })
      )
    }
  )
}
