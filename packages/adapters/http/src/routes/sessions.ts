/**
 * The session routes: calls in progress, the session list, one session, and its audit. The same query functions
 * as the CLI (@callstate/projections), answering the same JSON shapes as its `--json`.
 */
import type { FastifyInstance } from 'fastify'
import { activeCalls, auditTrail, listSessions, querySession } from '@callstate/projections'
import { ApiErrorRef } from '../errors.js'
import { AuditEntrySchema, pageParams, timeParams } from '../schemas.js'
import {
  answer,
  answerPage,
  errorResponses,
  idParams,
  queryTime,
  security,
  type TimeQuery,
  type QueryRouteOptions
} from './answer.js'

interface ListQuery extends TimeQuery {
  readonly extension?: string
  readonly active?: boolean
  readonly limit?: number
  readonly cursor?: string
}

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

const listQueryString = (extension: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: { extension: { type: 'string', description: extension }, ...extra, ...timeParams, ...pageParams }
})

export const registerSessionRoutes = (app: FastifyInstance, { deps, now, staleAfterMs }: QueryRouteOptions): void => {
  /** What the two list routes share: the time, the extension filter and the page. */
  const listOptions = (q: Omit<ListQuery, 'active'>) => ({
    ...queryTime(now, staleAfterMs, q),
    ...(q.extension !== undefined ? { extensionId: q.extension } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {})
  })

  app.get<{ Querystring: Omit<ListQuery, 'active'> }>(
    '/calls/active',
    {
      schema: {
        summary: 'Calls in progress: sessions not ended and not stale at now (or at `at`), newest first',
        tags: ['queries'],
        security,
        querystring: listQueryString('Only calls of this extension.'),
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
        querystring: listQueryString('Only sessions with a party of this extension.', {
          active: { type: 'boolean', description: 'Only sessions not ended and not stale.' }
        }),
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
        response: { 200: { $ref: 'Session#' }, ...errorResponses }
      }
    },
    async (request, reply) =>
      answer(reply, querySession(deps, request.params.id, queryTime(now, staleAfterMs, request.query)))
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
    async (request, reply) => answer(reply, auditTrail(deps, request.params.id))
  )
}
